"""Hypothesis strategies for eMAG return requests (``rma/read`` results),
written from ``../shared/docs/emag-api.md`` §3.3 and §12.3: ids as strings or
numbers (``order_id`` a string in responses), statuses 1-7, types 2 and 3,
several lines with their own reasons, ``[]`` for empty objects (``locker``),
lists PHP sends as objects keyed by index, missing optional keys, AWB
reservations, Cyrillic and Hungarian text, and payloads that must be refused.

Each example is ``(payload, expected)``: ``expected`` is what a reader must
find in it (``None`` when it must refuse it, with a reason).
"""

import copy

from hypothesis import strategies as st

TEXT = st.sampled_from(["Nu pornește", "Не работи", "Nem működik", "", None])


def _id(draw, value):
    return draw(st.sampled_from([value, str(value)]))


def _php_list(draw, items):
    """A list as eMAG's PHP may send it: a list, or an object keyed by index."""
    if items and draw(st.integers(0, 4)) == 0:
        return {str(index): item for index, item in enumerate(items)}
    return items


@st.composite
def returns(draw, broken=True):
    emag_id = draw(st.integers(3000000, 3999999))
    order_id = draw(st.integers(400000000, 499999999))
    lines, expected_lines = [], []
    for position in range(draw(st.integers(1, 3))):
        quantity = draw(st.integers(1, 5))
        offer_id = draw(st.integers(1, 10**6))
        line = {
            "id": _id(draw, 9100000 + position),
            "product_emag_id": _id(draw, draw(st.integers(1, 10**8))),
            "product_id": _id(draw, offer_id),
            "quantity": _id(draw, quantity),
            "product_name": draw(st.sampled_from(["Fierbător", "Чайник", "Vízforraló"])),
            "return_reason": _id(draw, draw(st.sampled_from([37, 44, 61, 105]))),
            "observations": draw(TEXT),
            "refund_value": draw(st.sampled_from(["99.99", 45.5, None])),
        }
        for key in ("product_name", "observations", "refund_value", "product_emag_id"):
            if draw(st.booleans()):
                line.pop(key)
        lines.append(line)
        expected_lines.append((offer_id, quantity))
    reservations = draw(st.lists(st.integers(4528000, 4529000), max_size=2, unique=True))
    payload = {
        "emag_id": _id(draw, emag_id),
        "order_id": str(order_id) if draw(st.booleans()) else order_id,
        "type": _id(draw, draw(st.sampled_from([3, 3, 2]))),
        "request_status": _id(draw, draw(st.integers(1, 7))),
        "date": "2026-11-20 10:00:00",
        "customer_name": draw(st.sampled_from(["Ion Popescu", "Иван Петров", "Kovács Árpád"])),
        "customer_phone": "0722000111",
        "products": _php_list(draw, lines),
        "pickup_method": _id(draw, draw(st.sampled_from([1, 2, 3]))),
        "return_type": _id(draw, draw(st.sampled_from([1, 2, 3, 5]))),
        "return_reason": _id(draw, 37),
        "observations": draw(TEXT),
        "pickup_city": "Cluj-Napoca",
        "pickup_address": "Str. Republicii 12",
        "awbs": _php_list(draw, [{"reservation_id": _id(draw, r)} for r in reservations]),
        "locker": draw(st.sampled_from([[], {"locker_hash": "a1", "locker_pin": "1234"}])),
        "extra_info": draw(st.sampled_from([[], {"maximum_finalization_date": "2026-12-01"}])),
    }
    for key in ("observations", "return_type", "locker", "extra_info", "awbs", "pickup_method"):
        if draw(st.booleans()):
            payload.pop(key)
    expected = {
        "emag_id": emag_id,
        "order_id": order_id,
        "lines": expected_lines,
        "reservations": sorted(reservations) if "awbs" in payload else [],
    }
    if broken and draw(st.integers(0, 7)) == 0:
        why = draw(st.sampled_from(sorted(BREAKAGES)))
        payload = copy.deepcopy(payload)
        BREAKAGES[why](payload)
        return payload, None
    return payload, expected


def _first_line(payload):
    products = payload["products"]
    return products["0"] if isinstance(products, dict) else products[0]


BREAKAGES = {
    "no return id": lambda p: p.pop("emag_id"),
    "no order": lambda p: p.update(order_id=None),
    "unknown status": lambda p: p.update(request_status=9),
    "unknown type": lambda p: p.update(type=7),
    "no product": lambda p: p.update(products=[]),
    "quantity zero": lambda p: _first_line(p).update(quantity=0),
    "quantity not a number": lambda p: _first_line(p).update(quantity="one"),
    "no seller product id": lambda p: _first_line(p).update(product_id=None),
    "date not a date": lambda p: p.update(date="last week"),
    "not an object": lambda p: p.clear() or p.update({"0": "garbage"}),
}
