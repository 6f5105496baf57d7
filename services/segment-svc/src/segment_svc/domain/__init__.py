"""Pure segment logic: no I/O."""
