"""Processes: HTTP API, stream worker, migrations."""
