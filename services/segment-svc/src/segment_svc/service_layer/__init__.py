"""Use cases of segment-svc."""
