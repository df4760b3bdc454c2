"""What goes into an AWB request, and how to find an AWB eMAG issued unseen.

The request (doc §11.1) is built from three sources: the account's pickup
address (sender), the order as eMAG last sent it (receiver, locker, amount
still owed), and the picking's parcels. Reconciliation reads the AWBs eMAG
lists on the order as attachments of type 10 (doc §17.1): after a lost
answer, that list is where an AWB we asked for shows up.

Pure Python: no Odoo import.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, urlsplit

from ...lib.emag_api import parsing

COD_PAYMENT_MODE = 1
# Labels eMAG uses for cash on delivery when payment_mode_id is missing (§9.3).
COD_METHODS = {"RAMBURS", "COD"}
AWB_ATTACHMENT_TYPE = 10
CENT = Decimal("0.01")


class AwbRequestError(ValueError):
    """The AWB cannot be asked for as things are; ``str()`` says what to fix."""


@dataclass(frozen=True)
class Sender:
    """The seller's side of the AWB (doc §11.1.1)."""

    name: str
    contact: str
    phone: str
    locality_id: int
    street: str
    zipcode: str = ""
    address_id: str = ""


@dataclass(frozen=True)
class Parcels:
    count: int
    weight: float  # kg, 0 when unknown


@dataclass(frozen=True)
class IssuedAwb:
    """An AWB as eMAG knows it."""

    emag_id: str
    number: str
    reservation_id: str = ""
    courier: str = ""


def phone_digits(value):
    """A phone number as eMAG accepts it: digits, with an optional leading +."""
    text = str(value or "").strip()
    digits = re.sub(r"\D", "", text)
    return f"+{digits}" if text.startswith("+") else digits


def amount_due(raw, gross_total):
    """What the courier must collect: the order total minus what was already
    paid, for cash-on-delivery orders; 0 for everything paid another way.

    ``gross_total`` is the order's total with vouchers (see
    ``order_payload.Order.gross_total``): a voucher lowers what is owed.
    """
    mode = parsing.to_int(raw.get("payment_mode_id"))
    method = str(raw.get("detailed_payment_method") or "").strip().upper()
    is_cod = mode == COD_PAYMENT_MODE or (mode is None and method in COD_METHODS)
    if not is_cod or parsing.to_int(raw.get("payment_status")) == 1:
        return Decimal(0)
    paid = sum(
        (parsing.to_decimal(raw.get(key)) or Decimal(0) for key in ("cashed_co", "cashed_cod")),
        Decimal(0),
    )
    return max(Decimal(gross_total) - paid, Decimal(0)).quantize(CENT, ROUND_HALF_UP)


def locker_id(raw):
    """The locker the customer chose, if the order is to be delivered to one."""
    details = raw.get("details")
    if not isinstance(details, dict):
        return ""
    if raw.get("delivery_mode") not in (None, "", "pickup"):
        return ""  # home delivery, even when the parcel would fit a locker
    return str(details.get("locker_id") or "").strip()


def receiver(raw):
    """The customer's side of the AWB, from the order's delivery data."""
    customer = raw.get("customer") if isinstance(raw.get("customer"), dict) else {}
    name = _text(customer.get("shipping_contact")) or _text(customer.get("name"))
    phone = (
        customer.get("shipping_phone") or customer.get("phone_1") or customer.get("billing_phone")
    )
    locality = parsing.to_int(customer.get("shipping_locality_id"))
    if not locality:
        raise AwbRequestError(
            "The order has no eMAG delivery locality; ask eMAG to complete the customer's "
            "address, then press Retry."
        )
    values = {
        "name": name,
        "contact": name,
        "phone1": phone_digits(phone),
        "legal_entity": 1 if parsing.to_int(customer.get("legal_entity")) == 1 else 0,
        "locality_id": locality,
        "street": _text(customer.get("shipping_street")),
    }
    zipcode = _text(customer.get("shipping_postal_code"))
    if zipcode:
        values["zipcode"] = zipcode
    return values


def build_request(raw, *, order_id, sender, parcels, cod, courier_account_id=None, note=""):
    """The ``awb/save`` entity of one order (doc §11.1, sample §19.5)."""
    if parcels.count < 1:
        raise AwbRequestError("The delivery has no parcel.")
    enforced = raw.get("enforced_vendor_courier_accounts")
    if isinstance(enforced, list):
        if not enforced:
            raise AwbRequestError(
                "eMAG does not let this order's AWB be issued through the Marketplace; "
                "ship it with your own courier."
            )
        allowed = [parsing.to_int(value) for value in enforced]
        if courier_account_id not in allowed:
            courier_account_id = allowed[0]
    request = {
        "order_id": int(order_id),
        "sender": {
            "name": sender.name,
            "contact": sender.contact,
            "phone1": phone_digits(sender.phone),
            "locality_id": sender.locality_id,
            "street": sender.street,
        },
        "receiver": receiver(raw),
        "is_oversize": 0,
        "envelope_number": 0,
        "parcel_number": parcels.count,
        "insured_value": 0,
        "cod": float(cod),
        "pickup_and_return": 0,
        "saturday_delivery": 0,
        "sameday_delivery": 0,
    }
    if sender.zipcode:
        request["sender"]["zipcode"] = sender.zipcode
    if sender.address_id:
        request["sender"]["address_id"] = sender.address_id
    if parcels.weight > 0:
        request["weight"] = round(parcels.weight, 2)
    if courier_account_id:
        request["courier_account_id"] = courier_account_id
    locker = locker_id(raw)
    if locker:
        request["locker_id"] = locker
    if note:
        request["observation"] = note[:255]
    return request


def issued_from_response(results):
    """The AWB of an ``awb/save`` answer."""
    numbers = parsing.as_list(results.get("awb"))
    first = numbers[0] if numbers and isinstance(numbers[0], dict) else {}
    if not first.get("awb_number"):
        raise AwbRequestError(f"eMAG answered without an AWB number: {results!r}")
    return IssuedAwb(
        emag_id=str(first.get("emag_id") or ""),
        number=str(first["awb_number"]),
        reservation_id=str(results.get("reservation_id") or ""),
        courier=_text(results.get("courier_name")),
    )


def listed_awb_ids(raw):
    """eMAG ids (or, without one, numbers) of the AWBs listed on an order."""
    found = []
    for attachment in parsing.as_list(raw.get("attachments")):
        if not isinstance(attachment, dict):
            continue
        if parsing.to_int(attachment.get("type")) != AWB_ATTACHMENT_TYPE:
            continue
        query = parse_qs(urlsplit(str(attachment.get("url") or "")).query)
        emag_id = (query.get("emag_id") or [""])[0]
        if emag_id:
            found.append(("emag_id", emag_id))
        else:
            number = _text(attachment.get("name")).removeprefix("AWB").strip()
            if number:
                found.append(("number", number))
    return found


def issued_from_read(item, order_id):
    """The AWB of one ``awb/read`` item, ``None`` when it belongs to another order."""
    if str(item.get("order_id") or "") != str(order_id):
        return None
    numbers = parsing.as_list(item.get("awb"))
    first = numbers[0] if numbers and isinstance(numbers[0], dict) else {}
    courier = item.get("courier") if isinstance(item.get("courier"), dict) else {}
    return IssuedAwb(
        emag_id=str(item.get("emag_id") or first.get("emag_id") or ""),
        number=str(first.get("awb_number") or ""),
        reservation_id=str(item.get("reservation_id") or ""),
        courier=_text(courier.get("courier_name")),
    )


def _text(value):
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())
