"""The seeded order generator: reproducible, realistic, consistent amounts."""

from decimal import Decimal

import pytest
from emag_sim_support import CABLE, KETTLE, USER, make_simulator, order_lines
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban
from stdnum.bg import vat as bg_vat
from stdnum.hu import anum
from stdnum.ro import cui

from emag_simulator import EmagSimulator, gross_total


def _orders(seed):
    sim = make_simulator(seed=seed)
    return sim.generate_orders(USER, 20)


def test_same_seed_same_orders_other_seed_other_orders():
    first, second, other = _orders(7), _orders(7), _orders(8)
    strip = [
        {k: v for k, v in o.items() if k not in ("date", "created", "modified")} for o in first
    ]
    assert strip == [
        {k: v for k, v in o.items() if k not in ("date", "created", "modified")} for o in second
    ]
    assert [o["customer"]["name"] for o in first] != [o["customer"]["name"] for o in other]


def test_lines_reference_catalogue_offers():
    sim = make_simulator(seed=2)
    offers = {1001, 1004}
    for order in sim.generate_orders(USER, 30):
        assert {line["product_id"] for line in order["products"]} <= offers
        assert all(
            line["vat"] == "0.21" and line["currency"] == "RON" for line in order["products"]
        )


def test_b2b_orders_carry_valid_fiscal_codes_on_every_platform():
    sim = EmagSimulator(seed=5, rate_limits=False)
    sim.load_seed()
    checks = {
        "demo-ro@example.ro": lambda c: cui.is_valid(c.removeprefix("RO")),
        "demo-bg@example.bg": lambda c: bg_vat.is_valid(c.removeprefix("BG")),
        "demo-hu@example.hu": lambda c: anum.is_valid(c.split("-")[0]),
    }
    for username, valid in checks.items():
        order = sim.create_order(username, b2b=True)
        customer = order["customer"]
        assert customer["legal_entity"] == 1 and customer["company"] != customer["name"]
        assert valid(customer["code"]), customer["code"]
        assert iban.is_valid(customer["iban"])


def test_voucher_split_shipping_and_card_payment_amounts():
    sim = make_simulator(seed=4)
    order = sim.create_order(
        USER,
        payment_mode_id=3,
        voucher=True,
        shipping_tax="15.99",
        locker=False,
        lines=order_lines(2),
    )
    split = order["products"][0]["product_voucher_split"][0]
    assert Decimal(split["value"]) + Decimal(split["vat_value"]) == Decimal("-10.0000")
    expected = (Decimal("82.6446") * 2 * Decimal("1.21") - 10 + Decimal("15.99")).quantize(
        Decimal("0.01")
    )
    assert gross_total(order) == expected
    assert order["payment_status"] == 1 and Decimal(str(order["cashed_co"])) == expected


def test_locker_orders_look_like_easybox_deliveries():
    sim = make_simulator(seed=4)
    order = sim.create_order(USER, locker=True)
    assert order["delivery_mode"] == "pickup"
    assert order["details"]["locker_id"] == "9194"
    assert "[EasyBox #9194]" in order["customer"]["shipping_street"]


def test_generated_day_mixes_statuses_types_and_customers():
    sim = EmagSimulator(seed=1, rate_limits=False)
    sim.load_seed()
    orders = sim.orders("demo-ro@example.ro")
    assert {o["status"] for o in orders} >= {1, 2, 4}
    names = " ".join(o["customer"]["name"] for o in orders)
    assert any(ch in names for ch in "ăâîșțĂÂÎȘȚ")


def test_emag_side_line_edit_before_acknowledge(esim, esim_api):
    order = esim.create_order(USER, status=1, lines=order_lines(2))
    line_id = order["products"][0]["id"]
    edited = esim.edit_order_lines(
        USER, order["id"], quantities={line_id: 1}, add=[{"product_id": 1004, "quantity": 1}]
    )
    assert [(line["product_id"], line["quantity"]) for line in edited["products"]] == [
        (1001, 1),
        (1004, 1),
    ]
    read = esim_api.call("order/read", {"id": order["id"]})["results"][0]
    assert read["modified"] >= order["modified"] and len(read["products"]) == 2


def test_new_order_placed_earlier_is_modified_when_it_reaches_the_seller(esim, esim_api):
    """The placing time is drawn in the past; the order only reaches the
    seller's list now, which an incremental read (``modifiedAfter``) must see."""
    order = esim.create_order(USER, status=1, lines=order_lines(1))
    assert order["date"] == order["created"] < order["modified"]
    read = esim_api.call("order/read", {"modifiedAfter": order["created"]})["results"]
    assert [found["id"] for found in read] == [order["id"]]


def test_shapes_real_payloads_have():
    """Issue 16: a shipping voucher listed twice, an order eMAG completes
    later, a cancellation request on an order still new."""
    sim = make_simulator(seed=6)
    order = sim.create_order(
        USER, shipping_tax="15.99", shipping_voucher=True, voucher=False, lines=order_lines(1)
    )
    split = order["shipping_tax_voucher_split"][0]
    assert [v["voucher_id"] for v in order["vouchers"]] == [split["voucher_id"]]
    assert Decimal(split["value"]) + Decimal(split["vat_value"]) == Decimal("-10.0000")
    # The simulator's own total counts it once (from the split).
    expected = (Decimal("82.6446") * Decimal("1.21") + Decimal("15.99") - 10).quantize(
        Decimal("0.01")
    )
    assert gross_total(order) == expected

    incomplete = sim.create_order(USER, complete=False, lines=order_lines(1))
    assert incomplete["is_complete"] == 0
    assert not incomplete["customer"]["billing_street"]
    completed = sim.complete_order(USER, incomplete["id"])
    assert completed["is_complete"] == 1 and completed["customer"]["billing_street"]
    assert completed["modified"] >= incomplete["modified"]

    new = sim.create_order(USER, status=1, lines=order_lines(1))
    requested = sim.customer_cancel(USER, new["id"], request=True)
    assert requested["status"] == 1 and requested["cancellation_request"]


def test_a_day_meets_shipping_vouchers_listed_twice():
    orders = _orders(9) + make_simulator(seed=9).generate_orders(USER, 200)
    assert any(order["shipping_tax_voucher_split"] for order in orders)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    kettles=st.integers(0, 4),
    cables=st.integers(0, 4),
    orders=st.integers(1, 8),
)
def test_customers_buy_only_what_eMAG_shows_in_stock(seed, kettles, cables, orders):
    """With ``orders_within_stock``, the units of orders not yet acknowledged never
    exceed an offer's stock, and nothing can be ordered once nothing is left."""
    stock = {KETTLE["id"]: kettles, CABLE["id"]: cables}
    sim = EmagSimulator(seed=seed, rate_limits=False, orders_within_stock=True)
    sim.add_account(USER, "secret", platform="emag_ro")
    for offer in (KETTLE, CABLE):
        sim.add_offer(USER, dict(offer, stock=[{"warehouse_id": 1, "value": stock[offer["id"]]}]))
    for _ in range(orders):
        if not any(stock.values()):
            with pytest.raises(ValueError, match="no active offer in stock"):
                sim.create_order(USER, status=1)
            break
        placed = sim.create_order(USER, status=1)
        for line in placed["products"]:
            stock[line["product_id"]] -= line["quantity"]
        assert all(left >= 0 for left in stock.values()), (placed["products"], stock)
