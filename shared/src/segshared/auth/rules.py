"""Which scope a route needs: one rule for every service, by method and route template.

Reading is ``read``; changing cards and segments is ``write`` (running an unsaved definition
only reads); export jobs, streams, downloads and schedules are ``export``; changing actions
and channels is ``actions``; the audit log is ``admin``. Health and metrics stay open, so
that probes and scrapers need no key.
"""

from __future__ import annotations

from segshared.auth.domain import ACTIONS, ADMIN, EXPORT, READ, WRITE

OPEN_PATHS = frozenset({"/health", "/health/live", "/health/ready", "/metrics"})
_EXPORT_ROOTS = ("/exports", "/schedules")
_ACTION_ROOTS = ("/actions", "/channels")
#: GETs that hand out data in bulk: exporting, not reading.
_EXPORT_READS = frozenset({"/exports/stream", "/exports/{job_id}/file"})
_READ_POSTS = frozenset({"/segments/execute"})


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root + "/") for root in roots)


def required_scope(method: str, path: str) -> str | None:
    """The scope ``method path`` (a route template) needs; None for the open routes."""
    if path in OPEN_PATHS:
        return None
    if _under(path, ("/audit",)):
        return ADMIN
    reading = method.upper() in {"GET", "HEAD"}
    if _under(path, _EXPORT_ROOTS):
        return EXPORT if not reading or path in _EXPORT_READS else READ
    if reading or path in _READ_POSTS:
        return READ
    if _under(path, _ACTION_ROOTS):
        return ACTIONS
    return WRITE
