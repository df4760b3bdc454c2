"""Plumbing every flow uses: the connection, the API log, the rate limiter, translatable labels."""
