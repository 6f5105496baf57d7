"""action-svc: turns segment entered/exited events into dispatches for campaign channels."""
