"""Benchmarks of the platform: ``python -m bench`` (see bench/RESULTS.md)."""
