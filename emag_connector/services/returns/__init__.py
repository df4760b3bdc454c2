"""Returns (RMA): eMAG return requests, their receipt in the warehouse, refunds and exchanges."""
