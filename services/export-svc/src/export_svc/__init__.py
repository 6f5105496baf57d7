"""export-svc: CSV exports of any segment or card with chosen columns and sort order."""
