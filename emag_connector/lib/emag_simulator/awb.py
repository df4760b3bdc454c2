"""AWBs: awb/save (which finalizes the order), awb/read, awb/read_pdf, awb/read_zpl.

awb/save is the one call an ERP must never blindly repeat: it is not
idempotent. The simulator stores every AWB and also lists it on the order as
an attachment of type 10, which is how a client can find out after a timeout
whether its AWB was created.
"""

import base64
import re
from datetime import datetime, timedelta

from . import pdf
from .nomenclatures import LOCALITY_IDS
from .orders import CANCELED, FBE, NEW, RETURNED, finalize_by_awb, touch
from .protocol import ApiError, Response, as_decimal, as_int, error, fmt_datetime, ok
from .rma import REPLACEMENT_TYPES

PHONE = re.compile(r"^\+?\d{8,11}$")
AWB_STATUSES = {
    "NEW": ("Registered", "AWB registered, waiting for the courier"),
    "PIC": ("Picked up", "AWB picked up by courier"),
    "TRN": ("In transit", "Parcel in transit"),
    "DLV": ("Delivered", "Parcel delivered"),
    "RTS": ("Returned", "Parcel returned to sender"),
}
LABEL_FORMATS = ("A4", "A5", "A6")


def _saved_address(account, party, role, label):
    """The party with a saved address applied (4.4.9): an ``address_id`` on
    the seller's side overrides the address fields sent with it."""
    if not isinstance(party, dict) or party.get("address_id") in (None, ""):
        return party
    wanted = str(party["address_id"])
    if len(wanted) > 21:
        raise ApiError(f"{label}: {role}.address_id must have at most 21 characters")
    saved = next((a for a in account.addresses if str(a["address_id"]) == wanted), None)
    if saved is None:
        raise ApiError(f"{label}: {role}.address_id {wanted} is not one of your saved addresses")
    return {
        **party,
        "address_id": wanted,
        "locality_id": saved["locality_id"],
        "street": saved["address"],
        "zipcode": saved["zipcode"],
    }


def _check_party(party, role, label):
    if not isinstance(party, dict):
        raise ApiError(f"{label}: {role} is mandatory")
    checks = (("name", 3, 255), ("contact", 1, 255), ("street", 3, 255))
    for key, low, high in checks:
        value = str(party.get(key) or "")
        if not low <= len(value) <= high:
            raise ApiError(f"{label}: {role}.{key} must have {low} to {high} characters")
    for key in ("phone1", "phone2"):
        value = party.get(key)
        if value in (None, "") and key == "phone2":
            continue
        if not PHONE.match(str(value or "")):
            raise ApiError(f"{label}: {role}.{key} must have 8 to 11 digits (optional leading +)")
    locality = party.get("locality_id")
    if locality in (None, "") or as_int(locality, f"{role}.locality_id") not in LOCALITY_IDS:
        raise ApiError(f"{label}: {role}.locality_id {locality} is not a known locality")


def _courier_account(account, entity, enforced, label):
    accounts = {c["account_id"]: c for c in account.courier_accounts if c["status"] == 1}
    if entity.get("courier_account_id") in (None, ""):
        chosen = account.courier_accounts[0]
    else:
        wanted = as_int(entity["courier_account_id"], "courier_account_id")
        if wanted not in accounts:
            raise ApiError(f"{label}: courier account {wanted} does not exist")
        chosen = accounts[wanted]
    if enforced is not None:
        if not enforced:
            raise ApiError(f"{label}: an AWB cannot be issued from Marketplace for this order")
        if chosen["account_id"] not in enforced:
            raise ApiError(f"{label}: the courier account must be one of {enforced}")
    return chosen


def _owner(state, account, entity):
    """(order record or None, rma dict or None, label) of the AWB request."""
    if entity.get("order_id") not in (None, ""):
        record = state.order(account, entity["order_id"])
        label = f"Order {entity['order_id']}"
        if record is None:
            raise ApiError(f"{label} does not exist")
        if record.data["type"] == FBE:
            raise ApiError(f"{label}: AWBs of orders fulfilled by eMAG are issued by eMAG")
        if record.status == NEW:
            raise ApiError(f"{label}: the order must be acknowledged before issuing an AWB")
        if record.status in (CANCELED, RETURNED):
            raise ApiError(f"{label}: no AWB can be issued in status {record.status}")
        return record, None, label
    if entity.get("rma_id") not in (None, ""):
        rma = account.rmas.get(as_int(entity["rma_id"], "rma_id"))
        label = f"Return request {entity['rma_id']}"
        if rma is None:
            raise ApiError(f"{label} does not exist")
        if as_int(entity.get("pickup_and_return", 0), "pickup_and_return", 0, 1):
            raise ApiError(f"{label}: pickup_and_return must be 0 for return AWBs")
        try:
            day = datetime.strptime(str(entity.get("date")), "%Y-%m-%d").date()
        except ValueError as exc:
            raise ApiError(f"{label}: date (YYYY-MM-DD) is mandatory for return AWBs") from exc
        if day < account.now().date() + timedelta(days=1):
            raise ApiError(f"{label}: the pickup date must be at least the next day")
        return None, rma, label
    raise ApiError("order_id or rma_id is mandatory")


def _ships_replacement(rma, entity, label):
    """Whether an AWB of a return carries a replacement to the customer: the
    seller sends it from one of its saved addresses. Only replacements go
    that way (return types 1 and 2)."""
    sender = entity.get("sender")
    if not isinstance(sender, dict) or sender.get("address_id") in (None, ""):
        return False
    if rma["return_type"] not in REPLACEMENT_TYPES:
        raise ApiError(f"{label}: only a replacement is delivered to the customer")
    return True


def _validate(state, account, entity):
    record, rma, label = _owner(state, account, entity)
    # The seller's side: the sender of an order's AWB, the receiver of a return's
    # pickup, the sender of a replacement's delivery (the side naming a saved address).
    seller = "receiver" if rma and not _ships_replacement(rma, entity, label) else "sender"
    entity[seller] = _saved_address(account, entity.get(seller), seller, label)
    _check_party(entity.get("sender"), "sender", label)
    _check_party(entity.get("receiver"), "receiver", label)
    as_int(entity.get("is_oversize"), "is_oversize", 0, 1)
    envelopes = as_int(entity.get("envelope_number"), "envelope_number", 0, 9999)
    parcels = as_int(entity.get("parcel_number"), "parcel_number", 0, 999)
    if envelopes == 0 and parcels == 0:
        raise ApiError(f"{label}: envelope_number and parcel_number cannot both be 0")
    cod = as_decimal(entity.get("cod"), "cod")
    if not 0 <= cod <= 999999999:
        raise ApiError(f"{label}: cod must be between 0 and 999999999")
    if entity.get("weight") not in (None, ""):
        weight = as_decimal(entity["weight"], "weight")
        if not 0 <= weight <= 99999:
            raise ApiError(f"{label}: weight must be between 0 and 99999")
    locker = entity.get("locker_id")
    if locker not in (None, "") and not 3 <= len(str(locker)) <= 255:
        raise ApiError(f"{label}: locker_id must have 3 to 255 characters")
    enforced = record.data.get("enforced_vendor_courier_accounts") if record else None
    courier = _courier_account(account, entity, enforced, label)
    return record, rma, courier


def _issue(state, account, entity, record, rma, courier):
    emag_id = state.next_id("awb")
    reservation_id = state.next_id("reservation")
    prefix = "4EMGLN" if courier["courier_name"] == "SAMEDAY" else "2"
    awb_number = f"{prefix}{state.rng.randint(10**8, 10**9 - 1)}"
    numbers = {"emag_id": emag_id, "awb_number": awb_number, "awb_barcode": f"{awb_number}001"}
    code = "NEW"
    awb = {
        "emag_id": emag_id,
        "reservation_id": reservation_id,
        "order_id": record.id if record else None,
        "rma_id": rma["emag_id"] if rma else None,
        "type": record.data["type"] if record else rma["type"],
        "weight": float(entity["weight"]) if entity.get("weight") not in (None, "") else None,
        "awb": [numbers],
        "status": {
            "code": code,
            "name": AWB_STATUSES[code][0],
            "description": AWB_STATUSES[code][1],
        },
        "courier": {
            "courier_account_id": courier["account_id"],
            "courier_id": courier["courier_id"],
            "courier_name": courier["courier_name"],
        },
        "cod": float(entity["cod"]),
        "sender": entity["sender"],
        "receiver": entity["receiver"],
        "locker_id": entity.get("locker_id"),
        "created": fmt_datetime(account.now()),
    }
    if rma:
        awb["awb_type"] = 1 if entity["sender"].get("address_id") not in (None, "") else 2
        rma["awbs"].append({"reservation_id": reservation_id})
        rma["courier_name"] = courier["courier_name"]
    account.awbs[emag_id] = awb
    if record:
        record.data["attachments"].append(
            {
                "name": f"AWB {awb_number}",
                "url": f"{state.public_url}/awb/read_pdf?emag_id={emag_id}",
                "type": 10,
                "force_download": 0,
                "visibility": 1,
                "order_id": record.id,
            }
        )
        finalize_by_awb(account, record)
        touch(account, record)
    return {
        "reservation_id": reservation_id,
        "courier_id": courier["courier_id"],
        "courier_name": courier["courier_name"],
        "awb": [numbers],
    }


def awb_save(ctx):
    results, messages = [], []
    for entity in ctx.entities():
        try:
            record, rma, courier = _validate(ctx.state, ctx.account, entity)
        except ApiError as exc:
            messages.extend(exc.messages)
            continue
        results.append(_issue(ctx.state, ctx.account, entity, record, rma, courier))
    payload = results[0] if len(results) == 1 else results
    return error(messages, payload) if messages else ok(payload)


def _find(ctx, filters):
    if filters.get("emag_id") not in (None, ""):
        return ctx.account.awbs.get(as_int(filters["emag_id"], "emag_id"))
    if filters.get("reservation_id") not in (None, ""):
        wanted = as_int(filters["reservation_id"], "reservation_id")
        return next((a for a in ctx.account.awbs.values() if a["reservation_id"] == wanted), None)
    raise ApiError("Emag id or reservation id is mandatory")


_PUBLIC_KEYS = (
    "emag_id",
    "order_id",
    "rma_id",
    "type",
    "weight",
    "awb_type",
    "awb",
    "status",
    "courier",
)


def awb_read(ctx):
    awb = _find(ctx, ctx.filters())
    if awb is None:
        return error(["AWB not found"])
    return ok([ctx.state.snapshot({k: awb[k] for k in _PUBLIC_KEYS if k in awb})])


def _label_lines(awb):
    sender, receiver = awb["sender"], awb["receiver"]
    return [
        f"Courier: {awb['courier']['courier_name']}  eMAG id: {awb['emag_id']}",
        f"Order: {awb['order_id'] or '-'}  Return: {awb['rma_id'] or '-'}",
        f"From: {sender['name']}, {sender['street']} ({sender['phone1']})",
        f"To: {receiver['name']}, {receiver['street']} ({receiver['phone1']})",
        f"COD: {awb['cod']:.2f}  Weight: {awb['weight'] or '-'} kg",
        f"Locker: {awb['locker_id'] or '-'}",
    ]


def _zpl(awb):
    number = awb["awb"][0]["awb_number"]
    body = "".join(
        f"^FO40,{80 + 40 * i}^A0N,28,28^FD{line}^FS" for i, line in enumerate(_label_lines(awb))
    )
    return f"^XA^FO40,20^BCN,60,Y,N,N^FD{number}^FS{body}^XZ"


def awb_read_pdf(ctx):
    """Raw PDF for API-issued AWBs; a JSON envelope (HTTP 200) for errors."""
    filters = ctx.filters()
    awb = _find(ctx, filters)
    if awb is None:
        return error(["AWB not found"])
    page = str(filters.get("awb_format") or "A4").upper()
    if page == "ZPL":
        return awb_read_zpl(ctx)
    if page not in LABEL_FORMATS:
        return error([f"Invalid awb_format {page}; use A4, A5, A6 or ZPL"])
    body = pdf.awb_label(awb["awb"][0]["awb_number"], _label_lines(awb), page)
    return Response(
        200,
        body,
        "application/pdf",
        {"Content-Disposition": f'inline; filename="awb_{awb["emag_id"]}.pdf"'},
    )


def awb_read_zpl(ctx):
    awb = _find(ctx, ctx.filters())
    if awb is None:
        return error(["AWB not found"])
    return ok(base64.b64encode(_zpl(awb).encode("utf-8")).decode("ascii"))


def set_awb_status(account, emag_id, code):
    """eMAG-side event: the courier reports a new AWB status."""
    awb = account.awbs[int(emag_id)]
    name, description = AWB_STATUSES[code]
    awb["status"] = {"code": code, "name": name, "description": description}
    return awb


ROUTES = {
    "awb/save": (("POST",), awb_save),
    "awb/read": (("POST",), awb_read),
    "awb/read_pdf": (("GET", "POST"), awb_read_pdf),
    "awb/read_zpl": (("GET", "POST"), awb_read_zpl),
}
