"""Shared helpers of the simulator tests (imported by conftest and test modules).

Named uniquely because test folders are not packages: pytest puts each
folder on sys.path, so a generic name could clash with another suite's.
"""

import requests

from emag_simulator import EmagSimulator

USER, PASSWORD = "seller@example.ro", "s3cret"

KETTLE = {
    "id": 1001,
    "category_id": 2735,
    "name": "Fierbător electric Exemplu 1.7L",
    "part_number": "KT-1700-INOX",
    "brand": "Exemplu",
    "ean": ["5940000000017"],
    "warranty": 24,
    "characteristics": [{"id": 6876, "value": "1.7 l"}, {"id": 7764, "value": "2200 W"}],
    "status": 1,
    "sale_price": 82.6446,
    "min_sale_price": 70,
    "max_sale_price": 120,
    "vat_id": 1,
    "stock": [{"warehouse_id": 1, "value": 25}],
    "handling_time": [{"warehouse_id": 1, "value": 1}],
}
CABLE = {
    "id": 1004,
    "category_id": 3120,
    "name": "Cablu USB-C 2 m",
    "part_number": "CBL-USBC-2M",
    "brand": "Conecta",
    "status": 1,
    "sale_price": "24.7934",
    "min_sale_price": "15",
    "max_sale_price": "40",
    "vat_id": 1,
    "stock": [{"warehouse_id": 1, "value": 140}],
}


class Api:
    """Calls the simulator like a client would: Basic auth, JSON, /api-3 base URL."""

    def __init__(self, sim, username=USER, password=PASSWORD):
        self.sim = sim
        self.session = requests.Session()
        self.session.auth = (username, password)

    def post(self, route, body=None, **kwargs):
        kwargs.setdefault("timeout", 10)
        if body is not None:
            kwargs["json"] = body
        return self.session.post(f"{self.sim.base_url}/{route}", **kwargs)

    def call(self, route, body=None):
        """POST and return the decoded envelope (asserting HTTP 200)."""
        response = self.post(route, body)
        assert response.status_code == 200, response.text
        return response.json()

    def save(self, route, *entities):
        return self.call(route, {"data": list(entities)})


def make_simulator(**options):
    options.setdefault("seed", 1)
    options.setdefault("rate_limits", False)
    sim = EmagSimulator(**options)
    sim.add_account(USER, PASSWORD, platform="emag_ro", vendor_name="EXEMPLU SHOP SRL")
    sim.add_offer(USER, KETTLE)
    sim.add_offer(USER, CABLE)
    return sim


def order_lines(*quantities):
    """``lines`` option of create_order: kettle x q1, cable x q2."""
    ids = (KETTLE["id"], CABLE["id"])
    return [{"product_id": pid, "quantity": qty} for pid, qty in zip(ids, quantities)]
