"""Read an eMAG order object (order/read ``results[]``) into checked values.

eMAG is lenient about types (numbers as strings, ``[]`` for empty objects,
VAT as fraction or percent), so every value goes through the tolerant parsers
of the client; anything that still makes no sense raises
:class:`OrderPayloadError` with a sentence a salesperson can act on, naming
the order line when the problem is on one. Pure Python: no Odoo import.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ...lib.emag_api import parsing
from ..common.labels import Sentence as _
from ..common.labels import SentenceError

SELLER_TYPE, FBE_TYPE = 3, 2
# A line quantity above this is taken for a data error, not an order.
MAX_LINE_QUANTITY = 100000
CENT = Decimal("0.01")


class OrderPayloadError(SentenceError):
    """The order cannot be imported as sent; ``str()`` is the plain reason,
    ``labels.say`` says it in the user's language."""


@dataclass
class VoucherPart:
    """A voucher amount on one line or on shipping (net and VAT, both negative)."""

    voucher_id: str
    name: str
    value: Decimal
    vat_value: Decimal
    vat: Decimal
    offered_by: str = ""


@dataclass
class OrderLine:
    line_id: int
    offer_id: int
    part_number: str
    name: str
    active: bool
    quantity: int
    price: Decimal  # unit price without VAT
    vat: Decimal  # fraction
    vouchers: list = field(default_factory=list)
    # Units a storno took off the line (a return), which is not an edit.
    returned: int = 0
    # eMAG charged the line without VAT, the buyer accounting for it (reverse charge).
    reverse_charge: bool = False


@dataclass
class Customer:
    emag_id: str
    name: str
    email: str
    legal_entity: bool
    company: str
    code: str
    registration_number: str
    is_vat_payer: bool
    bank: str
    iban: str
    phones: list
    billing: dict
    shipping: dict


@dataclass
class Order:
    emag_id: int
    order_type: int
    status: int
    date: object  # naive UTC datetimes
    modified: object
    finalized_at: object
    currency: str
    payment_mode_id: int
    shipping_tax: Decimal  # VAT included
    shipping_vouchers: list
    customer: Customer
    lines: list
    order_vouchers: list
    cancellation_request: str
    observation: str
    # False while eMAG is still completing the customer's details (``is_complete: 0``).
    complete: bool = True
    raw: dict = None

    @property
    def active_lines(self):
        return [line for line in self.lines if line.active]

    @property
    def shipping_rate(self):
        """The VAT rate of the shipping fee: eMAG gives the fee VAT included
        and no rate, so it follows the goods (their highest rate)."""
        return max((line.vat for line in self.active_lines), default=Decimal(0))

    def voucher_parts(self):
        """Voucher amounts on products, each voucher counted once.

        eMAG may list one voucher in several places: split per line and VAT
        rate (``product_voucher_split``), split on shipping
        (``shipping_tax_voucher_split``) and whole in the order's
        ``vouchers[]``. The splits carry the VAT rates and say where the
        discount went, so a voucher split anywhere is read from its splits
        alone; the ``vouchers[]`` entry counts only for a voucher no split
        mentions (same ``voucher_id``).
        """
        parts = [part for line in self.active_lines for part in line.vouchers]
        split = {part.voucher_id for part in parts + self.shipping_vouchers}
        seen = set()
        for voucher in self.order_vouchers:
            key = voucher.voucher_id
            if key and (key in split or key in seen):
                continue
            seen.add(key)
            parts.append(voucher)
        return parts

    def gross_total(self):
        """What the customer pays, to the cent (doc §9.5)."""
        total = self.shipping_tax
        for line in self.active_lines:
            total += line.price * line.quantity * (1 + line.vat)
        for part in self.voucher_parts() + self.shipping_vouchers:
            total += part.value + part.vat_value
        return total.quantize(CENT, ROUND_HALF_UP)


def parse_order(raw, tz):
    """Return an :class:`Order` from one order object; raise :class:`OrderPayloadError`.

    :param tz: platform (code) whose local time the timestamps are in
    """
    if not isinstance(raw, dict):
        raise OrderPayloadError(_("The order sent by eMAG is not an object."))
    emag_id = _int(raw.get("id"), _("order id"))
    if emag_id is None or emag_id <= 0:
        raise OrderPayloadError(_("The order sent by eMAG has no valid order number."))
    order_type = _int(raw.get("type"), _("order type"))
    order_type = SELLER_TYPE if order_type is None else order_type
    if order_type not in (SELLER_TYPE, FBE_TYPE):
        raise OrderPayloadError(
            _("Unknown order type %(type)r (expected 2 or 3).", type=raw.get("type"))
        )
    status = _int(raw.get("status"), _("status"))
    if status not in (0, 1, 2, 3, 4, 5):
        raise OrderPayloadError(_("Unknown order status %(status)r.", status=raw.get("status")))
    date = _datetime(raw.get("date") or raw.get("created"), _("order date"), tz)
    modified = _datetime(raw.get("modified"), _("modification time"), tz) or date
    if modified is None:
        raise OrderPayloadError(_("The order has neither a date nor a modification time."))
    products = _list(raw.get("products"), _("product lines"))
    lines = [_line(item, index, tz) for index, item in enumerate(products, 1)]
    if status in (1, 2, 3) and not any(line.active for line in lines):
        raise OrderPayloadError(_("The order has no active product line."))
    shipping_tax = _amount(raw.get("shipping_tax"), _("Shipping fee")) or Decimal(0)
    if shipping_tax < 0:
        raise OrderPayloadError(_("The shipping fee %(fee)s is negative.", fee=shipping_tax))
    order_vouchers = [
        _order_voucher(item)
        for item in _list(raw.get("vouchers"), _("vouchers"))
        if isinstance(item, dict) and parsing.to_int(item.get("status", 1)) != 0
    ]
    order = Order(
        emag_id=emag_id,
        order_type=order_type,
        status=status,
        date=date or modified,
        modified=modified,
        finalized_at=_datetime(raw.get("finalization_date"), _("finalization date"), tz),
        currency=str(raw.get("currency") or "").strip().upper(),
        payment_mode_id=_int(raw.get("payment_mode_id"), _("payment mode")) or 0,
        shipping_tax=shipping_tax,
        shipping_vouchers=[
            _split(item, _("Shipping voucher"))
            for item in _list(raw.get("shipping_tax_voucher_split"), _("shipping vouchers"))
        ],
        customer=_customer(raw.get("customer")),
        lines=lines,
        order_vouchers=order_vouchers,
        cancellation_request=_text(raw.get("cancellation_request")),
        observation=_text(raw.get("observation")),
        complete=raw.get("is_complete") in (None, "")
        or _flag(raw.get("is_complete"), _("completeness flag")),
        raw=raw,
    )
    # The documented shipping split carries no rate (doc §9.3): the fee's.
    for voucher in order.shipping_vouchers:
        voucher.vat = order.shipping_rate if voucher.vat is None else voucher.vat
    return order


def _line(item, index, tz):
    where = _("Product line %(index)s", index=index)
    if not isinstance(item, dict):
        raise OrderPayloadError(_("%(where)s is not an object.", where=where))
    line_id = _int(item.get("id"), _("%(where)s: line id", where=where))
    if not line_id:
        raise OrderPayloadError(_("%(where)s has no line id.", where=where))
    part_number = _text(item.get("part_number")) or _text(item.get("ext_part_number"))
    if not part_number:
        raise OrderPayloadError(_("%(where)s has no part number.", where=where))
    where = _("Product line %(index)s (%(part)s)", index=index, part=part_number)
    active = _int(item.get("status", 1), _("%(where)s: status", where=where)) != 0
    quantity = _int(item.get("quantity"), _("%(where)s: quantity", where=where))
    if quantity is None or quantity < 0 or (active and quantity == 0):
        raise OrderPayloadError(
            _(
                "%(where)s: the quantity %(quantity)r is not valid.",
                where=where,
                quantity=item.get("quantity"),
            )
        )
    if quantity > MAX_LINE_QUANTITY:
        raise OrderPayloadError(
            _(
                "%(where)s: a quantity of %(quantity)s is implausible; check the order on eMAG.",
                where=where,
                quantity=quantity,
            )
        )
    price = _amount(item.get("sale_price"), _("%(where)s: price", where=where))
    if price is None or price < 0:
        raise OrderPayloadError(
            _(
                "%(where)s: the price %(price)r is not valid.",
                where=where,
                price=item.get("sale_price"),
            )
        )
    vat = _vat(item.get("vat"), where)
    vouchers = [
        _split(split, _("%(where)s: voucher", where=where))
        for split in _list(item.get("product_voucher_split"), _("%(where)s: vouchers", where=where))
    ]
    for voucher in vouchers:
        voucher.vat = vat if voucher.vat is None else voucher.vat
    return OrderLine(
        line_id=line_id,
        offer_id=_int(item.get("product_id"), _("%(where)s: offer id", where=where)) or 0,
        part_number=part_number,
        name=_text(item.get("name")) or part_number,
        active=active and quantity > 0,
        quantity=quantity,
        price=price,
        vat=vat,
        vouchers=vouchers,
        returned=max(
            _int(item.get("storno_qty"), _("%(where)s: storno quantity", where=where)) or 0, 0
        ),
        reverse_charge=_flag(
            item.get("reversible_vat_charging"), _("%(where)s: reverse charge flag", where=where)
        ),
    )


def _split(item, where):
    if not isinstance(item, dict):
        raise OrderPayloadError(_("%(where)s is not an object.", where=where))
    value = _amount(item.get("value"), _("%(where)s: amount", where=where))
    vat_value = _amount(item.get("vat_value"), _("%(where)s: VAT", where=where)) or Decimal(0)
    if value is None:
        raise OrderPayloadError(_("%(where)s has no amount.", where=where))
    return VoucherPart(
        voucher_id=_voucher_key(item.get("voucher_id")),
        name=_text(item.get("voucher_name")),
        value=value,
        vat_value=vat_value,
        vat=_vat(item.get("vat"), where) if item.get("vat") not in (None, "") else None,
        offered_by=_text(item.get("offered_by")),
    )


def _order_voucher(item):
    where = _("Voucher %(id)s", id=item.get("voucher_id") or "")
    value = _amount(item.get("sale_price"), _("%(where)s: amount", where=where))
    if value is None:
        raise OrderPayloadError(_("%(where)s has no amount.", where=where))
    return VoucherPart(
        voucher_id=_voucher_key(item.get("voucher_id") or item.get("id")),
        name=_text(item.get("voucher_name")),
        value=value,
        vat_value=_amount(item.get("sale_price_vat"), _("%(where)s: VAT", where=where))
        or Decimal(0),
        vat=_vat(item.get("vat"), where),
    )


def _voucher_key(value):
    """A voucher id as one text wherever eMAG lists it (``7``, ``"7"``, ``7.0``)."""
    try:
        number = parsing.to_int(value)
    except (ValueError, TypeError):
        return _text(value)
    return "" if number is None else str(number)


def _customer(raw):
    try:
        data = parsing.as_object(raw)
    except ValueError:
        raise OrderPayloadError(_("The customer of the order is not an object.")) from None
    name = (
        _text(data.get("name"))
        or _text(data.get("billing_name"))
        or _text(data.get("shipping_contact"))
    )
    if not name:
        raise OrderPayloadError(_("The order has no customer name."))
    legal_entity = _flag(data.get("legal_entity"), _("customer legal entity flag"))
    address = {}
    for kind in ("billing", "shipping"):
        address[kind] = {
            "name": _text(data.get(f"{kind}_name" if kind == "billing" else "shipping_contact")),
            "phone": _text(data.get(f"{kind}_phone")),
            "country": _text(data.get(f"{kind}_country")),
            "county": _text(data.get(f"{kind}_suburb")),
            "city": _text(data.get(f"{kind}_city")),
            "street": _text(data.get(f"{kind}_street")),
            "zip": _text(data.get(f"{kind}_postal_code")),
            "locality_id": _text(data.get(f"{kind}_locality_id")),
        }
    if not (address["shipping"]["city"] or address["shipping"]["street"]):
        address["shipping"] = dict(address["billing"], name=address["shipping"]["name"])
    return Customer(
        emag_id=_text(data.get("id")),
        name=name,
        email=_text(data.get("email")),
        legal_entity=legal_entity,
        company=_text(data.get("company")),
        code=_text(data.get("code")),
        registration_number=_text(data.get("registration_number")),
        is_vat_payer=_flag(data.get("is_vat_payer"), _("customer VAT payer flag")),
        bank=_text(data.get("bank")),
        iban=_text(data.get("iban")),
        phones=[p for p in (_text(data.get(f"phone_{n}")) for n in (1, 2, 3)) if p],
        billing=address["billing"],
        shipping=address["shipping"],
    )


# --------------------------------------------------------------------- scalars


def _text(value):
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(str(value).split())


def _int(value, what):
    try:
        return parsing.to_int(value)
    except (ValueError, TypeError):
        raise OrderPayloadError(
            _("The %(what)s %(value)r is not a whole number.", what=what, value=value)
        ) from None


def _flag(value, what):
    try:
        return parsing.to_bool(value)
    except (ValueError, TypeError):
        raise OrderPayloadError(
            _("The %(what)s %(value)r is not 0 or 1.", what=what, value=value)
        ) from None


def _amount(value, what):
    try:
        return parsing.to_decimal(value)
    except (ValueError, TypeError):
        raise OrderPayloadError(
            _("%(what)s %(value)r is not an amount.", what=what, value=value)
        ) from None


def _vat(value, where):
    try:
        rate = parsing.vat_fraction(value)
    except (ValueError, TypeError):
        rate = None
    if rate is None:
        raise OrderPayloadError(
            _("%(where)s: the VAT rate %(rate)r is missing or not a rate.", where=where, rate=value)
        )
    return rate


def modified_at(raw, tz):
    """The modification time of a raw order (naive UTC), ``None`` when unreadable."""
    if not isinstance(raw, dict):
        return None
    try:
        return _datetime(raw.get("modified"), _("modification time"), tz)
    except OrderPayloadError:
        return None


def _datetime(value, what, tz):
    try:
        moment = parsing.parse_datetime(value, tz)
    except (ValueError, TypeError):
        raise OrderPayloadError(
            _("The %(what)s %(value)r is not a date and time.", what=what, value=value)
        ) from None
    return moment.replace(tzinfo=None) if moment else None


def _list(value, what):
    try:
        return parsing.as_list(value)
    except ValueError:
        raise OrderPayloadError(_("The %(what)s of the order are not a list.", what=what)) from None
