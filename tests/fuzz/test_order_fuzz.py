"""Generated eMAG order payloads through the pure layer (a fixed-seed slice;
``make bench ONLY=fuzz`` runs thousands): every payload is read or refused
with a reason, and what is read is worth, to the cent, what was put into it."""

import copy

import offer_readbacks
import pytest
import rma_payloads
from connector import services
from hypothesis import HealthCheck, Phase, given, seed, settings
from order_payloads import IMPORT, PARK, orders
from order_properties import check_pure

SERVICES = services()
SLICE = settings(
    max_examples=300,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@seed(16)
@SLICE
@given(orders())
def test_every_generated_order_is_read_right_or_refused_with_a_reason(case):
    outcome = check_pure(SERVICES, case)
    assert not outcome.violations, outcome.violations


@seed(1616)
@settings(SLICE, max_examples=100)
@given(orders(broken=False))
def test_reading_twice_gives_the_same_order(case):
    parse = SERVICES.order_payload.parse_order
    if case.expect != IMPORT:
        return
    first, second = (parse(copy.deepcopy(case.payload), case.platform) for _ in range(2))
    first.raw = second.raw = None
    assert first == second


# ------------------------------------------------------- the shapes, one by one


def _order(**changes):
    payload = {
        "id": 1,
        "type": 3,
        "status": 1,
        "date": "2026-11-02 10:00:00",
        "customer": {"name": "Ana Pop", "billing_city": "Cluj-Napoca"},
        "products": [
            {"id": 11, "part_number": "A", "quantity": 1, "sale_price": "24.7851", "vat": "0.21"}
        ],
        "shipping_tax": "15.99",
        "payment_mode_id": 1,
    }
    payload.update(changes)
    return payload


SHIPPING_SPLIT = {"voucher_id": 7, "value": "-8.2645", "vat_value": "-1.7355"}
WHOLE_SHIPPING_VOUCHER = {
    "voucher_id": "7",
    "sale_price": "-8.2645",
    "sale_price_vat": "-1.7355",
    "vat": "0.21",
}
LINE_SPLIT = {"voucher_id": 8, "value": "-4.1322", "vat_value": "-0.8678", "vat": "0.21"}
WHOLE_OTHER_VOUCHER = {
    "voucher_id": 9,
    "sale_price": "-1.6529",
    "sale_price_vat": "-0.3471",
    "vat": 21,
}


@pytest.mark.parametrize(
    "changes, total",
    [
        # 29.99 + 15.99 = 45.98 with no voucher.
        ({}, "45.98"),
        # The shipping voucher listed twice (issue 16): counted once.
        (
            {"shipping_tax_voucher_split": [SHIPPING_SPLIT], "vouchers": [WHOLE_SHIPPING_VOUCHER]},
            "35.98",
        ),
        # Whole only, in vouchers[].
        ({"vouchers": [WHOLE_SHIPPING_VOUCHER]}, "35.98"),
        # One voucher split on a line, another listed whole only: both count
        # (the whole one used to be dropped as soon as any line had a split).
        (
            {
                "products": [
                    {
                        "id": 11,
                        "part_number": "A",
                        "quantity": 1,
                        "sale_price": "24.7851",
                        "vat": "0.21",
                        "product_voucher_split": [LINE_SPLIT],
                    }
                ],
                "vouchers": [WHOLE_OTHER_VOUCHER, dict(WHOLE_OTHER_VOUCHER, voucher_id="8")],
            },
            "38.98",
        ),
        # A deactivated voucher is worth nothing.
        ({"vouchers": [dict(WHOLE_SHIPPING_VOUCHER, status=0)]}, "45.98"),
    ],
    ids=["none", "shipping listed twice", "whole only", "split and whole mix", "deactivated"],
)
def test_each_voucher_counts_once_wherever_emag_lists_it(changes, total):
    payload = _order(**changes)
    order = SERVICES.order_payload.parse_order(payload, "emag_ro")
    figures = SERVICES.order_figures.read_figures(payload)
    assert str(order.gross_total()) == total
    assert str(figures.total) == total
    assert str(figures.cod) == total


def test_a_shipping_split_without_rate_takes_the_fee_rate():
    # The documented split has no "vat" (doc §9.3): the importer used to
    # look a tax up for rate None and fail the whole import job.
    order = SERVICES.order_payload.parse_order(
        _order(shipping_tax_voucher_split=[SHIPPING_SPLIT]), "emag_ro"
    )
    assert str(order.shipping_vouchers[0].vat) == "0.21"


def test_is_complete_zero_is_read():
    parse = SERVICES.order_payload.parse_order
    assert parse(_order(is_complete="0"), "emag_ro").complete is False
    assert parse(_order(is_complete=1), "emag_ro").complete is True
    assert parse(_order(), "emag_ro").complete is True


@pytest.mark.parametrize("why", ["VAT not a rate", "negative quantity", "unknown status"])
def test_broken_payloads_are_refused_with_their_reason(why):
    from order_payloads import BREAKAGES, Case, Truth

    payload = _order()
    BREAKAGES[why](payload)
    outcome = check_pure(SERVICES, Case(payload, "emag_ro", PARK, Truth(), why))
    assert outcome.result == "parked" and not outcome.violations


# ---------------------------------------------------------------- return requests


@seed(12)
@settings(SLICE, max_examples=200)
@given(rma_payloads.returns())
def test_every_generated_return_is_read_right_or_refused_with_a_reason(example):
    payload, expected = example
    rma = SERVICES.rma_payload
    try:
        parsed = rma.parse_rma(copy.deepcopy(payload), "emag_ro")
    except rma.RmaPayloadError as error:
        assert expected is None, f"refused a good return: {error}"
        assert str(error).strip()
        return
    assert expected is not None, "accepted a broken return"
    assert parsed.emag_id == expected["emag_id"]
    assert parsed.order_id == expected["order_id"]
    assert [(line.offer_id, line.quantity) for line in parsed.lines] == expected["lines"]
    assert parsed.reservation_ids == expected["reservations"]


# ---------------------------------------------------------------- offer read-backs


@seed(13)
@settings(SLICE, max_examples=200)
@given(offer_readbacks.offer_items())
def test_every_offer_readback_is_read_right_or_skipped(example):
    item, expected = example
    reading = SERVICES.offer_readback.read_offer(item)
    if expected is None:
        assert reading is None
        return
    assert reading.emag_id == expected["emag_id"]
    assert reading.part_number == expected["part_number"]
    assert reading.status == expected["status"]
    assert reading.validation_status == expected["validation_status"]
    assert reading.validation_description == expected["validation_description"]
    assert reading.errors == expected["errors"]


def test_refusals_are_sentences_a_model_can_translate():
    rma = SERVICES.rma_payload
    french = {
        "Returned product %(index)s": "Produit retourné %(index)s",
        "%(where)s: the quantity %(quantity)r is not positive.": "%(where)s : %(quantity)r",
    }
    payload = {"emag_id": 1, "order_id": "2", "request_status": 1, "products": [{"quantity": 0}]}
    with pytest.raises(rma.RmaPayloadError) as refused:
        rma.parse_rma(payload, "emag_ro")
    assert str(refused.value) == "Returned product 1: the quantity 0 is not positive."
    assert refused.value.sentence.render(lambda text: french.get(text, text)) == (
        "Produit retourné 1 : 0"
    )
