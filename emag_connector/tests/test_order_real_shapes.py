"""eMAG payloads as they really come (issue 16) and what the seller sees of
them (issue 15): a voucher listed twice, an order eMAG has not completed, a
cancellation request on an order still new, eMAG's order date, partner names."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from unittest.mock import patch
from zoneinfo import ZoneInfo

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.emag_api import PLATFORMS
from ..services.fulfilment.awb import amount_due
from ..services.operations.exception_report import collect
from ..services.orders import status as order_status
from ..services.orders.figures import read_figures
from ..services.orders.payload import Order, parse_order
from .common import install_language
from .order_common import USERNAME, EmagOrderCase

BUCHAREST = ZoneInfo("Europe/Bucharest")


@tagged("post_install", "-at_install")
class TestVoucherListedTwice(EmagOrderCase):
    def _order_with_shipping_voucher(self):
        # 24.79 of goods + 15.99 of shipping, of which a 10.00 shipping voucher.
        order = self.create_order(
            lines=[{"product_id": 1002, "quantity": 1, "sale_price": "20.4876"}],
            voucher=False,
            shipping_tax="15.99",
            shipping_voucher=True,
            payment_mode_id=1,
        )
        split = order["shipping_tax_voucher_split"][0]
        self.assertEqual([v["voucher_id"] for v in order["vouchers"]], [split["voucher_id"]])
        return order

    def test_sale_order_invoice_and_cod_count_the_voucher_once(self):
        order = self._order_with_shipping_voucher()
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.state, "imported", binding.message)
        sale_order = binding.sale_order_id
        # 20.4876 * 1.21 = 24.79; + 15.99 - 10.00 = 30.78 (was 20.78: the
        # voucher was taken off twice).
        self.assertAlmostEqual(sale_order.amount_total, 30.78, places=2)
        voucher_product = self.env.ref("emag_connector.product_emag_voucher")
        vouchers = sale_order.order_line.filtered(lambda line: line.product_id == voucher_product)
        self.assertEqual(len(vouchers), 1)
        self.assertAlmostEqual(vouchers.price_total, -10.0, places=2)
        self.assertEqual(binding.emag_total, 30.78)
        # What the courier collects on the AWB (cash on delivery).
        raw = self.sim_order(order)
        cod = amount_due(raw, parse_order(raw, PLATFORMS["emag_ro"]).gross_total())
        self.assertEqual(cod, Decimal("30.78"))
        self.assertEqual(read_figures(raw).cod, cod)

    def test_total_check_reads_emag_figures_independently_of_the_importer(self):
        # Had the importer counted a voucher twice again, the check, which
        # reads eMAG's figures on its own, parks the order with both totals.
        order = self._order_with_shipping_voucher()
        doubled = Order.voucher_parts

        def count_twice(self_order):
            return doubled(self_order) + list(self_order.order_vouchers)

        with patch.object(Order, "voucher_parts", count_twice):
            binding = self.import_payload(self.sim_order(order))
        self.assertEqual(binding.state, "exception")
        self.assertIn("differs from the eMAG total 30.78", binding.message)
        self.assertFalse(binding.sale_order_id)


@tagged("post_install", "-at_install")
class TestIncompleteOrder(EmagOrderCase):
    def test_waits_unacknowledged_until_emag_completes_it(self):
        install_language(self.env, "ro_RO")
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}], complete=False)
        self.assertEqual(order["is_complete"], 0)
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.state, "exception")
        self.assertIn("still completing the customer's details", binding.message)
        romanian = binding.with_context(lang="ro_RO").message
        self.assertIn("eMAG încă completează datele clientului", romanian)
        self.assertFalse(binding.sale_order_id)
        self.assertEqual(self.sim_order(order)["status"], 1, "not acknowledged")
        self.assertFalse(self.sim.received(route="order/acknowledge"))
        report = [line for line in collect(self.env, self.account) if line.record == binding]
        self.assertIn("still completing", " ".join(line.message for line in report))

        # The next poll reads it again although eMAG did not report it modified.
        self.sim.clear_received()
        self.poll()
        self.assertTrue(self.sim.received(route="order/read"))
        self.assertEqual(self.binding(order).state, "exception")

        self.sim.complete_order(USERNAME, order["id"])
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.state, "imported", binding.message)
        self.assertEqual(binding.sale_order_id.state, "sale")
        self.assertTrue(binding.sale_order_id.partner_invoice_id.street)
        self.assertEqual(self.sim_order(order)["status"], 2, "acknowledged once complete")


@tagged("post_install", "-at_install")
class TestCancellationRequestOnNewOrder(EmagOrderCase):
    def test_acknowledged_then_canceled_on_emag(self):
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 1}],
            cancellation_request="Clientul a solicitat anularea comenzii",
        )
        self.assertEqual(order["status"], 1)
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.sale_order_id.state, "cancel")
        remote = self.sim_order(order)
        self.assertEqual(remote["status"], 0, "canceled on eMAG")
        self.assertEqual(remote["reason_cancellation"]["id"], order_status.CUSTOMER_REQUEST_REASON)
        routes = [
            r.route for r in self.sim.received() if r.route in ("order/acknowledge", "order/save")
        ]
        self.assertEqual(routes[0], "order/acknowledge", "acknowledged before the cancellation")
        self.assertIn("order/save", routes)
        self.assertEqual(binding.emag_status, "0")
        self.assertTrue(binding.acknowledged_at)
        self.assertNotEqual(binding.state, "exception", binding.message)

    def test_request_arriving_on_an_imported_new_order(self):
        order = self.create_order(lines=[{"product_id": 1002, "quantity": 1}])
        self.poll(run_ack=False)
        self.sim.customer_cancel(USERNAME, order["id"], request=True)
        self.assertEqual(self.sim_order(order)["status"], 1)
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.sale_order_id.state, "cancel")
        self.assertEqual(self.sim_order(order)["status"], 0)
        self.assertNotEqual(binding.state, "exception", binding.message)


@tagged("post_install", "-at_install")
class TestOrderDateAndPartnerNames(EmagOrderCase):
    def test_sale_order_date_is_emags_order_date(self):
        # Placed two hours ago, Bucharest time; Odoo keeps UTC.
        placed = datetime.now(BUCHAREST).replace(microsecond=0) - timedelta(hours=2)
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 1}], date=placed.replace(tzinfo=None)
        )
        self.poll()
        sale_order = self.binding(order).sale_order_id
        self.assertEqual(sale_order.state, "sale")
        self.assertEqual(
            sale_order.date_order, placed.astimezone(timezone.utc).replace(tzinfo=None)
        )

    def test_invoice_and_delivery_addresses_do_not_repeat_the_name(self):
        person = self.create_order(b2b=False, lines=[{"product_id": 1002, "quantity": 1}])
        company = self.create_order(b2b=True, lines=[{"product_id": 1002, "quantity": 1}])
        self.poll()
        for order in (person, company):
            sale_order = self.binding(order).sale_order_id
            name = sale_order.partner_id.name
            for child in sale_order.partner_invoice_id | sale_order.partner_shipping_id:
                self.assertNotIn(f"{name}, {name}", child.display_name)
                self.assertTrue(child.display_name.startswith(f"{name}, "))
        # A company's delivery contact is a person of its own: named.
        delivery = self.binding(company).sale_order_id.partner_shipping_id
        self.assertEqual(delivery.name, company["customer"]["shipping_contact"])


@tagged("post_install", "-at_install")
class TestPayloadRefusalsInTheUsersLanguage(EmagOrderCase):
    def test_a_refused_order_reads_in_romanian(self):
        self.env["res.lang"]._activate_lang("ro_RO")
        self.env["ir.module.module"].search([("name", "=", "emag_connector")])._update_translations(
            ["ro_RO"]
        )
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["products"][0]["quantity"] = -1
        with trap_jobs():
            self.account.with_context(lang="ro_RO")._emag_import_order(str(order["id"]), payload)
        binding = self.binding(order)
        self.assertEqual(binding.state, "exception")
        self.assertEqual(
            binding.with_context(lang="ro_RO").message,
            "Linia de produs 1 (KT-1700-INOX): cantitatea -1 nu este validă.",
        )
        # The same refusal for an English-speaking user, whatever the job's language.
        self.assertEqual(
            binding.with_context(lang="en_US").message,
            "Product line 1 (KT-1700-INOX): the quantity -1 is not valid.",
        )
        english = self.import_payload(payload)
        self.assertEqual(
            english.with_context(lang="ro_RO").message,
            "Linia de produs 1 (KT-1700-INOX): cantitatea -1 nu este validă.",
        )
