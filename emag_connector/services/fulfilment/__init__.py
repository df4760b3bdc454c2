"""Fulfilment: what happens when a delivery is validated (AWB, invoice, documents, finalization)."""
