"""A corpus of malformed or odd order payloads: each is imported correctly or
parked with a reason a person can act on; none is lost, none crashes the job."""

import copy

from odoo.tests import tagged

from .order_common import EmagOrderCase


def _set(path, value):
    """A mutation setting ``payload[path...] = value`` (``None`` path parts index lists)."""

    def mutate(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return payload

    return mutate


def _delete(*path):
    def mutate(payload):
        target = payload
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return payload

    return mutate


def _line(key, value):
    return _set(("products", 0, key), value)


def _customer(**values):
    def mutate(payload):
        payload["customer"].update(values)
        return payload

    return mutate


def _replace(value):
    return lambda payload: value


def _numbers_as_strings(payload):
    payload["id"] = str(payload["id"])
    payload["status"] = str(payload["status"])
    line = payload["products"][0]
    line.update(quantity="1", sale_price=float(line["sale_price"]), vat="21", id=str(line["id"]))
    payload["shipping_tax"] = str(payload["shipping_tax"])
    return payload


def _indexed_object_lists(payload):
    payload["products"] = {"0": payload["products"][0]}
    payload["vouchers"] = {}
    return payload


def _canceled_line_added(payload):
    extra = copy.deepcopy(payload["products"][0])
    extra.update(id=extra["id"] + 1, status=0, quantity=0, part_number="GONE-SKU")
    payload["products"].append(extra)
    return payload


def _no_shipping_address(payload):
    for key in list(payload["customer"]):
        if key.startswith("shipping_") and key not in ("shipping_contact", "shipping_phone"):
            del payload["customer"][key]
    return payload


def _voucher_without_amount(payload):
    payload["products"][0]["product_voucher_split"] = [{"voucher_id": 1, "vat": "0.21"}]
    return payload


# (name, mutation, expected: None = imported, or a text the parked reason contains)
CORPUS = [
    ("numbers as strings, VAT as percent", _numbers_as_strings, None),
    ("details as empty list", _set(("details",), []), None),
    ("empty customer e-mail", _customer(email=""), None),
    (
        "diacritics and Cyrillic",
        _customer(name="Ștefan Țăranu-Brâncoveanu", billing_name="Иван Петров"),
        None,
    ),
    ("lists sent as indexed objects", _indexed_object_lists, None),
    ("cancellation reason as object", _set(("reason_cancellation",), {"id": 1, "name": "x"}), None),
    ("country by name", _customer(billing_country="Romania", shipping_country="Romania"), None),
    (
        "county without diacritics",
        _customer(billing_suburb="Timis", billing_city="Timisoara"),
        None,
    ),
    ("county with prefix", _customer(billing_suburb="Judetul Cluj"), None),
    (
        "Bucharest sector without county",
        _customer(billing_suburb="", billing_city="Sector 2", billing_locality_id=None),
        None,
    ),
    (
        "unknown county text, known locality id",
        _customer(billing_suburb="Jud. necunoscut", billing_locality_id=1234),
        None,
    ),
    ("no shipping address: billing used", _no_shipping_address, None),
    ("VAT as float fraction", _line("vat", 0.21), None),
    ("payment mode null", _set(("payment_mode_id",), None), None),
    ("modification time missing", _delete("modified"), None),
    ("large but plausible quantity", _line("quantity", 500), None),
    ("voucher split null", _line("product_voucher_split", None), None),
    ("unknown extra keys", _set(("brand_new_field",), {"nested": [1, 2]}), None),
    (
        "phones as typed",
        _customer(phone_1="+40 (722) 000-111", billing_phone="+40 722 000 111"),
        None,
    ),
    ("canceled line with unknown SKU", _canceled_line_added, None),
    ("VAT with spaces", _line("vat", " 0.21 "), None),
    ("payload is a list", _replace([1, 2, 3]), "is not an object"),
    ("order id missing", _delete("id"), "no valid order number"),
    ("order id not a number", _set(("id",), "abc"), "not a whole number"),
    ("unknown order type", _set(("type",), 7), "Unknown order type"),
    ("unknown status", _set(("status",), 9), "Unknown order status"),
    ("products missing", _delete("products"), "no active product line"),
    ("products empty", _set(("products",), []), "no active product line"),
    ("products not a list", _set(("products",), "abc"), "not a list"),
    ("part number only as ext_part_number", _line("part_number", ""), None),
    (
        "line without part number",
        lambda p: _line("ext_part_number", None)(_line("part_number", "")(p)),
        "has no part number",
    ),
    ("unknown part number", _line("part_number", "NO-SUCH-SKU"), "Unknown part number NO-SUCH-SKU"),
    ("quantity not a number", _line("quantity", "abc"), "not a whole number"),
    ("quantity zero on an active line", _line("quantity", 0), "is not valid"),
    ("negative quantity", _line("quantity", -1), "is not valid"),
    ("huge quantity", _line("quantity", 10**7), "implausible"),
    ("price not a number", _line("sale_price", "12,3,4"), "not an amount"),
    ("negative price", _line("sale_price", "-5"), "is not valid"),
    ("VAT missing", _line("vat", None), "VAT rate"),
    ("customer missing", _delete("customer"), "no customer name"),
    ("customer not an object", _set(("customer",), "Ion"), "not an object"),
    ("unknown country", _customer(billing_country="Atlantis"), "country"),
    (
        "county unknown without locality",
        _customer(billing_suburb="Nowhere", billing_locality_id=None, billing_city="Nowhere"),
        "cannot be matched",
    ),
    ("other currency", _set(("currency",), "EUR"), "account works in"),
    ("date not a date", _set(("date",), "yesterday"), "not a date"),
    ("company without fiscal code", _customer(legal_entity=1, code=""), "no fiscal code"),
    ("legal entity flag odd", _customer(legal_entity="maybe"), "not 0 or 1"),
    ("negative shipping fee", _set(("shipping_tax",), -3), "negative"),
    ("voucher without amount", _voucher_without_amount, "has no amount"),
]


@tagged("post_install", "-at_install")
class TestOrderCorpus(EmagOrderCase):
    def test_corpus(self):
        self.assertGreaterEqual(len(CORPUS), 30)
        base = self.create_order(
            lines=[{"product_id": 1001, "quantity": 1}], b2b=False, voucher=False
        )
        for number, (name, mutate, expected) in enumerate(CORPUS, 1):
            with self.subTest(name):
                payload = mutate(copy.deepcopy(base))
                if isinstance(payload, dict) and "id" in payload and expected is None:
                    payload["id"] = str(int(payload["id"]) + number)
                emag_id = f"9{number:04d}"
                binding = self.import_payload(payload, emag_id=emag_id)
                self.assertEqual(len(binding), 1, "one binding, nothing dropped")
                if expected is None:
                    self.assertEqual(binding.state, "imported", binding.message)
                    self.assertEqual(binding.sale_order_id.state, "sale")
                    self.assertAlmostEqual(
                        binding.sale_order_id.amount_total, binding.emag_total, places=2
                    )
                else:
                    self.assertEqual(binding.state, "exception")
                    self.assertIn(expected, binding.message)
                    self.assertNotIn("Traceback", binding.message)
                    self.assertFalse(binding.sale_order_id)
                    self.assertTrue(binding.payload, "the payload is kept for audit")
