"""Edges: SQL, Redis, Kafka and HTTP clients."""
