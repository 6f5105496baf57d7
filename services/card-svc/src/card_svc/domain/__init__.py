"""Pure domain: player state, facts, card evaluation. No I/O."""
