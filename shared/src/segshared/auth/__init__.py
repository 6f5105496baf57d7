"""API keys with scopes, shared by every service API: the key format and scope rules (pure),
the Redis key store and the FastAPI dependency that checks each request."""
