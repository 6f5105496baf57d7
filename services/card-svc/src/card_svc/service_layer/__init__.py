"""Use cases: card definitions, event batches, backfills, the clock."""
