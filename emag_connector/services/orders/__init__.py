"""Orders: read eMAG orders, turn them into sale orders, keep both sides' statuses in step."""
