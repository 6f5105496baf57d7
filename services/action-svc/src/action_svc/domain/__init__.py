"""Pure action logic: definitions, templates, schedules, keys, guards and policies; no I/O."""
