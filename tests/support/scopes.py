"""The scope each route of each service needs, written out by hand: the oracle of the access
tests (a route missing here fails them, so that every new route gets a decision)."""

from __future__ import annotations

OPEN = frozenset({"/health", "/health/live", "/health/ready", "/metrics"})

_COMMON = {
    ("GET", "/fields"): "read",
}
SCOPES: dict[str, dict[tuple[str, str], str]] = {
    "card-svc": {
        **_COMMON,
        ("GET", "/cards"): "read",
        ("POST", "/cards"): "write",
        ("POST", "/cards/upload"): "write",
        ("GET", "/cards/{card_id}"): "read",
        ("PUT", "/cards/{card_id}"): "write",
        ("DELETE", "/cards/{card_id}"): "write",
        ("GET", "/cards/{card_id}/members"): "read",
        ("PUT", "/cards/{card_id}/members"): "write",
        ("GET", "/cards/{card_id}/history"): "read",
        ("GET", "/stats"): "read",
        ("GET", "/audit"): "admin",
    },
    "segment-svc": {
        ("POST", "/segments/execute"): "read",
        ("GET", "/segments"): "read",
        ("POST", "/segments"): "write",
        ("GET", "/segments/{segment_id}"): "read",
        ("PUT", "/segments/{segment_id}"): "write",
        ("DELETE", "/segments/{segment_id}"): "write",
        ("POST", "/segments/{segment_id}/clone"): "write",
        ("GET", "/segments/{segment_id}/members"): "read",
        ("GET", "/segments/{segment_id}/history"): "read",
        ("GET", "/audit"): "admin",
    },
    "action-svc": {
        ("GET", "/actions"): "read",
        ("POST", "/actions"): "actions",
        ("GET", "/actions/{action_id}"): "read",
        ("PUT", "/actions/{action_id}"): "actions",
        ("DELETE", "/actions/{action_id}"): "actions",
        ("POST", "/actions/{action_id}/pause"): "actions",
        ("POST", "/actions/{action_id}/resume"): "actions",
        ("GET", "/actions/{action_id}/stats"): "read",
        ("GET", "/actions/{action_id}/log"): "read",
        ("GET", "/actions/{action_id}/runs"): "read",
        ("GET", "/channels"): "read",
        ("PUT", "/channels/{channel}"): "actions",
        ("GET", "/audit"): "admin",
    },
    "export-svc": {
        **_COMMON,
        ("GET", "/exports/stream"): "export",
        ("POST", "/exports/stream"): "export",
        ("GET", "/exports"): "read",
        ("POST", "/exports"): "export",
        ("GET", "/exports/{job_id}"): "read",
        ("DELETE", "/exports/{job_id}"): "export",
        ("GET", "/exports/{job_id}/file"): "export",
        ("GET", "/schedules"): "read",
        ("POST", "/schedules"): "export",
        ("GET", "/schedules/{schedule_id}"): "read",
        ("DELETE", "/schedules/{schedule_id}"): "export",
    },
}
