"""Read an eMAG return object (rma/read ``results[]``) into checked values.

eMAG is lenient about types (ids as strings, ``[]`` for empty objects), so
every value goes through the tolerant parsers of the client; what still
makes no sense raises :class:`RmaPayloadError` with a sentence a person can
act on. Pure Python: no Odoo import.
"""

import hashlib
import json
from dataclasses import dataclass

from ...lib.emag_api import parsing
from ..common.labels import Sentence as _
from ..common.labels import SentenceError

FBE_TYPE, SELLER_TYPE = 2, 3

RETURN_TYPES = {
    1: "Replacement with the same product",
    2: "Replacement with another product",
    3: "Refund",
    4: "Cancel the payment contract",
    5: "Voucher",
}
# The customer gets goods back, not money: the seller ships a replacement.
REPLACEMENT_TYPES = frozenset({1, 2})
SAME_PRODUCT_REPLACEMENT = 1
PICKUP_METHODS = {1: "eMAG courier", 2: "Seller's courier", 3: "Sent by the customer"}


class RmaPayloadError(SentenceError):
    """The return cannot be imported as sent; ``str()`` is the plain reason,
    ``labels.say`` says it in the user's language."""


@dataclass
class RmaLine:
    line_id: int
    offer_id: int  # the seller's product id (eMAG ``product_id``)
    product_emag_id: int
    name: str
    quantity: int
    reason: int
    observations: str


@dataclass
class Rma:
    emag_id: int
    order_id: int
    rma_type: int
    status: int
    date: object  # naive UTC
    return_type: int
    reason: int
    observations: str
    pickup_method: int
    customer_name: str
    customer_phone: str
    pickup: dict
    return_address_id: str  # the seller's saved address the goods go back to
    reservation_ids: list
    lines: list
    # Return type 2: the product the customer gets instead (the seller's id).
    replacement_offer_id: int = 0
    replacement_name: str = ""
    replacement_quantity: int = 0

    @property
    def is_fbe(self):
        return self.rma_type == FBE_TYPE


def fingerprint(raw):
    """A digest of the payload: a change of anything eMAG says means a new read."""
    text = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def payload_key(raw):
    """The eMAG return id of a raw payload as the binding keeps it (text)."""
    emag_id = raw.get("emag_id") if isinstance(raw, dict) else None
    return str(emag_id).strip() if emag_id not in (None, "") else ""


def parse_rma(raw, tz):
    """Return an :class:`Rma` from one return object; raise :class:`RmaPayloadError`.

    :param tz: platform (code) whose local time the timestamps are in
    """
    if not isinstance(raw, dict):
        raise RmaPayloadError(_("The return sent by eMAG is not an object."))
    emag_id = _int(raw.get("emag_id"), _("return id"))
    if not emag_id or emag_id <= 0:
        raise RmaPayloadError(_("The return sent by eMAG has no valid return number."))
    order_id = _int(raw.get("order_id"), _("order id"))
    if not order_id:
        raise RmaPayloadError(_("The return does not name the eMAG order it belongs to."))
    rma_type = _int(raw.get("type"), _("return type")) or SELLER_TYPE
    if rma_type not in (FBE_TYPE, SELLER_TYPE):
        raise RmaPayloadError(
            _("Unknown return type %(type)r (expected 2 or 3).", type=raw.get("type"))
        )
    status = _int(raw.get("request_status"), _("status"))
    if status not in range(1, 8):
        raise RmaPayloadError(
            _("Unknown return status %(status)r.", status=raw.get("request_status"))
        )
    lines = [_line(item, index) for index, item in enumerate(_list(raw.get("products")), 1)]
    if not lines:
        raise RmaPayloadError(_("The return has no product."))
    try:
        date = parsing.parse_datetime(raw.get("date"), tz)
    except (ValueError, TypeError):
        raise RmaPayloadError(
            _("The return date %(date)r is not a date.", date=raw.get("date"))
        ) from None
    awbs = _list(raw.get("awbs"))
    return Rma(
        emag_id=emag_id,
        order_id=order_id,
        rma_type=rma_type,
        status=status,
        date=date.replace(tzinfo=None) if date else None,
        return_type=_int(raw.get("return_type"), _("return type")) or 0,
        reason=_int(raw.get("return_reason"), _("return reason")) or 0,
        observations=_text(raw.get("observations")),
        pickup_method=_int(raw.get("pickup_method"), _("pickup method")) or 0,
        customer_name=_text(raw.get("customer_name")),
        customer_phone=_text(raw.get("customer_phone")),
        pickup={
            key: _text(raw.get(f"pickup_{key}"))
            for key in ("country", "suburb", "city", "address", "zipcode", "locality_id")
        },
        return_address_id=_text(raw.get("return_address_id")),
        reservation_ids=sorted(
            {
                _int(awb.get("reservation_id"), _("AWB reservation"))
                for awb in awbs
                if isinstance(awb, dict) and awb.get("reservation_id") not in (None, "")
            }
        ),
        lines=lines,
        replacement_offer_id=_int(raw.get("replacement_product_id"), "replacement product id") or 0,
        replacement_name=_text(raw.get("replacement_product_name")),
        replacement_quantity=_int(
            raw.get("replacement_product_quantity"), "replacement product quantity"
        )
        or 0,
    )


def _line(item, index):
    where = _("Returned product %(index)s", index=index)
    if not isinstance(item, dict):
        raise RmaPayloadError(_("%(where)s is not an object.", where=where))
    quantity = _int(item.get("quantity"), _("%(where)s: quantity", where=where))
    if quantity is None or quantity <= 0:
        raise RmaPayloadError(
            _(
                "%(where)s: the quantity %(quantity)r is not positive.",
                where=where,
                quantity=item.get("quantity"),
            )
        )
    offer_id = _int(item.get("product_id"), _("%(where)s: product id", where=where))
    if not offer_id:
        raise RmaPayloadError(_("%(where)s does not name the seller's product id.", where=where))
    return RmaLine(
        line_id=_int(item.get("id"), _("%(where)s: id", where=where)) or 0,
        offer_id=offer_id,
        product_emag_id=_int(
            item.get("product_emag_id"), _("%(where)s: eMAG product id", where=where)
        )
        or 0,
        name=_text(item.get("product_name")),
        quantity=quantity,
        reason=_int(item.get("return_reason"), _("%(where)s: reason", where=where)) or 0,
        observations=_text(item.get("observations")),
    )


def _int(value, what):
    try:
        return parsing.to_int(value)
    except ValueError as error:
        raise RmaPayloadError(
            _("The %(what)s %(value)r is not a number.", what=what, value=value)
        ) from error


def _text(value):
    return "" if value in (None, [], {}) else str(value).strip()


def _list(value):
    """A list eMAG's PHP may send as ``null``, ``[]`` or an object keyed by
    index (``{"0": …}``, doc §3.3); anything else holds nothing."""
    try:
        return parsing.as_list(value)
    except ValueError:
        return []
