"""Hypothesis strategies for eMAG order payloads, every documented shape.

Written from ``../shared/docs/emag-api.md`` §3.3 and §9, not from our
importer or our simulator: vouchers at order level, per line, on shipping and
any mix (one voucher listed in several places), ``offered_by``, VAT as a
fraction, a percent or a string, numbers as strings, ``[]`` for empty
objects, missing optional keys, canceled lines and storno quantities,
statuses 0-5, types 2 and 3, ``is_complete``, ``cancellation_request``, RON,
EUR and HUF (no decimals), persons and companies, long names and addresses,
Cyrillic and Hungarian text.

Each example is a :class:`Case`: the payload as eMAG would send it, what the
importer must do with it (import it, or park it with a reason), and the
money the generator put into it (:class:`Truth`), computed from the amounts it
chose before rendering them in eMAG's many formats.
"""

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as fixed_seed
from hypothesis import strategies as st
from stdnum.ro import cui

CENT = Decimal("0.01")
NET = Decimal("0.0001")

# Platform -> (currency, VAT rates as fractions, smallest gross step, counties)
PLATFORMS = {
    "emag_ro": ("RON", ("0.21", "0.11", "0.19", "0.09", "0"), CENT, "RO"),
    "emag_bg": ("EUR", ("0.20", "0.09", "0"), CENT, "BG"),
    "emag_hu": ("HUF", ("0.27", "0.18", "0.05", "0"), Decimal(1), "HU"),
}
# Counties (``*_suburb``) and cities Odoo knows for the country.
PLACES = {
    "RO": [
        ("Cluj", "Cluj-Napoca", "400001"),
        ("Bucuresti", "Sector 3", "030167"),
        ("Iasi", "Iași", "700259"),
        ("Brasov", "Brașov", "500030"),
    ],
    "BG": [("София", "София", "1000"), ("Пловдив", "Пловдив", "4000")],
    "HU": [("Budapest", "Budapest", "1051"), ("Győr-Moson-Sopron", "Győr", "9021")],
}
NAMES = {
    "RO": st.sampled_from(["Mihai Bălănescu", "Ioana Mărginean", "Ștefan Țăranu", "Ana Pop"]),
    "BG": st.sampled_from(["Иван Петров", "Мария Георгиева", "Стоян Димитров-Червенков"]),
    "HU": st.sampled_from(["Kovács Árpád", "Szőke Tünde", "Nagy Ödön Gyula"]),
}
LONG_WORD = {"RO": "Lungnume", "BG": "Долгоиме", "HU": "Hosszúnevű"}
COMPANY_NAMES = ["TEHNO-DISTRIBUȚIE MARKETING SRL", "ЕЛЕКТРОН ООД", "Fővárosi Műszaki Kft."]

# What the importer must do with a case.
IMPORT, PARK, CANCELED = "import", "park", "canceled"


@dataclass
class Truth:
    """The money the generator put into an order (unrounded)."""

    gross: Decimal = Decimal(0)
    vat: dict = field(default_factory=dict)
    cod: bool = False

    def add(self, gross, vat, rate):
        self.gross += gross
        self.vat[rate] = self.vat.get(rate, Decimal(0)) + vat

    @property
    def total(self):
        return self.gross.quantize(CENT, ROUND_HALF_UP)

    @property
    def vat_by_rate(self):
        rounded = {rate: amount.quantize(CENT, ROUND_HALF_UP) for rate, amount in self.vat.items()}
        return {rate: amount for rate, amount in rounded.items() if amount}

    @property
    def collect(self):
        return self.total if self.cod else Decimal(0)


@dataclass
class Case:
    payload: dict
    platform: str
    expect: str  # IMPORT, PARK or CANCELED
    truth: Truth
    why: str = ""  # what makes a PARK case wrong, for messages

    def __repr__(self):  # Hypothesis prints failing examples
        return f"Case({self.platform}, {self.expect}, {self.why or ''}, {self.payload!r})"


# ------------------------------------------------------------------ renderings


def _number(draw, value, places):
    """A number as eMAG may send it: string, float or int."""
    text = f"{value:.{places}f}"
    form = draw(
        st.sampled_from(
            ["str", "float", "int"] if value == value.to_integral_value() else ["str", "float"]
        )
    )
    if form == "str":
        return text
    if form == "int":
        return int(value)
    return float(text)


def _rate(draw, rate):
    """A VAT rate as a fraction, a percent or a string (doc §3.3)."""
    percent = (rate * 100).normalize()
    return draw(
        st.sampled_from(
            [
                str(rate),
                float(rate),
                f"{percent:f}",
                int(percent) if percent == int(percent) else float(percent),
            ]
        )
    )


def _int(draw, value):
    return draw(st.sampled_from([value, str(value)]))


def _maybe_drop(draw, payload, keys):
    for key in keys:
        if draw(st.booleans()):
            payload.pop(key, None)


def _net(gross, rate):
    return (gross / (1 + rate)).quantize(NET, ROUND_HALF_UP)


# -------------------------------------------------------------------- pieces


@st.composite
def customers(draw, country, company):
    name = draw(NAMES[country])
    if draw(st.integers(0, 9)) == 0:
        name = f"{name} {LONG_WORD[country]}" * 3
    county, city, zipcode = draw(st.sampled_from(PLACES[country]))
    street = draw(
        st.sampled_from(["Str. Republicii nr. 12", "ул. „Витоша“ 45", "Kossuth Lajos utca 3."])
    )
    if draw(st.integers(0, 9)) == 0:
        street = (
            f"{street}, bl. A{draw(st.integers(1, 99))}, sc. 2, et. 7, ap. 214, interfon 214C" * 2
        )
    phone = draw(st.sampled_from(["0722123456", "+359888123456", "+36301234567"]))
    data = {
        "id": _int(draw, draw(st.integers(1, 10**8))),
        "name": name,
        "email": draw(st.sampled_from(["", "a1b2c3@emag.ro", None])),
        "company": name,
        "code": "",
        "registration_number": "",
        "legal_entity": _int(draw, 0),
        "is_vat_payer": _int(draw, draw(st.integers(0, 1))),
        "phone_1": phone,
        "billing_name": name,
        "billing_phone": phone,
        "billing_country": draw(
            st.sampled_from(
                [country, {"RO": "Romania", "BG": "Bulgaria", "HU": "Hungary"}[country]]
            )
        ),
        "billing_suburb": county,
        "billing_city": city,
        "billing_street": street,
        "billing_postal_code": zipcode,
        "shipping_country": country,
        "shipping_suburb": county,
        "shipping_city": city,
        "shipping_street": street,
        "shipping_postal_code": zipcode,
        "shipping_contact": name,
        "shipping_phone": phone,
    }
    if company:
        number = draw(st.integers(10**6, 10**8 - 1))
        code = f"{number}{cui.calc_check_digit(str(number))}"
        company_name = draw(st.sampled_from(COMPANY_NAMES))
        vat_payer = draw(st.booleans())
        data.update(
            company=company_name,
            billing_name=company_name,
            legal_entity=_int(draw, 1),
            code=f"RO{code}" if vat_payer and country == "RO" else code,
            is_vat_payer=int(vat_payer),
            registration_number=f"J12/{draw(st.integers(100, 9999))}/2019",
        )
    _maybe_drop(draw, data, ["phone_1", "email", "registration_number"])
    if draw(st.integers(0, 5)) == 0:
        # Shipping address left out: it is the billing one.
        for key in ("shipping_suburb", "shipping_city", "shipping_street", "shipping_postal_code"):
            data.pop(key)
    return data


@st.composite
def orders(
    draw,
    platforms=tuple(PLATFORMS),
    part_numbers=("KT-1700-INOX", "FLT-AC-2", "L200-MONO"),
    broken=True,
):
    """A :class:`Case`. ``part_numbers``: what the lines may order;
    ``broken``: include payloads the importer must park."""
    platform = draw(st.sampled_from(platforms))
    currency, rates, step, country = PLATFORMS[platform]
    places = 0 if step == 1 else 2
    truth = Truth()
    status = draw(st.sampled_from([1, 1, 1, 2, 3, 4, 5, 0]))
    order_type = draw(st.sampled_from([3, 3, 3, 2]))
    if order_type == 2 and status == 1:
        status = 2  # eMAG processes FBE orders itself
    moment = datetime(2026, 11, 1) + timedelta(minutes=draw(st.integers(0, 50000)))
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S")

    voucher_ids = iter(range(draw(st.integers(1000, 9000)), 10**6))
    lines, order_vouchers = [], []
    line_rates = []
    for position in range(draw(st.integers(1, 4))):
        rate = Decimal(draw(st.sampled_from(rates)))
        gross_unit = Decimal(draw(st.integers(1, 250000 if step == 1 else 500000))) * step
        net = _net(gross_unit, rate)
        quantity = draw(st.sampled_from([1, 1, 2, 3, 7, 40]))
        active = position == 0 or draw(st.integers(0, 5)) != 0
        line = {
            "id": _int(draw, 600000 + position + draw(st.integers(0, 10**6)) * 10),
            "product_id": _int(draw, 1000 + position),
            "name": draw(st.sampled_from(["Fierbător 1.7 l", "Чайник", "Vízforraló"])),
            "status": _int(draw, 1 if active else 0),
            "part_number": draw(st.sampled_from(part_numbers)),
            "currency": currency,
            "vat": _rate(draw, rate),
            "quantity": _int(draw, quantity if active else draw(st.sampled_from([0, quantity]))),
            # A storno only ever reverses goods of a finalized order (doc §9.10).
            "storno_qty": _int(draw, draw(st.sampled_from([0, 0, 0, 1] if status >= 4 else [0]))),
            "sale_price": _number(draw, net, 4),
            "details": draw(st.sampled_from([[], ["gift wrap"]])),
            "product_voucher_split": [],
        }
        _maybe_drop(draw, line, ["storno_qty", "details", "currency", "name"])
        if active:
            line_rates.append(rate)
            line_gross = net * quantity * (1 + rate)
            truth.add(line_gross, net * quantity * rate, rate)
            # Vouchers on this line: split (maybe also listed whole), or only whole.
            for _voucher in range(draw(st.integers(0, 2))):
                split_rate = rate if draw(st.booleans()) else Decimal(draw(st.sampled_from(rates)))
                limit = int(line_gross / step / 3)
                if limit < 1:
                    break
                voucher_gross = Decimal(draw(st.integers(1, limit))) * step
                voucher_net = _net(voucher_gross, split_rate)
                voucher_vat = voucher_gross - voucher_net
                voucher_id = next(voucher_ids)
                where = draw(st.sampled_from(["split", "split+list", "list"]))
                truth.add(-voucher_gross, -voucher_vat, split_rate)
                if where in ("split", "split+list"):
                    split = {
                        "voucher_id": _int(draw, voucher_id),
                        "value": _number(draw, -voucher_net, 4),
                        "vat_value": _number(draw, -voucher_vat, 4),
                        "vat": _rate(draw, split_rate),
                        "offered_by": draw(st.sampled_from(["emag", "vendor", None])),
                        "voucher_name": draw(st.sampled_from(["Reducere toamnă", "Отстъпка", ""])),
                    }
                    if split_rate == rate and draw(st.booleans()):
                        del split["vat"]  # the line's rate
                    _maybe_drop(draw, split, ["offered_by", "voucher_name"])
                    line["product_voucher_split"].append(split)
                if where in ("list", "split+list"):
                    order_vouchers.append(
                        _voucher_entry(
                            draw, voucher_id, -voucher_net, -voucher_vat, split_rate, stamp
                        )
                    )
        if not line["product_voucher_split"] and draw(st.booleans()):
            del line["product_voucher_split"]
        lines.append(line)

    shipping_rate = max(line_rates)
    fees = [0, 0, 1490, 1990] if step == 1 else ["0", "0", "15.99", "19.99", "29.99"]
    shipping = Decimal(draw(st.sampled_from(fees)))
    truth.add(shipping, shipping * shipping_rate / (1 + shipping_rate), shipping_rate)
    shipping_splits = []
    if shipping and draw(st.booleans()):
        voucher_gross = min(shipping, Decimal(draw(st.integers(1, int(shipping / step)))) * step)
        voucher_net = _net(voucher_gross, shipping_rate)
        voucher_vat = voucher_gross - voucher_net
        voucher_id = next(voucher_ids)
        truth.add(-voucher_gross, -voucher_vat, shipping_rate)
        split = {
            "voucher_id": _int(draw, voucher_id),
            "value": _number(draw, -voucher_net, 4),
            "vat_value": _number(draw, -voucher_vat, 4),
        }
        if draw(st.booleans()):
            split.update(
                vat=_rate(draw, shipping_rate), offered_by="emag", voucher_name="Transport gratuit"
            )
        shipping_splits.append(split)
        if draw(st.booleans()):  # eMAG lists it in vouchers[] too (issue 16)
            order_vouchers.append(
                _voucher_entry(draw, voucher_id, -voucher_net, -voucher_vat, shipping_rate, stamp)
            )
    if draw(st.integers(0, 4)) == 0:
        # A voucher eMAG deactivated: listed with status 0, worth nothing.
        entry = _voucher_entry(
            draw, next(voucher_ids), Decimal("-5"), Decimal("-1"), shipping_rate, stamp
        )
        entry["status"] = _int(draw, 0)
        order_vouchers.append(entry)
    draw(st.randoms(use_true_random=False)).shuffle(order_vouchers)

    payment_mode_id = draw(st.sampled_from([1, 1, 2, 3, None]))
    truth.cod = payment_mode_id == 1
    complete = draw(st.integers(0, 9)) != 0
    company = country == "RO" and draw(st.integers(0, 3)) == 0
    payload = {
        "id": _int(draw, draw(st.integers(400000000, 499999999))),
        "type": _int(draw, order_type),
        "status": _int(draw, status),
        "date": stamp,
        "created": stamp,
        "modified": stamp,
        "is_complete": _int(draw, int(complete)),
        "payment_mode_id": payment_mode_id,
        "detailed_payment_method": "RAMBURS" if payment_mode_id == 1 else "",
        "payment_status": 0,
        "cashed_co": None,
        "cashed_cod": draw(st.sampled_from([None, 0])),
        "currency": currency,
        "shipping_tax": _number(draw, shipping, places),
        "shipping_tax_voucher_split": shipping_splits,
        "customer": draw(customers(country, company)),
        "products": lines,
        "vouchers": order_vouchers,
        "details": draw(st.sampled_from([[], {"locker_id": None}])),
        "attachments": [],
        "observation": draw(st.sampled_from([None, "", "Sunați înainte", "Моля, обадете се"])),
        "cancellation_request": None,
        "reason_cancellation": None,
        "finalization_date": stamp if status == 4 else None,
    }
    _maybe_drop(
        draw,
        payload,
        [
            "created",
            "currency",
            "details",
            "attachments",
            "observation",
            "cancellation_request",
            "reason_cancellation",
            "finalization_date",
        ],
    )
    if complete and draw(st.booleans()):
        del payload["is_complete"]  # optional: complete unless it says 0
    if status in (1, 2, 3) and draw(st.integers(0, 9)) == 0:
        payload["cancellation_request"] = "Clientul a solicitat anularea comenzii"
    expect, why = IMPORT, ""
    if status == 0:
        expect = CANCELED
    elif not complete:
        expect, why = PARK, "incomplete"
    case = Case(payload=payload, platform=platform, expect=expect, truth=truth, why=why)
    if broken and draw(st.integers(0, 9)) == 0:
        return draw(breakages(case))
    return case


def _voucher_entry(draw, voucher_id, net, vat, rate, stamp):
    entry = {
        "id": str(voucher_id),
        "voucher_id": _int(draw, voucher_id),
        "voucher_name": "Voucher",
        "sale_price": _number(draw, net, 4),
        "sale_price_vat": _number(draw, vat, 4),
        "vat": _rate(draw, rate),
        "status": _int(draw, 1),
        "issue_date": stamp[:10],
    }
    _maybe_drop(draw, entry, ["id", "status", "issue_date", "voucher_name"])
    return entry


# Payloads no importer may take as they are: each must be parked with a reason.
BREAKAGES = {
    "price not a number": lambda p: p["products"][0].update(sale_price="12,50 lei"),
    "VAT not a rate": lambda p: p["products"][0].update(vat="TVA"),
    "negative quantity": lambda p: p["products"][0].update(quantity=-1, status=1),
    "quantity not whole": lambda p: p["products"][0].update(quantity="1.5", status=1),
    "unknown status": lambda p: p.update(status=9),
    "unknown type": lambda p: p.update(type=7),
    "customer not an object": lambda p: p.update(customer="Ion Popescu"),
    "no customer name": lambda p: p["customer"].update(
        name="", billing_name="", shipping_contact=""
    ),
    "no part number": lambda p: p["products"][0].update(part_number="", ext_part_number=None),
    "products not a list": lambda p: p.update(products="KT-1700-INOX"),
    "voucher split not an object": lambda p: p["products"][0].update(product_voucher_split=["x"]),
    "voucher without amount": lambda p: p.update(
        vouchers=[{"voucher_id": 5, "sale_price": None, "vat": "0.21"}]
    ),
    "date not a date": lambda p: p.update(date="yesterday", modified="yesterday"),
    "negative shipping fee": lambda p: p.update(shipping_tax="-5"),
}


@st.composite
def breakages(draw, case):
    why = draw(st.sampled_from(sorted(BREAKAGES)))
    payload = copy.deepcopy(case.payload)
    BREAKAGES[why](payload)
    return Case(payload=payload, platform=case.platform, expect=PARK, truth=Truth(), why=why)


def draw_cases(count, seed=0, **options):
    """``count`` cases of :func:`orders` (``options``), the same for the same
    seed: for runs that count violations instead of stopping at the first."""
    cases = []

    @fixed_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(orders(**options))
    def collect(case):
        cases.append(case)

    collect()
    return cases
