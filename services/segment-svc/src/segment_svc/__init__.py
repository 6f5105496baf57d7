"""segment-svc: segment definitions, per-player incremental membership, set-algebra builds."""
