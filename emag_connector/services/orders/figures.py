"""What an eMAG order is worth, read from eMAG's documentation alone.

An independent reading of the money in an order object (doc §3.3, §9.3-§9.5):
what the customer pays, the VAT per rate, what the courier collects. It is
kept apart from :mod:`.order_payload` on purpose, written without its model
of lines and vouchers: the importer checks the sale order it built against
this reading, so a mistake in how the importer reads vouchers, lines or the
shipping fee ends as a parked order with the two totals, never as a wrong
sale order, invoice and cash-on-delivery amount. Only the wire format (numbers
as strings, ``[]`` for objects, VAT as percent) is decoded with the client's
parsers. Pure Python: no Odoo import.

The documented reading (doc §9.5)::

    total = Σ active lines sale_price·qty·(1+vat)
          + Σ voucher splits (value + vat_value), on lines and on shipping
          + shipping_tax (VAT included)
          + each voucher of ``vouchers[]`` that no split lists (sale_price + sale_price_vat)

rounded once, half up, to the cent. A voucher is counted once, wherever eMAG
lists it: split, it is its splits; whole, it is its ``vouchers[]`` entry.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ...lib.emag_api import parsing

CENT = Decimal("0.01")
ZERO = Decimal(0)
# doc §9.3: payment_mode_id 1 is cash on delivery (ramburs); eMAG also names it
# in detailed_payment_method when the id is null.
CASH_ON_DELIVERY = 1
CASH_ON_DELIVERY_METHODS = ("RAMBURS", "COD", "CASH ON DELIVERY")


@dataclass
class Figures:
    """The money of one order, unrounded; :meth:`total` and :meth:`vat` round."""

    gross: Decimal = ZERO
    vat_by_rate: dict = field(default_factory=dict)
    collect_on_delivery: bool = False
    paid: Decimal = ZERO

    def add(self, gross, vat, rate):
        self.gross += gross
        self.vat_by_rate[rate] = self.vat_by_rate.get(rate, ZERO) + vat

    @property
    def total(self):
        """What the customer pays, to the cent."""
        return self.gross.quantize(CENT, ROUND_HALF_UP)

    @property
    def vat(self):
        """``{rate as a fraction: VAT to the cent}``, rates with no VAT left out."""
        rounded = {
            rate: amount.quantize(CENT, ROUND_HALF_UP) for rate, amount in self.vat_by_rate.items()
        }
        return {rate: amount for rate, amount in rounded.items() if amount}

    @property
    def cod(self):
        """What the courier collects: the total less what was paid, on cash on delivery."""
        if not self.collect_on_delivery:
            return ZERO
        return max(self.total - self.paid, ZERO).quantize(CENT, ROUND_HALF_UP)


def read_figures(raw):
    """The :class:`Figures` of one order object as eMAG sent it.

    :raise ValueError: a figure that cannot be read (the importer refuses
        such an order before it gets here)
    """
    figures = Figures()
    lines = [line for line in _list(raw.get("products")) if _active(line)]
    split_vouchers = set()
    for line in lines:
        rate = _rate(line.get("vat"))
        net = _money(line.get("sale_price")) * parsing.to_int(line.get("quantity"))
        figures.add(net * (1 + rate), net * rate, rate)
        for split in _list(line.get("product_voucher_split")):
            split_vouchers.add(_voucher_id(split.get("voucher_id")))
            _add_split(figures, split, rate)
    # eMAG gives the fee VAT included and no rate: it is taxed like the goods
    # (the highest rate of the order's lines).
    shipping_rate = max((_rate(line.get("vat")) for line in lines), default=ZERO)
    shipping = _money(raw.get("shipping_tax"))
    figures.add(shipping, shipping * shipping_rate / (1 + shipping_rate), shipping_rate)
    for split in _list(raw.get("shipping_tax_voucher_split")):
        split_vouchers.add(_voucher_id(split.get("voucher_id")))
        _add_split(figures, split, shipping_rate)
    for voucher in _list(raw.get("vouchers")):
        if not isinstance(voucher, dict) or _int(voucher.get("status"), 1) == 0:
            continue
        key = _voucher_id(voucher.get("voucher_id") or voucher.get("id"))
        if key and key in split_vouchers:
            continue
        split_vouchers.add(key)
        vat = _money(voucher.get("sale_price_vat"))
        figures.add(_money(voucher.get("sale_price")) + vat, vat, _rate(voucher.get("vat")))
    mode = _int(raw.get("payment_mode_id"), None)
    method = str(raw.get("detailed_payment_method") or "").strip().upper()
    figures.collect_on_delivery = (
        mode == CASH_ON_DELIVERY or (mode is None and method in CASH_ON_DELIVERY_METHODS)
    ) and _int(raw.get("payment_status"), 0) != 1
    figures.paid = _money(raw.get("cashed_co")) + _money(raw.get("cashed_cod"))
    return figures


def _add_split(figures, split, default_rate):
    rate = default_rate if split.get("vat") in (None, "") else _rate(split.get("vat"))
    vat = _money(split.get("vat_value"))
    figures.add(_money(split.get("value")) + vat, vat, rate)


def _active(line):
    """doc §9.4: status 0 is a canceled line; a line with nothing left is none."""
    return (
        isinstance(line, dict)
        and _int(line.get("status"), 1) != 0
        and _int(line.get("quantity"), 0) > 0
    )


def _voucher_id(value):
    number = _int(value, None) if value not in (None, "") else None
    return str(number) if number is not None else str(value or "").strip()


def _list(value):
    return parsing.as_list(value)


def _money(value):
    return parsing.to_decimal(value) or ZERO


def _int(value, default):
    try:
        number = parsing.to_int(value)
    except ValueError:
        return default
    return default if number is None else number


def _rate(value):
    rate = parsing.vat_fraction(value)
    if rate is None:
        raise ValueError(f"no VAT rate: {value!r}")
    return rate
