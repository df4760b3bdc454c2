"""Seeded generator of realistic eMAG orders.

Orders reference offers that exist in the account's catalogue, carry the
customer data an ERP must cope with (diacritics, Cyrillic, very long names,
companies with valid fiscal codes and IBANs), and the money features that make
totals tricky: vouchers with their own VAT split, a VAT-inclusive shipping fee,
cash on delivery vs. card vs. transfer. The same seed gives the same orders.
"""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from .nomenclatures import LOCALITIES, PAYMENT_MODES
from .offers import estimated_stock
from .orders import (
    CANCELED,
    FINALIZED,
    NEW,
    SELLER,
    cancellation_reason,
    make_line,
    offer_vat_rate,
    register_order,
)
from .protocol import fmt_datetime, money

PEOPLE = {
    "RO": [
        ("Ștefan", "Popescu", "M"),
        ("Ioana", "Mărginean", "F"),
        ("Răzvan", "Țăranu", "M"),
        ("Andreea-Cătălina", "Dumitrescu-Vlădescu", "F"),
        ("Mihai", "Bălănescu", "M"),
        ("Maria-Magdalena Alexandra", "Constantinescu-Brâncoveanu-Hagi-Stoica", "F"),
        ("Gheorghiță", "Ștefănescu", "M"),
        ("Ana", "Ionescu", "F"),
    ],
    "BG": [
        ("Иван", "Петров", "M"),
        ("Мария", "Георгиева", "F"),
        ("Стоян", "Христов-Атанасов", "M"),
        ("Десислава", "Костадинова-Чолакова", "F"),
        ("Георги", "Димитров", "M"),
    ],
    "HU": [
        ("Árpád", "Kovács", "M"),
        ("Éva", "Szőke", "F"),
        ("Zsófia", "Nagy-Szabó", "F"),
        ("Gyöngyvér", "Tóth", "F"),
        ("Ödön", "Horváth", "M"),
    ],
}

COMPANIES = {
    "RO": [
        "ȘTEFĂNESCU & ASOCIAȚII CONSTRUCȚII SRL",
        "TEHNO-DISTRIBUȚIE MARKETING SRL",
        "CABINET MEDICAL INDIVIDUAL DR. ȚĂRANU RĂZVAN-GHEORGHIȚĂ",
    ],
    "BG": ["ТЕХНОМАРКЕТ ЕООД", "БАЛКАН ДИСТРИБУЦИЯ ООД"],
    "HU": ["Kovács és Társa Kft.", "Dunántúli Műszaki Fejlesztő Zrt."],
}

STREETS = {
    "RO": [
        "Str. Mihai Eminescu nr. 12, bl. A3, sc. 2, ap. 14",
        "Bd. Unirii nr. 45, et. 7",
        "Calea Moșilor nr. 211",
        "Aleea Țesătorilor nr. 3",
    ],
    "BG": ["ул. „Витоша“ 15, ет. 3", "бул. „Христо Ботев“ 42", "ул. „Шипка“ 7, ап. 12"],
    "HU": ["Petőfi Sándor utca 8. 2/5", "Kossuth Lajos tér 1.", "Árpád fejedelem útja 71."],
}

LOCKERS = {
    "RO": ("9194", "easybox Piața Unirii", "EasyBox"),
    "BG": ("BG4471", "Speedy APS Младост", "Speedy APS"),
    "HU": ("HU1183", "Foxpost Árkád", "Foxpost"),
}

BANKS = {
    "RO": ("Banca Transilvania SA", "BTRL"),
    "BG": ("УниКредит Булбанк АД", "UNCR"),
    "HU": ("OTP Bank Nyrt.", "117"),
}

SHIPPING_TAXES = {"RON": ["15.99", "19.99", "0"], "EUR": ["2.99", "0"], "HUF": ["1490", "0"]}
VOUCHERS = {"RON": "10.00", "EUR": "2.00", "HUF": "1000"}
DOMAINS = {"RO": "emag.ro", "BG": "emag.bg", "HU": "emag.hu"}
# What eMAG has not filled in yet on an incomplete order (``is_complete: 0``).
INCOMPLETE_KEYS = tuple(
    f"{kind}_{key}"
    for kind in ("billing", "shipping")
    for key in ("suburb", "city", "street", "postal_code", "locality_id")
)


# ---------------------------------------------------------------- valid fiscal codes


def ro_cui(rng):
    """A Romanian CUI with a correct check digit."""
    body = str(rng.randint(1000000, 49999999))
    weights = "753217532"[-len(body) :]
    total = sum(int(d) * int(w) for d, w in zip(body, weights))
    return body + str(total * 10 % 11 % 10)


def bg_eik(rng):
    """A Bulgarian 9-digit EIK with a correct check digit."""
    digits = [rng.randint(0, 9) for _ in range(8)]
    check = sum(d * (i + 1) for i, d in enumerate(digits)) % 11
    if check == 10:
        check = sum(d * (i + 3) for i, d in enumerate(digits)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


def hu_tax_number(rng):
    """A Hungarian tax number ``12345676-2-41`` with a correct check digit."""
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
    check = (10 - sum(d * w for d, w in zip(digits, (9, 7, 3, 1, 9, 7, 3))) % 10) % 10
    return "".join(map(str, digits)) + f"{check}-2-{rng.randint(2, 44):02d}"


def iban(rng, country, bank_code):
    """An IBAN whose check digits are valid (mod 97)."""
    length = {"RO": 16, "BG": 14, "HU": 21}[country]
    account = "".join(str(rng.randint(0, 9)) for _ in range(length))
    bban = bank_code + account
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def phone(rng, country):
    if country == "RO":
        return "07" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    if country == "BG":
        return "08" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return "+3630" + "".join(str(rng.randint(0, 9)) for _ in range(7))


# --------------------------------------------------------------------------- orders


def _net(gross, vat):
    return (Decimal(gross) / (1 + Decimal(vat))).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def gross_total(order):
    """Amount the customer pays (doc §9.5): lines with VAT + voucher splits + shipping
    (a voucher listed in ``vouchers[]`` is always split here, so it is counted once)."""
    total = Decimal(str(order.get("shipping_tax") or 0))
    for split in order.get("shipping_tax_voucher_split") or []:
        total += Decimal(split["value"]) + Decimal(split["vat_value"])
    for line in order["products"]:
        if line["status"] != 1:
            continue
        total += Decimal(line["sale_price"]) * line["quantity"] * (1 + Decimal(line["vat"]))
        for split in line["product_voucher_split"]:
            total += Decimal(split["value"]) + Decimal(split["vat_value"])
    return total.quantize(Decimal("0.01"), ROUND_HALF_UP)


class OrderGenerator:
    """Builds orders for one account from the state's seeded random source."""

    def __init__(self, state, account):
        self.state = state
        self.account = account
        self.rng = state.rng

    def _customer(self, b2b, stamp, locker):
        rng, country = self.rng, self.account.country_code
        first, last, gender = rng.choice(PEOPLE[country])
        name = f"{last} {first}" if country == "HU" else f"{first} {last}"
        localities = [loc for loc in LOCALITIES if loc["country_code"] == country]
        shipping_loc, billing_loc = rng.choice(localities), rng.choice(localities)
        street = rng.choice(STREETS[country])
        shipping_street = street
        if locker:
            locker_id, locker_name, network = LOCKERS[country]
            shipping_street = f"{locker_name} [{network} #{locker_id}]"
        tel = phone(rng, country)
        customer_id = self.state.next_id("customer")
        customer = {
            "id": customer_id,
            "mkt_id": customer_id + 2200000,
            "name": name,
            "email": f"{rng.getrandbits(40):010x}@{DOMAINS[country]}",
            "company": name,
            "gender": gender,
            "code": "",
            "registration_number": "",
            "bank": "",
            "iban": "",
            "fax": None,
            "legal_entity": 0,
            "is_vat_payer": 0,
            "liable_person": "",
            "phone_1": tel,
            "phone_2": "",
            "phone_3": "",
            "billing_name": name,
            "billing_phone": tel,
            "billing_country": country,
            "billing_suburb": billing_loc["region2"],
            "billing_city": billing_loc["name"],
            "billing_locality_id": billing_loc["emag_id"],
            "billing_street": street,
            "billing_postal_code": billing_loc["zipcode"],
            "shipping_country": country,
            "shipping_suburb": shipping_loc["region2"],
            "shipping_city": shipping_loc["name"],
            "shipping_locality_id": shipping_loc["emag_id"],
            "shipping_street": shipping_street,
            "shipping_postal_code": shipping_loc["zipcode"],
            "shipping_contact": name,
            "shipping_phone": tel,
            "created": stamp,
            "modified": stamp,
        }
        if b2b:
            company = rng.choice(COMPANIES[country])
            bank_name, bank_code = BANKS[country]
            vat_payer = rng.random() < 0.7
            if country == "RO":
                code = ro_cui(rng)
                customer["code"] = f"RO{code}" if vat_payer else code
                customer["registration_number"] = (
                    f"J{rng.randint(1, 52):02d}/{rng.randint(100, 9999)}/{rng.randint(1995, 2024)}"
                )
            elif country == "BG":
                eik = bg_eik(rng)
                customer["code"] = f"BG{eik}" if vat_payer else eik
                customer["registration_number"] = eik
            else:
                customer["code"] = hu_tax_number(rng)
                customer["registration_number"] = f"01-09-{rng.randint(100000, 999999)}"
            customer.update(
                company=company,
                billing_name=company,
                legal_entity=1,
                is_vat_payer=int(vat_payer),
                bank=bank_name,
                iban=iban(rng, country, bank_code),
            )
        return customer

    def _lines(self, lines, stamp):
        offers = [o for o in self.account.offers.values() if o.get("status") == 1]
        if lines is None:
            available = {o["id"]: None for o in offers}
            if self.state.orders_within_stock:
                available = {o["id"]: estimated_stock(self.account, o) for o in offers}
                offers = [o for o in offers if available[o["id"]] > 0]
            if not offers:
                raise ValueError(
                    f"Account {self.account.username} has no active offer in stock to order"
                )
            picked = self.rng.sample(offers, min(len(offers), self.rng.randint(1, 3)))
            lines = []
            for o in picked:
                quantity = self.rng.choice((1, 1, 1, 2, 3))
                if available[o["id"]] is not None:
                    quantity = min(quantity, available[o["id"]])
                lines.append({"product_id": o["id"], "quantity": quantity})
        built = []
        for spec in lines:
            offer = self.account.offers.get(int(spec["product_id"]))
            if offer is None:
                raise ValueError(f"Unknown offer {spec['product_id']} for {self.account.username}")
            line = make_line(
                self.account,
                offer["id"],
                offer["name"],
                int(spec.get("quantity", 1)),
                spec.get("sale_price", offer["sale_price"]),
                offer_vat_rate(self.account, offer),
                offer,
            )
            line.update(id=self.state.next_id("order_line"), created=stamp, modified=stamp)
            if spec.get("reverse_charge"):
                # Sold to a business of another member state: no VAT, the buyer self-assesses.
                line.update(vat="0.00", reversible_vat_charging=1)
            built.append(line)
        return built

    def _voucher(self, line, stamp):
        """A voucher on the first line: split on it and listed in ``vouchers[]``."""
        split, entry = self._voucher_entries(VOUCHERS[self.account.currency], line["vat"], stamp)
        line["product_voucher_split"].append(split)
        return entry

    def _shipping_voucher(self, order, stamp):
        """A voucher on the shipping fee, listed twice as eMAG does: in
        ``shipping_tax_voucher_split`` and whole in ``vouchers[]`` (same id)."""
        rate = max(Decimal(line["vat"]) for line in order["products"])
        gross = min(Decimal(VOUCHERS[self.account.currency]), Decimal(str(order["shipping_tax"])))
        split, entry = self._voucher_entries(
            gross, str(rate), stamp, name="Transport gratuit", offered_by="emag"
        )
        order["shipping_tax_voucher_split"].append(split)
        order["vouchers"].append(entry)

    def _voucher_entries(self, gross, vat, stamp, name=None, offered_by=None):
        """``(split, vouchers[] entry)`` of one voucher of ``gross`` at ``vat``."""
        net = _net(gross, vat)
        vat_value = Decimal(gross) - net
        voucher_id = self.state.next_id("voucher")
        name = name or self.rng.choice(["Reducere toamnă", "Voucher fidelitate", "Genius cashback"])
        offered_by = offered_by or self.rng.choice(["vendor", "emag"])
        split = {
            "voucher_id": voucher_id,
            "value": money(-net),
            "vat_value": money(-vat_value),
            "vat": vat,
            "offered_by": offered_by,
            "voucher_name": name,
        }
        entry = {
            "id": str(voucher_id),
            "voucher_id": voucher_id,
            "voucher_name": name,
            "sale_price": money(-net),
            "sale_price_vat": money(-vat_value),
            "vat": vat,
            "status": 1,
            "issue_date": stamp[:10],
            "created": stamp,
            "modified": stamp,
        }
        return split, entry

    def build(
        self,
        status=NEW,
        order_type=SELLER,
        payment_mode_id=None,
        b2b=None,
        locker=None,
        lines=None,
        voucher=None,
        shipping_tax=None,
        date=None,
        observation=None,
        shipping_voucher=False,
        cancellation_request=None,
        customer=None,
    ):
        """Return ``(order dict, finalized_at, canceled_at)``; None args are drawn at random.

        ``customer``: fields of the customer block to set over the generated
        ones (``code``, ``is_vat_payer``, ``company``...);

        ``shipping_voucher``: a voucher on the shipping fee, listed both in
        ``shipping_tax_voucher_split`` and in ``vouchers[]``;
        ``cancellation_request``: the customer's request, as eMAG shows it
        (on a new order too)."""
        rng, account = self.rng, self.account
        moment = date or account.now() - timedelta(minutes=rng.randint(1, 90))
        stamp = fmt_datetime(moment)
        # Placed a while ago, it reaches the seller's list now: that is its last
        # modification (what an incremental read filters on). A test giving the
        # date sets the whole timeline itself.
        appeared = stamp if date else fmt_datetime(account.now())
        if payment_mode_id is None:
            payment_mode_id = rng.choices((1, 3, 2), weights=(6, 3, 1))[0]
        b2b = rng.random() < 0.25 if b2b is None else b2b
        locker = rng.random() < 0.2 if locker is None else locker
        voucher = rng.random() < 0.3 if voucher is None else voucher
        if shipping_tax is None:
            shipping_tax = "0" if locker else rng.choice(SHIPPING_TAXES[account.currency])
        products = self._lines(lines, stamp)
        vouchers = [self._voucher(products[0], stamp)] if voucher else []
        payment_mode, detailed = PAYMENT_MODES[payment_mode_id]
        locker_id, locker_name, _network = LOCKERS[account.country_code]
        order = {
            "vendor_name": account.vendor_name,
            "id": self.state.next_id("order"),
            "type": order_type,
            "parent_id": None,
            "date": stamp,
            "created": stamp,
            "modified": appeared,
            "status": status,
            "is_complete": 1,
            "payment_mode": payment_mode,
            "payment_mode_id": payment_mode_id,
            "detailed_payment_method": detailed,
            "delivery_payment_mode": None,
            "delivery_mode": "pickup" if locker else "courier",
            "observation": observation,
            "details": {
                "locker_id": locker_id if locker else None,
                "locker_name": locker_name if locker else None,
                "locker_delivery_eligible": int(locker or rng.random() < 0.5),
                "courier_external_office_id": None,
            },
            "payment_status": 0,
            "cashed_co": None,
            "cashed_cod": 0 if payment_mode_id == 1 else None,
            "currency": account.currency,
            "shipping_tax": float(shipping_tax),
            "shipping_tax_voucher_split": [],
            "customer": dict(self._customer(b2b, stamp, locker), **(customer or {})),
            "products": products,
            "vouchers": vouchers,
            "attachments": [],
            "is_storno": False,
            "refunded_amount": "0",
            "refund_status": None,
            "cancellation_request": None,
            "reason_cancellation": None,
            "has_editable_products": 0,
            "maximum_date_for_shipment": fmt_datetime(
                (moment + timedelta(days=2)).replace(hour=23, minute=59, second=59)
            ),
            "late_shipment": 0,
            "finalization_date": None,
            "proforms": [],
            "flags": [],
            "emag_club": int(rng.random() < 0.3),
            "weekend_delivery": 0,
            "enforced_vendor_courier_accounts": None,
        }
        if shipping_voucher and Decimal(str(shipping_tax)) > 0:
            self._shipping_voucher(order, stamp)
        if cancellation_request:
            order["cancellation_request"] = cancellation_request
        if payment_mode_id == 3:
            order["payment_status"] = 1
            order["cashed_co"] = float(gross_total(order))
        finalized_at = canceled_at = None
        if status == FINALIZED:
            finalized_at = account.now()
            order["finalization_date"] = fmt_datetime(finalized_at)
        if status == CANCELED:
            canceled_at = account.now()
            order["reason_cancellation"] = cancellation_reason(2)
        return order, finalized_at, canceled_at

    def create(self, complete=True, **options):
        """Build an order and store it in the account (announcing it via callbacks).

        ``complete=False``: eMAG is still completing the customer's details
        (``is_complete: 0``, no address yet); :func:`complete_order` fills
        them in later."""
        order, finalized_at, canceled_at = self.build(**options)
        pending = None
        if not complete:
            order["is_complete"] = 0
            pending = {key: order["customer"][key] for key in INCOMPLETE_KEYS}
            order["customer"].update(dict.fromkeys(INCOMPLETE_KEYS, ""))
        record = register_order(self.state, self.account, order, finalized_at, canceled_at)
        record.pending_customer = pending
        return record

    def create_day(self, count, hours=24):
        """``count`` orders spread over the last ``hours``, in a realistic mix of states."""
        now = self.account.now()
        records = []
        for _ in range(count):
            moment = now - timedelta(seconds=self.rng.randint(60, hours * 3600))
            status = self.rng.choices((1, 2, 3, 4, 0), weights=(5, 2, 1, 3, 1))[0]
            order_type = 2 if self.rng.random() < 0.1 else SELLER
            if order_type == 2 and status == 1:
                status = 2  # FBE orders are processed by eMAG and never wait for an ack
            records.append(
                self.create(
                    status=status,
                    order_type=order_type,
                    date=moment,
                    **self._quirks(status, moment),
                )
            )
        return records

    @staticmethod
    def _quirks(status, moment):
        """Shapes of real payloads a day brings now and then: a shipping voucher
        listed twice, a cancellation request on an order still new. Drawn from
        a random source of their own, so the rest of a seeded day stays as it was."""
        quirks = random.Random(f"quirks:{moment.isoformat()}:{status}")
        options = {"shipping_voucher": quirks.random() < 0.05}
        if status == NEW and quirks.random() < 0.02:
            options["cancellation_request"] = "Clientul a solicitat anularea comenzii"
        return options
