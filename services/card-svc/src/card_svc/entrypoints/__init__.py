"""Runnable processes: api, worker, migrate."""
