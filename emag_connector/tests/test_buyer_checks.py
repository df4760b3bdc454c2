"""Buyers checked at the source, against the registries' sandbox on loopback:
ANAF's VAT registry for Romanian companies, VIES for other EU VAT numbers."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.registry_simulator import RegistrySimulator
from ..services.operations import exception_report
from .fulfilment_common import EmagFulfilmentCase

CUI = "18547290"
BG_VAT = "BG175074752"
CHECK = "_emag_check_buyer"
# A Bulgarian company buying on eMAG: its address in Sofia, from eMAG's localities.
BG_CUSTOMER = {
    "company": "ТЕХНОМАРКЕТ ЕООД",
    "billing_name": "ТЕХНОМАРКЕТ ЕООД",
    "code": BG_VAT,
    "is_vat_payer": 1,
    "registration_number": "175074752",
    **{
        f"{side}_{key}": value
        for side in ("billing", "shipping")
        for key, value in {
            "country": "BG",
            "suburb": "Sofia-grad",
            "city": "Sofia",
            "locality_id": 2101,
            "postal_code": "1000",
        }.items()
    },
}


@tagged("post_install", "-at_install")
class TestBuyerChecks(EmagFulfilmentCase):
    def setUp(self):
        super().setUp()
        self.registries = RegistrySimulator().start()
        self.addCleanup(self.registries.stop)
        self.env.company.write(
            {
                "emag_buyer_check": "import",
                "emag_buyer_cache_days": 30,
                "emag_anaf_registry_url": self.registries.anaf_url,
                "emag_vies_wsdl_url": self.registries.vies_wsdl_url,
            }
        )
        self.registries.add_company(
            CUI,
            "REGISTRU COMERCIAL SRL",
            vat_payer=True,
            efactura=True,
            street="Str. Memorandumului",
            number="28",
            city="Cluj-Napoca",
            county="CLUJ",
            county_code="CJ",
            zip="400114",
            nr_reg="J12/345/2010",
        )

    # ---------------------------------------------------------------- helpers

    def import_b2b(self, customer=None, lines=None):
        """Import a company's order; return ``(binding, queued check jobs)``."""
        order = self.create_order(
            b2b=True,
            voucher=False,
            payment_mode_id=1,
            lines=lines or [{"product_id": 1001, "quantity": 1}],
            customer=dict({"code": CUI, "is_vat_payer": 1}, **(customer or {})),
        )
        calls = dict(self.registries.calls)
        with trap_jobs() as trap:
            self.account._emag_import_order(str(order["id"]), self.sim_order(order))
            checks = [job for job in trap.enqueued_jobs if job.method_name == CHECK]
        self.assertEqual(self.registries.calls, calls, "no registry call inside the import")
        binding = self.binding(order)
        self.assertTrue(binding.sale_order_id, binding.message)
        return binding, checks

    def perform(self, jobs):
        for job in jobs:
            with self.env.cr.savepoint():
                job.perform()
        self.env.invalidate_all()

    def buyer(self, binding):
        return binding.sale_order_id.partner_id.commercial_partner_id

    def run_until_rest(self, picking):
        """Validate and run the pipeline one step at a time until it stops or waits."""
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            for _step in range(10):
                self.run_one_step(trap)
                if fulfilment.state != "running":
                    break
        return fulfilment

    # ------------------------------------------------------------------ ANAF

    def test_wrong_vat_payer_flag_corrected_from_anaf(self):
        binding, checks = self.import_b2b({"is_vat_payer": 0, "company": "Registru srl (typed)"})
        buyer = self.buyer(binding)
        self.assertEqual(buyer.vat, CUI, "as the buyer ticked it: no prefix")
        delivery = binding.sale_order_id.partner_shipping_id
        delivery_street = delivery.street
        self.assertEqual(len(checks), 1)
        self.perform(checks)
        self.assertEqual(buyer.vat, f"RO{CUI}", "ANAF says VAT payer: the RO prefix")
        self.assertEqual(buyer.name, "REGISTRU COMERCIAL SRL")
        self.assertEqual(buyer.street, "Str. Memorandumului 28")
        self.assertEqual(
            (buyer.city, buyer.zip, buyer.state_id.code), ("Cluj-Napoca", "400114", "CJ")
        )
        self.assertEqual(delivery.street, delivery_street, "the delivery address is kept apart")
        registry_field = "nrc" if "nrc" in buyer._fields else "company_registry"
        self.assertEqual(buyer[registry_field], "J12/345/2010")
        self.assertEqual(buyer.emag_registry_state, "confirmed")
        self.assertTrue(buyer.emag_registry_vat_payer and buyer.emag_registry_efactura)
        self.assertIn("is a VAT payer", " ".join(buyer.message_ids.mapped("body")))
        self.assertEqual(binding.state, "imported")

    def test_not_a_vat_payer_loses_the_prefix(self):
        self.registries.add_company(CUI, "MICA FIRMA SRL", vat_payer=False)
        binding, checks = self.import_b2b({"code": f"RO{CUI}", "is_vat_payer": 1})
        self.perform(checks)
        self.assertEqual(self.buyer(binding).vat, CUI)

    def test_answer_cached_for_its_lifetime(self):
        binding, checks = self.import_b2b()
        self.perform(checks)
        self.assertEqual(self.registries.calls["anaf"], 1)
        _again, checks = self.import_b2b()
        self.assertEqual(checks, [], "a fresh answer is not asked again")
        buyer = self.buyer(binding)
        buyer.emag_registry_checked_at = fields.Datetime.now() - timedelta(days=31)
        _later, checks = self.import_b2b()
        self.assertEqual(len(checks), 1, "an answer older than 30 days is asked again")
        self.perform(checks)
        self.assertEqual(self.registries.calls["anaf"], 2)

    def test_unknown_cui_parks_the_order_until_the_registry_knows_it(self):
        binding, checks = self.import_b2b({"code": "14399840"})
        self.perform(checks)
        self.assertEqual(binding.state, "exception")
        self.assertIn("does not know the fiscal code 14399840", binding.message)
        lines = exception_report.collect(self.env, self.account)
        self.assertIn(binding, [line.record for line in lines if line.kind == "order_exception"])
        self.registries.add_company("14399840", "DANTE INTERNATIONAL SA")
        with trap_jobs() as trap:
            binding.action_retry()
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(binding.state, "imported", binding.message)
        self.assertEqual(self.buyer(binding).name, "DANTE INTERNATIONAL SA")

    def test_inactive_taxpayer_parks_the_order(self):
        self.registries.add_company(CUI, "INACTIVA SRL", inactive=True)
        binding, checks = self.import_b2b()
        self.perform(checks)
        self.assertEqual(binding.state, "exception")
        self.assertIn("inactive taxpayer", binding.message)
        self.assertEqual(self.buyer(binding).emag_registry_state, "inactive")

    def test_registry_down_retries_and_never_parks(self):
        for kind in ("down", "html", "rate_limited"):
            self.registries.add_fault("anaf", kind)
        binding, checks = self.import_b2b({"is_vat_payer": 0})
        for _attempt in range(3):
            with self.assertRaises(RetryableJobError), self.env.cr.savepoint():
                checks[0].perform()
        self.env.invalidate_all()
        self.assertEqual(binding.state, "imported", "the buyer did nothing wrong")
        self.assertFalse(self.buyer(binding).emag_registry_state)
        self.perform(checks)
        self.assertEqual(self.buyer(binding).vat, f"RO{CUI}")

    def test_setting_off_or_before_invoicing_checks_nothing_on_import(self):
        for setting in ("off", "invoice"):
            self.env.company.emag_buyer_check = setting
            _binding, checks = self.import_b2b()
            self.assertEqual(checks, [], setting)

    def test_check_again_button_queues_a_job(self):
        binding, checks = self.import_b2b()
        self.perform(checks)
        buyer = self.buyer(binding)
        with trap_jobs() as trap:
            buyer.action_emag_check_buyer()
            self.assertEqual(self.registries.calls["anaf"], 1, "never inside the click")
            trap.assert_jobs_count(1, only=buyer._emag_check_buyer)
            self.perform(trap.enqueued_jobs)
        self.assertEqual(self.registries.calls["anaf"], 2, "asked again despite a fresh answer")

    # ---------------------------------------------------- before invoicing

    def test_before_invoicing_only_fixes_the_prefix_before_the_invoice(self):
        self.env.company.emag_buyer_check = "invoice"
        binding, _checks = self.import_b2b({"is_vat_payer": 0})
        self.acknowledge()
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertTrue(fulfilment.invoice_id, fulfilment.message)
        self.assertEqual(fulfilment.invoice_id.commercial_partner_id.vat, f"RO{CUI}")
        self.assertEqual(self.registries.calls["anaf"], 1)

    def test_reverse_charge_for_a_buyer_vies_does_not_confirm_waits(self):
        binding, checks = self.import_b2b(
            BG_CUSTOMER, lines=[{"product_id": 1001, "quantity": 1, "reverse_charge": True}]
        )
        self.perform(checks)
        buyer = self.buyer(binding)
        self.assertEqual((buyer.country_id.code, buyer.vat), ("BG", BG_VAT))
        self.assertEqual(buyer.emag_registry_state, "not_confirmed")
        self.assertIn(
            "VIES does not confirm the VAT number BG175074752", buyer.emag_registry_message
        )
        self.assertEqual(binding.state, "imported", "held at invoicing, not at import")
        self.acknowledge()
        fulfilment = self.run_until_rest(self.delivery(binding))
        self.assertEqual(fulfilment.state, "failed")
        self.assertEqual(fulfilment._current_step().code, "invoice")
        self.assertFalse(fulfilment.invoice_id)
        self.assertIn("reverse charge", fulfilment.message)
        self.assertIn("VIES does not confirm", fulfilment.message)
        lines = exception_report.collect(self.env, self.account)
        self.assertIn(fulfilment, [line.record for line in lines if line.kind == "fulfilment"])
        # The buyer sends a valid number: Check Again releases the invoice.
        self.registries.add_vat_number(BG_VAT, True, "TEHNOMARKET EOOD", "ul. Vitosha 15, Sofia")
        with trap_jobs() as trap:
            buyer.action_emag_check_buyer()
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(buyer.emag_registry_state, "confirmed")
        self.assertTrue(fulfilment.invoice_id, fulfilment.message)

    def test_vies_member_state_unavailable_waits_and_is_not_the_buyers_fault(self):
        self.env.company.emag_buyer_check = "invoice"
        self.registries.unavailable_states = {"BG"}
        binding, _checks = self.import_b2b(
            BG_CUSTOMER, lines=[{"product_id": 1001, "quantity": 1, "reverse_charge": True}]
        )
        self.acknowledge()
        fulfilment = self.run_until_rest(self.delivery(binding))
        self.assertEqual(fulfilment.state, "waiting")
        self.assertIn("MS_UNAVAILABLE", fulfilment.message)
        self.assertFalse(self.buyer(binding).emag_registry_state)
        self.assertEqual(binding.state, "imported")
