"""Lua scripts of card-svc (package data)."""
