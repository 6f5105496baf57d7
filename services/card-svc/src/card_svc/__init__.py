"""card-svc: card definitions, per-player state, and card membership changes."""
