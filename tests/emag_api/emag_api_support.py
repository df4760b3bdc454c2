"""Shared helpers of the eMAG client tests (imported by conftest and tests)."""

USER = "seller@exemplu.ro"
PASSWORD = "s3cr3t-Pa55!"


class Unpaced:
    """A limiter that never waits, for simulators whose rate limits are off."""

    def acquire(self, key, limits):
        pass

    def penalize(self, key, seconds):
        pass


def catalogue_offer(offer_id, **overrides):
    """A valid new product + offer in an open category (no EAN/warranty needed)."""
    offer = {
        "id": offer_id,
        "category_id": 3120,
        "name": f"Cablu USB-C {offer_id}",
        "part_number": f"USBC-{offer_id}",
        "brand": "Exemplu",
        "status": 1,
        "sale_price": 20.0,
        "min_sale_price": 5.0,
        "max_sale_price": 100.0,
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 10}],
        "handling_time": [{"warehouse_id": 1, "value": 1}],
    }
    offer.update(overrides)
    return offer
