"""Order status matrix (generated from the simulator's table), acknowledge,
edits allowed per status, and the partial-storno validation table."""

from datetime import timedelta

import pytest
from emag_sim_support import USER, order_lines

from emag_simulator import ORDER_STATUS_TRANSITIONS, ORDER_STATUSES, transition_window

PAIRS = [(cur, new) for cur in ORDER_STATUSES for new in ORDER_STATUSES]


def _save(api, order, **changes):
    """order/save resending the whole order as read, with ``changes`` applied."""
    return api.save("order/save", {**order, **changes})


def _status_change(api, order, new_status):
    extra = {"reason_cancellation": 24} if new_status == 0 else {}
    return _save(api, order, status=new_status, **extra)


@pytest.mark.parametrize(("current", "requested"), PAIRS)
def test_status_matrix_through_order_save(esim, esim_api, current, requested):
    order = esim.create_order(USER, status=current, payment_mode_id=1)
    rule = ORDER_STATUS_TRANSITIONS.get((current, requested))
    body = _status_change(esim_api, order, requested)
    allowed = rule is not None and rule.via == "order/save"
    assert body["isError"] is not allowed, body
    expected = requested if allowed else current
    assert esim.get_order(USER, order["id"])["status"] == expected


WINDOWED = [pair for pair, rule in ORDER_STATUS_TRANSITIONS.items() if rule.window_from]


@pytest.mark.parametrize(("current", "requested"), WINDOWED)
def test_windowed_transitions_close_after_their_window(esim, esim_api, current, requested):
    window = transition_window(ORDER_STATUS_TRANSITIONS[(current, requested)], esim.account(USER))
    inside = esim.create_order(USER, status=current)
    outside = esim.create_order(USER, status=current)
    esim.clock.advance(seconds=(window - timedelta(hours=1)).total_seconds())
    assert _status_change(esim_api, inside, requested)["isError"] is False
    esim.clock.advance(hours=2)
    body = _status_change(esim_api, outside, requested)
    assert body["isError"] is True
    assert "time allowed" in body["messages"][0]


def test_acknowledge_moves_new_to_in_progress_and_is_idempotent(esim, esim_api):
    order = esim.create_order(USER, status=1)
    assert esim_api.call(f"order/acknowledge/{order['id']}") == {
        "isError": False,
        "messages": [],
        "results": [],
    }
    after = esim.get_order(USER, order["id"])
    assert after["status"] == 2 and after["modified"] >= order["modified"]
    assert esim_api.call(f"order/acknowledge/{order['id']}")["isError"] is False
    assert esim.get_order(USER, order["id"])["status"] == 2


def test_acknowledge_refused_for_fbe_and_unknown_orders(esim, esim_api):
    fbe = esim.create_order(USER, status=1, order_type=2)
    assert esim_api.call(f"order/acknowledge/{fbe['id']}")["isError"] is True
    assert esim.get_order(USER, fbe["id"])["status"] == 1
    assert esim_api.call("order/acknowledge/1")["isError"] is True


def test_unacknowledged_orders_reserve_stock(esim, esim_api):
    order = esim.create_order(USER, status=1, lines=order_lines(3))
    offer = esim_api.call("product_offer/read", {"id": 1001})["results"][0]
    assert (offer["general_stock"], offer["estimated_stock"]) == (25, 22)
    esim_api.call(f"order/acknowledge/{order['id']}")
    offer = esim_api.call("product_offer/read", {"id": 1001})["results"][0]
    assert offer["estimated_stock"] == 25


def test_cancel_needs_a_known_reason_and_is_recorded(esim, esim_api):
    order = esim.create_order(USER, status=2)
    assert _save(esim_api, order, status=0)["isError"] is True
    assert _save(esim_api, order, status=0, reason_cancellation=999)["isError"] is True
    assert _save(esim_api, order, status=0, cancellation_reason=1)["isError"] is False
    canceled = esim.get_order(USER, order["id"])
    assert canceled["status"] == 0
    assert canceled["reason_cancellation"] == {"id": 1, "name": "Out of stock"}


# ------------------------------------------------------------------------- edits


def _lines(order):
    return [dict(line) for line in order["products"]]


@pytest.mark.parametrize("status", [2, 3])
def test_reduce_remove_and_add_lines_in_progress_or_prepared(esim, esim_api, status):
    order = esim.create_order(USER, status=status, payment_mode_id=1, lines=order_lines(2, 1))
    kettle, cable = _lines(order)
    kettle["quantity"] = 1
    new_line = {
        "product_id": 555,
        "name": "Discount intern",
        "status": 1,
        "sale_price": "-5.0000",
        "quantity": 1,
    }
    assert _save(esim_api, order, products=[kettle, new_line])["isError"] is False
    saved = esim.get_order(USER, order["id"])
    by_product = {line["product_id"]: line for line in saved["products"]}
    assert by_product[1001]["quantity"] == 1
    assert by_product[1004]["status"] == 0  # omitted line = removed
    assert by_product[555]["sale_price"] == "-5.0000" and by_product[555]["id"]


@pytest.mark.parametrize("status", [0, 4, 5])
def test_line_edits_refused_outside_2_and_3(esim, esim_api, status):
    order = esim.create_order(USER, status=status, lines=order_lines(2))
    lines = _lines(order)
    lines[0]["quantity"] = 1
    assert _save(esim_api, order, products=lines)["isError"] is True
    assert esim.get_order(USER, order["id"])["products"][0]["quantity"] == 2


def test_new_order_cannot_be_edited_before_acknowledge(esim, esim_api):
    order = esim.create_order(USER, status=1, lines=order_lines(2))
    lines = _lines(order)
    lines[0]["quantity"] = 1
    assert _save(esim_api, order, products=lines)["isError"] is True


def test_card_orders_cannot_lose_lines_but_can_gain_them(esim, esim_api):
    order = esim.create_order(USER, status=2, payment_mode_id=3, lines=order_lines(2))
    lines = _lines(order)
    lines[0]["quantity"] = 1
    body = _save(esim_api, order, products=lines)
    assert body["isError"] is True and "card" in body["messages"][0]
    added = [
        *_lines(order),
        {"product_id": 1004, "sale_price": "24.7934", "quantity": 1, "status": 1, "name": "Cablu"},
    ]
    assert _save(esim_api, order, products=added)["isError"] is False


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sale_price", "1.0000"),
        ("product_id", 999),
        ("part_number", "OTHER"),
        ("ext_part_number", "OTHER"),
    ],
)
def test_immutable_line_fields(esim, esim_api, key, value):
    order = esim.create_order(USER, status=2, lines=order_lines(1))
    lines = _lines(order)
    lines[0][key] = value
    assert _save(esim_api, order, products=lines)["isError"] is True


def test_quantity_cannot_grow(esim, esim_api):
    order = esim.create_order(USER, status=2, lines=order_lines(1))
    lines = _lines(order)
    lines[0]["quantity"] = 3
    assert _save(esim_api, order, products=lines)["isError"] is True


def test_fbe_orders_are_read_only(esim, esim_api):
    order = esim.create_order(USER, status=2, order_type=2)
    assert _save(esim_api, order, status=3)["isError"] is True


def test_finalized_order_resent_unchanged_is_a_noop(esim, esim_api):
    order = esim.create_order(USER, status=4)
    assert _save(esim_api, order)["isError"] is False


# ------------------------------------------------------------------------ storno

STORNO_CASES = [
    # (order status, is_storno, line change, accepted)
    (4, True, {"quantity": 1}, True),
    (4, True, {"quantity": 0}, True),
    (4, True, {"status": 0}, True),
    (4, False, {"quantity": 1}, False),
    (4, True, {}, False),
    (3, True, {"quantity": 1}, False),
    (4, True, {"quantity": -1}, False),
]


@pytest.mark.parametrize(("status", "is_storno", "change", "accepted"), STORNO_CASES)
def test_partial_storno_validation(esim, esim_api, status, is_storno, change, accepted):
    order = esim.create_order(USER, status=status, lines=order_lines(2))
    lines = _lines(order)
    lines[0].update(change)
    body = _save(esim_api, order, products=lines, is_storno=is_storno)
    assert body["isError"] is not accepted, body
    line = esim.get_order(USER, order["id"])["products"][0]
    if accepted:
        assert line["storno_qty"] == 2 - (change.get("quantity", 0))
    else:
        assert (line["quantity"], line["storno_qty"]) == (2, 0)


def test_storno_flag_as_php_string(esim, esim_api):
    order = esim.create_order(USER, status=4, lines=order_lines(2))
    lines = _lines(order)
    lines[0]["quantity"] = 1
    assert _save(esim_api, order, products=lines, is_storno="true")["isError"] is False
