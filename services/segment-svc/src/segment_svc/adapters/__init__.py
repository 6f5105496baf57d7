"""Edges: SQL, Redis, HTTP and Kafka."""
