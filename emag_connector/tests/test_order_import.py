import copy
from decimal import Decimal
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.emag_simulator import gross_total
from ..services.orders.importer import OrderImporter
from ..services.orders.sync import IMPORT_BATCH
from .common import install_language
from .order_common import USERNAME, EmagOrderCase, rounds_unit_prices


@tagged("post_install", "-at_install")
class TestOrderImport(EmagOrderCase):
    def test_fiscal_position_is_the_accounts_never_an_automatic_one(self):
        # An automatic position that would exempt these buyers: the eMAG lines
        # carry the VAT eMAG charged, so it must not be applied to them.
        exemption = self.env["account.fiscal.position"].create(
            {
                "name": "Exempt buyers (automatic)",
                "auto_apply": True,
                "country_id": self.env.ref("base.ro").id,
                "company_id": self.account.company_id.id,
            }
        )
        first = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll(run_ack=False)
        sale_order = self.binding(first).sale_order_id
        self.assertEqual(sale_order.partner_invoice_id.country_id.code, "RO")
        self.assertFalse(sale_order.fiscal_position_id, exemption.name)
        self.assertAlmostEqual(sale_order.amount_total, float(gross_total(first)), places=2)

        oss = self.env["account.fiscal.position"].create(
            {"name": "OSS B2C", "company_id": self.account.company_id.id}
        )
        self.account.fiscal_position_id = oss
        second = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll(run_ack=False)
        self.assertEqual(self.binding(second).sale_order_id.fiscal_position_id, oss)

    def test_new_order_imported_confirmed_then_acknowledged(self):
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 2}, {"product_id": 1002, "quantity": 1}],
            voucher=True,
            shipping_tax="15.99",
            payment_mode_id=1,
            b2b=False,
        )
        with trap_jobs() as trap:
            self.account._emag_poll_orders()
            trap.assert_jobs_count(1, only=self.account._emag_import_orders)
            imports = list(trap.enqueued_jobs)
            trap.enqueued_jobs = []
            for job in imports:
                job.perform()
            # Acknowledging is a job of its own, run after the import commits.
            trap.assert_jobs_count(1, only=self.account._emag_acknowledge_orders)
            self.assertEqual(self.sim_order(order)["status"], 1)
            binding = self.binding(order)
            sale_order = binding.sale_order_id
            self.assertEqual(sale_order.state, "sale")
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(self.sim_order(order)["status"], 2, "acknowledged on eMAG")
        self.assertTrue(binding.acknowledged_at)
        self.assertEqual(binding.emag_status, "2")
        self.assertEqual(binding.state, "imported")
        self.assertIn('"id":', binding.payload)

        self.assertEqual(sale_order.client_order_ref, str(order["id"]))
        self.assertEqual(sale_order.origin, str(order["id"]))
        self.assertEqual(sale_order.team_id, self.account.team_id)
        self.assertEqual(sale_order.pricelist_id, self.account.pricelist_id)
        self.assertEqual(sale_order.currency_id.name, "RON")
        self.assertEqual(sale_order.emag_account_id, self.account)
        self.assertEqual(sale_order.emag_order_id, binding)
        self.assertAlmostEqual(sale_order.amount_total, float(gross_total(order)), places=2)
        product_lines = sale_order.order_line.filtered("emag_line_id")
        self.assertEqual(
            sorted(product_lines.mapped("product_id.default_code")), ["FLT-AC-2", "KT-1700-INOX"]
        )
        kettle = product_lines.filtered(lambda line: line.product_id.default_code == "KT-1700-INOX")
        self.assertEqual(kettle.product_uom_qty, 2)
        # eMAG's net price, written VAT included (see services/orders/importer.py).
        self.assertAlmostEqual(kettle.price_unit, 100.0, places=4)
        self.assertAlmostEqual(kettle.price_subtotal, 165.29, places=2)
        self.assertEqual(kettle.tax_ids.amount, 21)
        self.assertTrue(kettle.tax_ids.price_include)
        # Stock is reserved by the confirmation.
        picking = sale_order.picking_ids
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.location_id.warehouse_id, self.warehouse)

    def test_voucher_and_shipping_lines(self):
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 2}],
            voucher=True,
            shipping_tax="19.99",
        )
        self.poll()
        sale_order = self.binding(order).sale_order_id
        split = order["products"][0]["product_voucher_split"][0]
        voucher = sale_order.order_line.filtered(
            lambda line: line.product_id == self.env.ref("emag_connector.product_emag_voucher")
        )
        self.assertEqual(len(voucher), 1)
        self.assertAlmostEqual(
            voucher.price_unit,
            float(Decimal(split["value"]) + Decimal(split["vat_value"])),
            places=4,
        )
        self.assertLess(voucher.price_unit, 0)
        self.assertEqual(voucher.tax_ids.amount, 21)
        self.assertIn(split["voucher_name"], voucher.name)
        shipping = sale_order.order_line.filtered("is_delivery")
        self.assertEqual(shipping.product_id, self.env.ref("emag_connector.product_emag_shipping"))
        self.assertAlmostEqual(shipping.price_total, 19.99, places=2)
        self.assertAlmostEqual(sale_order.amount_total, float(gross_total(order)), places=2)

    def test_made_tax_and_shipping_line_named_in_each_language(self):
        """An order imported by a job in English reads in Romanian to a Romanian
        user; the shipping line is labelled in the buyer's (platform's) language."""
        install_language(self.env, "ro_RO")
        # A twin an earlier (committing) test left behind would be reused.
        self.env["account.tax"].search([("name", "like", "(eMAG)")]).active = False
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 1}], voucher=False, shipping_tax="19.99"
        )
        self.poll()
        sale_order = self.binding(order).sale_order_id
        self.assertEqual(sale_order.partner_id.lang, "ro_RO")
        tax = sale_order.order_line.filtered("emag_line_id").tax_ids
        self.assertEqual(tax.with_context(lang="en_US").name, "21% VAT included (eMAG)")
        self.assertEqual(tax.with_context(lang="ro_RO").name, "TVA 21% inclus (eMAG)")
        shipping = sale_order.order_line.filtered("is_delivery")
        # One name on the documents: the product's, in the buyer's language.
        self.assertIn(shipping.product_id.with_context(lang="ro_RO").name, shipping.name)
        self.assertIn("Transport eMAG", shipping.name)

    def test_raw_payload_is_for_managers_only(self):
        """eMAG's payload carries the buyer's e-mail and phone."""
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        binding = self.binding(order)
        user = new_test_user(self.env, "emag_payload_user", groups="emag_connector.group_emag_user")
        as_user = binding.with_user(user)
        form = as_user.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="payload"', form)
        with self.assertRaises(AccessError):
            as_user.read(["payload"])
        self.assertEqual(as_user.read(["emag_id"])[0]["emag_id"], binding.emag_id)
        manager = new_test_user(
            self.env, "emag_payload_manager", groups="emag_connector.group_emag_manager"
        )
        form = binding.with_user(manager).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="payload"', form)
        self.assertIn(order["customer"]["email"], binding.with_user(manager).payload)

    def test_two_vat_rates_each_voucher_line_keeps_its_rate(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}], shipping_tax="0")
        payload = copy.deepcopy(self.sim_order(order))
        line = payload["products"][0]
        line["vat"] = "0.09"  # a reduced-rate product
        line["product_voucher_split"] = [
            {"voucher_id": 7, "value": "-5.0000", "vat_value": "-0.4500", "vat": "0.09"},
            {"voucher_id": 8, "value": "-10.0000", "vat_value": "-2.1000", "vat": "0.21"},
        ]
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "imported", binding.message)
        vouchers = binding.sale_order_id.order_line.filtered("emag_voucher_key")
        self.assertEqual(sorted(vouchers.mapped("tax_ids.amount")), [9, 21])
        expected = Decimal("82.6446") * Decimal("1.09") - Decimal("5.45") - Decimal("12.10")
        self.assertAlmostEqual(
            binding.sale_order_id.amount_total, float(round(expected, 2)), places=2
        )

    def test_import_twice_gives_one_sale_order(self):
        order = self.create_order(lines=[{"product_id": 1003, "quantity": 1}])
        self.poll()
        self.poll()
        payload = self.sim_order(order)
        self.import_payload(payload)
        bindings = self.binding(order)
        self.assertEqual(len(bindings), 1)
        self.assertEqual(
            self.env["sale.order"].search_count([("client_order_ref", "=", str(order["id"]))]), 1
        )

    def test_poll_queues_batches_and_leaves_out_reads_already_applied(self):
        orders = [
            self.create_order(lines=[{"product_id": 1001, "quantity": 1}]) for _n in range(23)
        ]
        with trap_jobs() as trap:
            self.account._emag_poll_orders()
            batches = [len(job.args[0]) for job in trap.enqueued_jobs]
            self.assertEqual(sorted(batches), [3, IMPORT_BATCH], "20 orders per import job")
            self.run_jobs(trap)
        self.env.invalidate_all()
        for order in orders:
            self.assertEqual(self.binding(order).sale_order_id.state, "sale")
            self.assertEqual(self.sim_order(order)["status"], 2)
        # The next poll reads them again (overlap): nothing new, nothing queued.
        with trap_jobs() as trap:
            self.account._emag_poll_orders()
            trap.assert_jobs_count(0)
        # A newer read of one of them is queued, alone.
        self.sim.customer_cancel(USERNAME, orders[5]["id"])
        with trap_jobs() as trap:
            self.account._emag_poll_orders()
            trap.assert_jobs_count(1, only=self.account._emag_import_orders)
            self.assertEqual(
                [raw["id"] for raw in trap.enqueued_jobs[0].args[0]], [orders[5]["id"]]
            )
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(self.binding(orders[5]).sale_order_id.state, "cancel")

    def test_batch_parks_the_refused_orders_and_imports_the_others(self):
        good = [self.create_order(lines=[{"product_id": 1002, "quantity": 1}]) for _n in range(3)]
        unknown = self.sim_order(self.create_order(lines=[{"product_id": 1001, "quantity": 1}]))
        unknown["products"][0]["part_number"] = "NOPE"
        # Refused only once the sale orders exist (the total), which sends the
        # whole batch back to one order at a time.
        mismatch = self.sim_order(
            self.create_order(
                lines=[{"product_id": 1001, "quantity": 1}], shipping_tax="0", voucher=False
            )
        )
        mismatch["products"][0].update(sale_price="0.00494", quantity=1000)
        nowhere = self.sim_order(
            self.create_order(b2b=False, lines=[{"product_id": 1002, "quantity": 1}])
        )
        nowhere["customer"]["billing_country"] = "Atlantis"
        payloads = [self.sim_order(good[0]), unknown, self.sim_order(good[1]), mismatch]
        payloads += [nowhere, self.sim_order(good[2])]
        with trap_jobs() as trap:
            self.account._emag_import_orders(payloads)
            trap.assert_jobs_count(1, only=self.account._emag_acknowledge_orders)
        self.env.invalidate_all()
        for order in good:
            binding = self.binding(order)
            self.assertEqual(binding.state, "imported", binding.message)
            self.assertEqual(binding.sale_order_id.state, "sale")
            self.assertEqual(
                self.env["sale.order"].search_count([("client_order_ref", "=", str(order["id"]))]),
                1,
            )
        self.assertIn("NOPE", self.binding(unknown).message)
        self.assertIn("'Atlantis' of the customer is not known", self.binding(nowhere).message)
        refused_orders = [unknown, nowhere]
        if rounds_unit_prices(self.env):
            self.assertIn("differs from the eMAG total", self.binding(mismatch).message)
            refused_orders.append(mismatch)
        else:  # the price is kept as eMAG gave it: eMAG's total, imported
            self.assertEqual(self.binding(mismatch).state, "imported")
            self.assertAlmostEqual(self.binding(mismatch).sale_order_id.amount_total, 5.98, 2)
        for refused in refused_orders:
            self.assertEqual(self.binding(refused).state, "exception")
            self.assertFalse(
                self.env["sale.order"].search([("client_order_ref", "=", str(refused["id"]))])
            )

    def test_unforeseen_error_splits_the_batch_and_fails_only_its_order(self):
        orders = [self.create_order(lines=[{"product_id": 1002, "quantity": 1}]) for _n in range(3)]
        poisoned = str(orders[1]["id"])
        receive = OrderImporter._receive

        def broken_for_one(importer, emag_id, raw, binding):
            if emag_id == poisoned:
                raise KeyError("a bug met by this order only")
            return receive(importer, emag_id, raw, binding)

        with (
            patch.object(OrderImporter, "_receive", broken_for_one),
            trap_jobs() as trap,
            self.assertLogs("odoo.addons.emag_connector.services.orders.sync", "ERROR"),
        ):
            self.account._emag_import_orders([self.sim_order(order) for order in orders])
            self.assertFalse(self.binding(orders[0]), "the batch itself was rolled back")
            trap.assert_jobs_count(3, only=self.account._emag_import_order)
            singles, trap.enqueued_jobs = trap.enqueued_jobs, []
            for job in singles:
                if job.args[0] == poisoned:
                    with self.assertRaises(KeyError):
                        job.perform()
                else:
                    job.perform()
        self.env.invalidate_all()
        self.assertEqual(self.binding(orders[0]).sale_order_id.state, "sale")
        self.assertEqual(self.binding(orders[2]).sale_order_id.state, "sale")
        self.assertFalse(self.binding(orders[1]))

    def test_batch_with_one_new_buyer_twice_makes_one_customer(self):
        first = self.sim_order(
            self.create_order(b2b=False, lines=[{"product_id": 1001, "quantity": 1}])
        )
        second = self.sim_order(
            self.create_order(b2b=False, lines=[{"product_id": 1002, "quantity": 1}])
        )
        second["customer"] = copy.deepcopy(first["customer"])
        # The same order read twice in one batch (two windows): imported once, newest read.
        older = copy.deepcopy(second)
        older["modified"] = "2020-01-01 10:00:00"
        with trap_jobs():
            self.account._emag_import_orders([first, second, older])
        self.env.invalidate_all()
        one, two = self.binding(first).sale_order_id, self.binding(second).sale_order_id
        self.assertEqual(one.partner_id, two.partner_id)
        self.assertEqual(self.binding(second).emag_modified.year, int(second["modified"][:4]))
        self.assertEqual(
            self.env["sale.order"].search_count([("client_order_ref", "=", str(second["id"]))]), 1
        )

    def test_b2c_person_with_invoice_and_delivery_addresses(self):
        order = self.create_order(b2b=False, lines=[{"product_id": 1002, "quantity": 1}])
        self.poll()
        sale_order = self.binding(order).sale_order_id
        customer = order["customer"]
        person = sale_order.partner_id
        self.assertFalse(person.is_company)
        self.assertEqual(person.name, customer["name"])
        self.assertEqual(person.email, customer["email"])
        self.assertEqual(sale_order.partner_invoice_id.type, "invoice")
        self.assertEqual(sale_order.partner_shipping_id.type, "delivery")
        self.assertEqual(sale_order.partner_shipping_id.parent_id, person)
        self.assertEqual(sale_order.partner_shipping_id.phone, customer["shipping_phone"])
        self.assertEqual(sale_order.partner_shipping_id.street, customer["shipping_street"])
        self.assertEqual(sale_order.partner_invoice_id.country_id.code, "RO")
        self.assertTrue(sale_order.partner_invoice_id.state_id)
        # The same buyer ordering again is the same person.
        again = self.create_order(b2b=False, lines=[{"product_id": 1002, "quantity": 1}])
        payload = self.sim_order(again)
        payload["customer"] = dict(customer)
        binding = self.import_payload(payload)
        self.assertEqual(binding.sale_order_id.partner_id, person)

    def test_b2b_company_found_again_by_cui(self):
        order = self.create_order(b2b=True, lines=[{"product_id": 1003, "quantity": 3}])
        payload = self.sim_order(order)
        customer = payload["customer"]
        customer.update(code="RO18547290", is_vat_payer=1, registration_number="J40/1234/2015")
        customer.update(billing_city="Bucuresti, Sectorul 1", billing_suburb="Bucuresti")
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "imported", binding.message)
        company = binding.sale_order_id.partner_id
        self.assertTrue(company.is_company)
        self.assertEqual(company.vat, "RO18547290")
        registry_field = "nrc" if "nrc" in company._fields else "company_registry"
        self.assertEqual(company[registry_field], "J40/1234/2015")
        self.assertEqual(company.name, customer["company"])
        invoice = binding.sale_order_id.partner_invoice_id
        self.assertEqual(invoice.city, "Sector 1", "Bucharest sector kept for e-Factura")
        self.assertEqual(invoice.state_id.code, "B")

        later = self.create_order(b2b=True, lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(later)
        payload["customer"].update(code="18547290", is_vat_payer=1, company="Other spelling SRL")
        again = self.import_payload(payload)
        self.assertEqual(again.sale_order_id.partner_id, company)

    def test_b2b_registration_number_in_the_romanian_nrc_field(self):
        """eMAG's registration_number is the trade-register number, which
        l10n_ro keeps in ``nrc`` (shown on its invoices and e-Factura)."""
        order = self.create_order(b2b=True, lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["customer"].update(code="RO18547290", registration_number="J12/345/2010")
        company = self.import_payload(payload).sale_order_id.partner_id
        if "nrc" in company._fields:
            self.assertEqual(company.nrc, "J12/345/2010")
            self.assertNotEqual(company.company_registry, "J12/345/2010")
        else:
            self.assertEqual(company.company_registry, "J12/345/2010")

    def test_b2b_not_vat_payer_has_no_ro_prefix(self):
        order = self.create_order(b2b=True, lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["customer"].update(code="18547290", is_vat_payer=0)
        binding = self.import_payload(payload)
        self.assertEqual(binding.sale_order_id.partner_id.vat, "18547290")

    def test_b2b_invalid_cui_is_parked(self):
        order = self.create_order(b2b=True, lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["customer"].update(code="RO18547291", is_vat_payer=1)
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "exception")
        self.assertIn("not a valid Romanian CUI", binding.message)
        self.assertFalse(binding.sale_order_id)

    def test_fbe_order_uses_fbe_warehouse_and_is_never_acknowledged(self):
        self.account.fbe_warehouse_id = self.fbe_warehouse
        order = self.create_order(
            order_type=2, status=2, lines=[{"product_id": 1001, "quantity": 1}]
        )
        self.sim.clear_received()
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.order_type, "fbe")
        self.assertEqual(binding.sale_order_id.warehouse_id, self.fbe_warehouse)
        self.assertEqual(binding.sale_order_id.state, "sale")
        self.assertFalse(self.sim.received(route="order/acknowledge"))
        self.assertFalse(binding.allowed_statuses, "FBE orders cannot be changed by the seller")

    def test_unknown_part_number_parks_then_retry_imports(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["products"][0]["part_number"] = "NEW-SKU-9"
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "exception")
        self.assertIn("NEW-SKU-9", binding.message)
        self.assertFalse(binding.sale_order_id)
        self.assertFalse(
            self.env["sale.order"].search([("client_order_ref", "=", str(order["id"]))])
        )

        self.products["KT-1700-INOX"].default_code = "NEW-SKU-9"
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "imported")
        self.assertFalse(binding.message)
        self.assertEqual(binding.sale_order_id.state, "sale")

    def test_parked_order_reads_in_the_reader_language(self):
        """The import job parks the order in English; a Romanian user reads why
        in Romanian, an English one in English."""
        install_language(self.env, "ro_RO")
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["products"][0]["part_number"] = "NEW-SKU-9"
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "exception")
        english, romanian = binding.with_context(lang="en_US"), binding.with_context(lang="ro_RO")
        self.assertIn("Unknown part number NEW-SKU-9: no product is offered", english.message)
        self.assertIn("Part number necunoscut NEW-SKU-9: niciun produs", romanian.message)
        # A person's plain words replace the reason in every language.
        binding.write({"message": "Read again."})
        self.assertEqual(romanian.message, "Read again.")
        self.assertEqual(english.message, "Read again.")

    def test_retry_button_reads_the_order_again(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["products"][0]["part_number"] = "NOPE"
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "exception")
        with trap_jobs() as trap:
            binding.action_retry()
            trap.assert_jobs_count(1, only=self.account._emag_import_order)
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(binding.state, "imported")
        self.assertEqual(self.sim_order(order)["status"], 2)

    def test_net_prices_with_four_decimals_total_to_the_cent(self):
        """eMAG adds up unrounded gross amounts and rounds once: 50.405 net at
        21% is 60.99 for eMAG, where a net line rounded by Odoo, per line or per
        tax, is 50.41 + 10.59 = 61.00."""
        for method in ("round_per_line", "round_globally"):
            with self.subTest(method):
                self.env.company.tax_calculation_rounding_method = method
                order = self.create_order(
                    lines=[{"product_id": 1001, "quantity": 1}], shipping_tax="0", voucher=False
                )
                payload = self.sim_order(order)
                payload["products"][0]["sale_price"] = "50.4050"
                self.assertEqual(gross_total(payload), Decimal("60.99"))
                binding = self.import_payload(payload)
                self.assertEqual(binding.state, "imported", binding.message)
                self.assertAlmostEqual(binding.sale_order_id.amount_total, 60.99, places=2)

    def test_large_quantity_of_inexact_gross_price_totals_to_the_cent(self):
        """82.6446 net is 99.999966 gross: 500 of them are 49,999.98 for eMAG,
        which the net lines give where whole-cent gross lines would give 50,000."""
        for method in ("round_per_line", "round_globally"):
            with self.subTest(method):
                self.env.company.tax_calculation_rounding_method = method
                order = self.create_order(
                    lines=[{"product_id": 1001, "quantity": 500}], shipping_tax="0", voucher=False
                )
                binding = self.import_payload(self.sim_order(order))
                self.assertEqual(binding.state, "imported", binding.message)
                self.assertAlmostEqual(binding.sale_order_id.amount_total, 49999.98, places=2)

    def test_total_mismatch_is_flagged_not_guessed(self):
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 1}], shipping_tax="0", voucher=False
        )
        payload = self.sim_order(order)
        # A price finer than Odoo's four decimals: eMAG totals 1000 * 0.00494 *
        # 1.21 = 5.98; Odoo can only write 6.00 (gross) or 5.93 (net). It must
        # not pick the nearest one.
        payload["products"][0].update(sale_price="0.00494", quantity=1000)
        binding = self.import_payload(payload)
        if not rounds_unit_prices(self.env):
            # Odoo keeps the price as eMAG gave it: nothing to guess, eMAG's total.
            self.assertEqual(binding.state, "imported", binding.message)
            self.assertAlmostEqual(binding.sale_order_id.amount_total, 5.98, places=2)
            return
        self.assertEqual(binding.state, "exception")
        self.assertIn("differs from the eMAG total 5.98", binding.message)
        self.assertFalse(binding.sale_order_id)

    def test_order_canceled_before_import_is_recorded_without_sale_order(self):
        order = self.create_order(status=0, lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.state, "canceled")
        self.assertFalse(binding.sale_order_id)

    def test_poll_advances_checkpoint_only_after_success(self):
        self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.assertFalse(self.account.order_checkpoint)
        self.sim.add_fault("error", route="order/read", status=502)
        with trap_jobs() as trap, self.assertRaises(RetryableJobError):
            self.account._emag_poll_orders()
        self.assertFalse(self.account.order_checkpoint)
        self.assertEqual(trap.jobs_count(), 0)
        self.sim.clear_faults()
        self.poll()
        self.assertTrue(self.account.order_checkpoint)

    def test_sweep_imports_missing_orders(self):
        first = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        # Orders that no poll saw (lost callback, lost checkpoint...).
        missed = [self.create_order(lines=[{"product_id": 1002, "quantity": 1}]) for _i in range(2)]
        sweep_log = "odoo.addons.emag_connector.services.orders.sync"
        with trap_jobs() as trap, self.assertLogs(sweep_log, "WARNING"):
            queued = self.account._emag_sweep_orders()
            self.assertEqual(sorted(queued), sorted(str(o["id"]) for o in missed))
            self.run_jobs(trap)
        self.env.invalidate_all()
        for order in [first, *missed]:
            self.assertEqual(len(self.binding(order).sale_order_id), 1)
            self.assertEqual(self.sim_order(order)["status"], 2)

    def test_unacknowledged_alarm(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll(run_ack=False)
        binding = self.binding(order)
        self.account.order_ack_alarm_minutes = 30
        binding.flush_recordset()
        self.env.cr.execute(
            "UPDATE emag_order SET create_date = now() at time zone 'UTC' - interval '2 hours' "
            "WHERE id = %s",
            (binding.id,),
        )
        self.env.invalidate_all()
        with trap_jobs() as trap:
            self.env["emag.account"]._cron_order_alarms()
            self.assertTrue(binding.ack_overdue)
            self.assertTrue(binding.activity_ids)
            # The same cron queues the acknowledgement that was left behind.
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(self.sim_order(order)["status"], 2)
        self.assertFalse(binding.ack_overdue)
        self.assertTrue(self.env["emag.order"].search_count([("ack_overdue", "=", False)]))
        self.assertEqual(USERNAME, self.sim.received(route="order/acknowledge")[-1].username)
