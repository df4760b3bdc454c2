"""Which Odoo product is each offer a seller already has on eMAG?

Pure Python (no Odoo import), so the benchmark measures it on its own. The
takeover service gives it the offers read from eMAG and the keys of the
Odoo products, and stores what it answers on the review lines.

Keys, strongest first (the first key that finds anything decides):

1. the seller's eMAG id already known: an Odoo offer of the account carries it;
2. the part number equals a product's internal reference;
3. one of the offer's EANs equals a product's barcode;
4. the part number key equals the one an Odoo offer of the same platform
   already carries for the product.

A key that finds two products, or a product that two offers claim, is
*ambiguous*: nothing is linked, a person decides. A product whose eMAG id is
known already cannot be claimed by another offer either. Guessing wrong would
push one product's stock and price onto another's offer, so ambiguity always
wins over confidence.
"""

from collections import defaultdict
from dataclasses import dataclass, field

KNOWN_ID, PART_NUMBER, EAN, PART_NUMBER_KEY, MANUAL, CREATED = (
    "known_id",
    "part_number",
    "ean",
    "part_number_key",
    "manual",
    "created",
)
MATCHED, AMBIGUOUS, UNMATCHED = "matched", "ambiguous", "unmatched"
# Why a match is ambiguous (the Odoo side words them in the user's language).
SEVERAL_PRODUCTS, SEVERAL_OFFERS, LINKED_ELSEWHERE = (
    "several_products",
    "several_offers",
    "linked_elsewhere",
)

# How sure a key is (percent); shown next to every proposed match.
CONFIDENCE = {
    KNOWN_ID: 100,
    MANUAL: 100,
    CREATED: 100,
    PART_NUMBER: 95,
    EAN: 90,
    PART_NUMBER_KEY: 80,
}


def normalize_part_number(value):
    """eMAG strips spaces, commas and semicolons from part numbers; compare likewise."""
    return "".join(ch for ch in str(value or "") if ch not in " ,;").upper()


@dataclass(frozen=True)
class OfferKeys:
    """What eMAG says about one of the seller's offers."""

    seller_product_id: int
    part_number: str = ""
    eans: tuple = ()
    part_number_key: str = ""


@dataclass(frozen=True)
class ProductKeys:
    """What Odoo knows about one product variant."""

    product_id: int
    default_code: str = ""
    barcode: str = ""
    part_number_keys: tuple = ()


@dataclass
class Match:
    """The verdict for one offer: a product (or not), by which key, how sure."""

    state: str
    product_id: int = 0
    key: str = ""
    confidence: int = 0
    candidates: tuple = ()
    reason: str = ""  # SEVERAL_PRODUCTS, SEVERAL_OFFERS or LINKED_ELSEWHERE
    detail: int = 0  # how many claim it, or the eMAG id that owns the product


@dataclass
class _Index:
    by_code: dict = field(default_factory=lambda: defaultdict(set))
    by_barcode: dict = field(default_factory=lambda: defaultdict(set))
    by_pnk: dict = field(default_factory=lambda: defaultdict(set))


def _index(products):
    index = _Index()
    for product in products:
        if product.default_code:
            index.by_code[normalize_part_number(product.default_code)].add(product.product_id)
        if product.barcode:
            index.by_barcode[product.barcode.strip()].add(product.product_id)
        for pnk in product.part_number_keys:
            if pnk:
                index.by_pnk[pnk.strip().upper()].add(product.product_id)
    return index


def _candidates(offer, index, known_ids):
    """``(key, {product ids})`` of the strongest key that finds something."""
    if offer.seller_product_id in known_ids:
        return KNOWN_ID, {known_ids[offer.seller_product_id]}
    part_number = normalize_part_number(offer.part_number)
    if part_number and index.by_code.get(part_number):
        return PART_NUMBER, index.by_code[part_number]
    found = set()
    for ean in offer.eans:
        found |= index.by_barcode.get(str(ean).strip(), set())
    if found:
        return EAN, found
    pnk = (offer.part_number_key or "").strip().upper()
    if pnk and index.by_pnk.get(pnk):
        return PART_NUMBER_KEY, index.by_pnk[pnk]
    return "", set()


def match_offers(offers, products, known_ids=None):
    """Return ``{seller_product_id: Match}`` for ``offers``.

    :param offers: iterable of :class:`OfferKeys`
    :param products: iterable of :class:`ProductKeys`
    :param known_ids: ``{seller_product_id: product_id}`` of the account's
        offers Odoo already links to eMAG
    """
    known_ids = dict(known_ids or {})
    index = _index(products)
    result = {}
    claims = defaultdict(list)
    for offer in offers:
        key, found = _candidates(offer, index, known_ids)
        if not found:
            result[offer.seller_product_id] = Match(UNMATCHED)
        elif len(found) > 1:
            result[offer.seller_product_id] = Match(
                AMBIGUOUS,
                key=key,
                candidates=tuple(sorted(found)),
                reason=SEVERAL_PRODUCTS,
                detail=len(found),
            )
        else:
            (product_id,) = found
            result[offer.seller_product_id] = Match(
                MATCHED, product_id, key, CONFIDENCE[key], (product_id,)
            )
            claims[product_id].append(offer.seller_product_id)
    owner_of = {product_id: seller_id for seller_id, product_id in known_ids.items()}
    for product_id, seller_ids in claims.items():
        owner = owner_of.get(product_id)
        if len(seller_ids) == 1 and owner in (None, seller_ids[0]):
            continue
        for seller_id in seller_ids:
            if seller_id == owner:
                continue  # the offer Odoo already links keeps its product
            match = result[seller_id]
            match.state, match.confidence, match.product_id = AMBIGUOUS, 0, 0
            if owner is not None:
                match.reason, match.detail = LINKED_ELSEWHERE, owner
            else:
                match.reason, match.detail = SEVERAL_OFFERS, len(seller_ids)
    return result


def offer_keys(item):
    """The :class:`OfferKeys` of a ``product_offer/read`` item."""
    eans = item.get("ean") or ()
    if isinstance(eans, str):
        eans = eans.split(",")
    return OfferKeys(
        seller_product_id=int(item["id"]),
        part_number=str(item.get("part_number") or ""),
        eans=tuple(str(ean).strip() for ean in eans if str(ean).strip()),
        part_number_key=str(item.get("part_number_key") or ""),
    )
