"""The operator console: static screens (no build step) and a proxy to the services' APIs."""
