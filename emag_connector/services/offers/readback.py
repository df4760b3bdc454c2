"""Read one item of ``product_offer/read`` (doc §13.6) into checked values.

The read-back only tells Odoo what eMAG thinks of an offer (its id, its
validation, the documentation errors), so nothing in it may fail the refresh
of a whole account: a value that cannot be read is left unknown, and an item
that is not an offer at all is skipped. eMAG's shapes vary (doc §3.3):
numbers as strings, ``validation_status`` as an object, a bare value or a list
of one object, errors as a list of texts or of objects, or one text.
Pure Python: no Odoo import.
"""

from dataclasses import dataclass

from ...lib.emag_api import parsing


@dataclass(frozen=True)
class OfferReadback:
    emag_id: int | None  # the seller's product id on eMAG
    part_number: str
    part_number_key: str
    status: int | None  # 0 inactive, 1 active, 2 end of life
    validation_status: int  # doc §13.6 table; 0 when unknown
    validation_description: str
    errors: tuple  # what eMAG says is wrong with the documentation
    # The competition on the product (doc §13.6), for the pricing flow; None when unknown
    buy_button_rank: int | None = None
    number_of_offers: int | None = None
    best_offer_sale_price: float | None = None
    best_offer_recommended_price: float | None = None


def read_offer(item):
    """The :class:`OfferReadback` of one item, ``None`` when it is not an object."""
    if not isinstance(item, dict):
        return None
    validation = _validation(item.get("validation_status"))
    return OfferReadback(
        emag_id=_int(item.get("id")),
        part_number=_text(item.get("part_number")),
        part_number_key=_text(item.get("part_number_key")),
        status=_int(item.get("status")),
        validation_status=_int(validation.get("value")) or 0,
        validation_description=_text(validation.get("description")),
        errors=tuple(_messages(validation.get("errors")) + _messages(item.get("doc_errors"))),
        buy_button_rank=_int(item.get("buy_button_rank")),
        number_of_offers=_int(item.get("number_of_offers")),
        best_offer_sale_price=_amount(item.get("best_offer_sale_price")),
        best_offer_recommended_price=_amount(item.get("best_offer_recommended_price")),
    )


def _validation(value):
    if isinstance(value, list):
        value = value[0] if value else {}
    if isinstance(value, dict):
        return value
    return {"value": value}


def _messages(value):
    """Error texts from ``null``, one text, a list of texts, or objects
    carrying ``message``/``description``/``error`` (or a list of them)."""
    if value in (None, "", [], {}):
        return []
    if isinstance(value, dict):
        text = value.get("message") or value.get("description") or value.get("error")
        return _messages(text) if text is not None else _messages(list(value.values()))
    if isinstance(value, list):
        return [text for entry in value for text in _messages(entry)]
    text = _text(value)
    return [text] if text else []


def _int(value):
    try:
        return parsing.to_int(value)
    except (ValueError, TypeError):
        return None


def _amount(value):
    try:
        number = parsing.to_decimal(value)
    except (ValueError, TypeError):
        return None
    return float(number) if number is not None and number > 0 else None


def _text(value):
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return " ".join(str(value).split())
