"""The takeover's matcher: strongest key first, and doubt never becomes a link."""

import sys
from pathlib import Path

# Pure Python inside the addon's services: import it without the Odoo package.
OFFERS = Path(__file__).resolve().parents[2] / "emag_connector" / "services" / "offers"
sys.path.insert(0, str(OFFERS))

from matching import (  # noqa: E402 (after the path above)
    AMBIGUOUS,
    LINKED_ELSEWHERE,
    MATCHED,
    SEVERAL_OFFERS,
    SEVERAL_PRODUCTS,
    UNMATCHED,
    OfferKeys,
    ProductKeys,
    match_offers,
    offer_keys,
)


def test_strongest_key_decides():
    offer = OfferKeys(7, part_number="KT 1700;INOX", eans=("5940000000017",), part_number_key="D1")
    products = [
        ProductKeys(1, default_code="kt1700inox"),
        ProductKeys(2, barcode="5940000000017"),
        ProductKeys(3, part_number_keys=("D1",)),
    ]
    match = match_offers([offer], products)[7]
    assert (match.state, match.product_id, match.key, match.confidence) == (
        MATCHED,
        1,
        "part_number",
        95,
    ), "eMAG strips spaces and semicolons from part numbers; case does not matter"
    assert match_offers([offer], products, {7: 9})[7].product_id == 9, "a known id wins"
    assert match_offers([offer], products[1:])[7].key == "ean"
    assert match_offers([offer], products[2:])[7].key == "part_number_key"
    assert match_offers([offer], [])[7].state == UNMATCHED


def test_doubt_is_never_linked():
    twins = [ProductKeys(1, default_code="A"), ProductKeys(2, default_code="A")]
    match = match_offers([OfferKeys(7, part_number="A")], twins)[7]
    assert (match.state, match.product_id, match.candidates, match.reason) == (
        AMBIGUOUS,
        0,
        (1, 2),
        SEVERAL_PRODUCTS,
    )
    shared = [ProductKeys(1, default_code="A", barcode="590")]
    matches = match_offers([OfferKeys(7, part_number="A"), OfferKeys(8, eans=("590",))], shared)
    assert {m.state for m in matches.values()} == {AMBIGUOUS}
    assert {m.reason for m in matches.values()} == {SEVERAL_OFFERS}
    taken = match_offers([OfferKeys(7, part_number="A")], shared, known_ids={5: 1})[7]
    assert (taken.state, taken.reason, taken.detail) == (AMBIGUOUS, LINKED_ELSEWHERE, 5)
    owner = match_offers([OfferKeys(5), OfferKeys(7, part_number="A")], shared, {5: 1})
    assert owner[5].state == MATCHED and owner[7].state == AMBIGUOUS


def test_offer_keys_from_a_read_item():
    keys = offer_keys(
        {"id": "12", "part_number": "X", "ean": ["1", " 2 "], "part_number_key": None}
    )
    assert keys == OfferKeys(12, "X", ("1", "2"), "")
    assert offer_keys({"id": 3, "ean": "4,5"}).eans == ("4", "5")
