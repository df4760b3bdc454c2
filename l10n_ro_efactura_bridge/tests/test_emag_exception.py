# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""e-Factura in the eMAG exception report, and ANAF's calls in the API log:
built through the eMAG and ANAF simulators."""

from datetime import datetime, time, timedelta

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.anaf_simulator import DEFAULT_CLIENT_SECRET
from .emag_common import EmagFulfilmentEfacturaCase


@tagged("post_install", "-at_install")
class TestEmagExceptionEfactura(EmagFulfilmentEfacturaCase):
    def report(self, now=None):
        self.env["emag.exception"]._refresh(now=now)
        return self.env["emag.exception"].search([("account_id", "=", self.account.id)])

    def line_of(self, lines, record, kind):
        return lines.filtered(
            lambda line: (line.res_model, line.res_id, line.kind) == (record._name, record.id, kind)
        )

    def shipped_invoice(self, binding=None):
        """An eMAG order shipped and invoiced; its e-Factura jobs run until ANAF answered,
        then the delivery's steps until they rest."""
        if binding is None:
            _order, binding = self.imported_order()
        with trap_jobs() as trap:
            fulfilment = self.validate(self.delivery(binding))
            self._run_pipeline_until_it_rests(trap)
            self._run_efactura(trap)
            self._run_pipeline_until_it_rests(trap)
        self.env.invalidate_all()
        return fulfilment, fulfilment.invoice_id

    def test_rejected_invoice_reported_until_accepted(self):
        self.simulator.force_verdict(
            "nok", errors=[("R6.1", "CIF-ul cumparatorului nu figureaza in baza de date")]
        )
        _fulfilment, invoice = self.shipped_invoice()
        self.assertEqual(invoice.l10n_ro_efb_state, "rejected")

        line = self.line_of(self.report(), invoice, "efactura_rejected")
        self.assertEqual(line.severity, "error")
        self.assertEqual(line.account_id, self.account)
        self.assertIn("CIF-ul cumparatorului nu figureaza", line.message)
        self.assertEqual(line.action_label, "Fix the invoice, then Send again")
        self.assertEqual(line.action_method, "action_l10n_ro_efb_open", "a Next action button")
        self.assertFalse(self.line_of(self.report(), invoice, "efactura_invalid"))
        self.assertEqual(
            (self.account.dashboard_efactura_rejected, self.account.dashboard_efactura_to_fix),
            (1, 0),
        )
        opened = line.action_run_next()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("account.move", invoice.id))

        self._send(invoice)  # fixed at ANAF's side: the next verdict is its own
        self._assert_accepted(invoice)
        self.assertFalse(self.line_of(self.report(), invoice, "efactura_rejected"))

    def test_invoice_stopped_by_our_checks_is_not_rejected_by_anaf(self):
        _order, binding = self.imported_order()
        # Core's builder stops a buyer without a street before any ANAF call.
        binding.sale_order_id.partner_invoice_id.street = False
        fulfilment, invoice = self.shipped_invoice(binding)
        self.assertEqual(invoice.l10n_ro_efb_state, "invalid", invoice.l10n_ro_efb_message)
        self.assertEqual(self.simulator.uploads(), [], "ANAF never saw it")

        # The dashboard counts it apart from ANAF's rejections.
        self.assertEqual(
            (self.account.dashboard_efactura_rejected, self.account.dashboard_efactura_to_fix),
            (0, 1),
        )
        # The exception report: a line of its own, with a Next action.
        lines = self.report()
        self.assertFalse(self.line_of(lines, invoice, "efactura_rejected"))
        line = self.line_of(lines, invoice, "efactura_invalid")
        self.assertEqual(line.severity, "error")
        self.assertTrue(line.message.startswith("Not sent to ANAF:"), line.message)
        self.assertEqual(line.action_label, "Fix the problems found, then Send again")
        self.assertEqual(line.action_method, "action_l10n_ro_efb_open")
        opened = line.action_run_next()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("account.move", invoice.id))
        # The delivery held for it says that ANAF never saw it, and so does the invoice.
        self.assertEqual(fulfilment.state, "failed")
        self.assertEqual(self.step_states(fulfilment)["attach"], "failed")
        for text in (fulfilment.status_message, self.delivery_message(fulfilment)):
            self.assertIn("Not sent to ANAF: our checks found problems", text)
            self.assertNotIn("refused", text)
            self.assertNotIn("rejected", text)
        self.assertIn("Not sent to ANAF", invoice.l10n_ro_efb_next_action)

    def delivery_message(self, fulfilment):
        return fulfilment.picking_id.emag_fulfilment_message

    def test_invoice_blocked_by_spv_rights_reported_until_resumed(self):
        # The token's holder has SPV rights on another CIF only.
        self.simulator.cifs = {"99999999"}
        self.addCleanup(setattr, self.simulator, "cifs", None)
        _fulfilment, invoice = self.shipped_invoice()
        self.assertEqual(invoice.l10n_ro_efb_state, "unauthorized")

        lines = self.report()
        line = self.line_of(lines, invoice, "efactura_unauthorized")
        self.assertEqual(line.severity, "error")
        self.assertIn("Nu aveti drept in SPV", line.message)
        self.assertEqual(line.action_label, "Fix the ANAF authorisation, then Retry")
        self.assertFalse(self.line_of(lines, invoice, "efactura_rejected"), "not a rejection")
        self.assertEqual(self.account.dashboard_efactura_rejected, 0, "not rejected by ANAF")
        self.assertEqual(self.account.dashboard_efactura_blocked, 1)

        self.simulator.cifs = None  # rights granted in SPV
        with trap_jobs() as trap:
            line.action_run_next()
            self._drain(trap)
        self._assert_accepted(invoice)
        self.assertFalse(self.line_of(self.report(), invoice, "efactura_unauthorized"))

    def test_invoice_not_accepted_by_its_deadline(self):
        self.simulator.set_fault("stareMesaj", "http_error", status=500, count=None)
        _fulfilment, invoice = self.shipped_invoice()
        self.assertEqual(invoice.l10n_ro_efb_state, "waiting")
        deadline = invoice.l10n_ro_efb_deadline
        self.assertFalse(self.line_of(self.report(), invoice, "efactura_late"), "in time")

        after = datetime.combine(deadline + timedelta(days=1), time(9))
        line = self.line_of(self.report(after), invoice, "efactura_late")
        self.assertEqual(line.severity, "error")
        self.assertIn("Not accepted by ANAF by its deadline", line.message)
        self.assertEqual(line.action_method, "action_l10n_ro_efb_retry")

        self.simulator.clear_faults()
        with trap_jobs() as trap:
            line.action_run_next()
            self._drain(trap)
        self._assert_accepted(invoice)
        self.assertFalse(self.line_of(self.report(after), invoice, "efactura_late"))

    def test_anaf_calls_logged_without_secrets(self):
        secrets = {
            self.company.l10n_ro_edi_access_token,
            self.company.l10n_ro_edi_refresh_token,
            DEFAULT_CLIENT_SECRET,
        }
        self.shipped_invoice()

        logs = self.env["emag.api.log"].search(
            [("service", "=", "anaf"), ("company_id", "=", self.company.id)]
        )
        self.assertTrue({"stareMesaj", "descarcare"} <= set(logs.mapped("route")))
        self.assertTrue({"upload", "uploadb2c"} & set(logs.mapped("route")), "the upload is logged")
        self.assertTrue(all(log.duration_ms >= 0 and log.http_status for log in logs))
        self.assertIn("***", "".join(logs.mapped("request_body")), "the bearer token is masked")
        for secret in secrets:
            self.assertTrue(secret)
            for field in ("request_body", "response_body"):
                self.assertFalse(
                    self.env["emag.api.log"].search_count([(field, "ilike", secret)]),
                    f"a secret is in the API log's {field}",
                )
