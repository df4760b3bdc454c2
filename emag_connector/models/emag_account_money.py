# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..services.money import setup as money_setup
from ..services.money.payments import PaymentSettler
from ..services.money.vendor_bills import VendorBillImporter


class EmagAccount(models.Model):
    """Money settings of an eMAG account: where eMAG's payments are booked."""

    _inherit = "emag.account"

    money_journal_id = fields.Many2one(
        "account.journal",
        string="Clearing Journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        check_company=True,
        help="Journal of the payments eMAG collects for you (cards, cash on delivery) and "
        "pays back (refunds). Made with the first payment when empty.",
    )
    money_clearing_account_id = fields.Many2one(
        "account.account",
        string="eMAG Owes You",
        check_company=True,
        help="Account of what eMAG collected and still owes you; eMAG's payout, once in the "
        "bank, settles it. Used as the outstanding account of the clearing journal.",
    )
    money_cod_days = fields.Integer(
        string="COD Cashed Within (days)",
        default=10,
        help="A cash-on-delivery order finalized longer ago and still not cashed by eMAG "
        "appears in the exception report.",
    )
    money_card_days = fields.Integer(
        string="Card Paid Within (days)",
        default=2,
        help="A card order placed longer ago and still not paid appears in the exception report.",
    )

    money_post_bills = fields.Boolean(
        string="Post eMAG Invoices",
        default=True,
        help="Post eMAG's invoices as soon as they are booked, and net them through the "
        "clearing journal (eMAG keeps them from the payout). Off: they wait as drafts.",
    )
    money_invoice_checkpoint = fields.Date(
        string="eMAG Invoices Read Until",
        readonly=True,
        copy=False,
        help="Day of the last complete read of eMAG's invoices; the next read starts a day "
        "earlier.",
    )
    emag_invoice_category_ids = fields.One2many(
        "emag.invoice.category", "account_id", string="eMAG Invoice Categories"
    )

    _money_days_positive = models.Constraint(
        "CHECK(money_cod_days > 0 AND money_card_days > 0)",
        "Payment delays must be at least one day.",
    )

    def action_setup_money(self):
        """Make the clearing journal and account now (they are made with the
        first payment otherwise), to review them before going live."""
        for account in self:
            money_setup.ensure_clearing(account.with_company(account.company_id))
        return True

    def action_open_payout(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("eMAG Payout"),
            "res_model": "emag.payout",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    # -------------------------------------------------------------------- jobs

    def _emag_enqueue_settle_payments(self):
        self.ensure_one()
        return (
            self.with_company(self.company_id)
            .with_delay(
                identity_key=f"emag-money-settle:{self.id}",
                description=self.env._("eMAG: register the payments of %(a)s", a=self.name),
            )
            ._emag_settle_payments()
        )

    def _emag_settle_payments(self):
        """Job: register eMAG's payments and refunds of the pending orders."""
        left = PaymentSettler(self).settle_pending()
        if left:
            self._emag_enqueue_settle_payments()
        return left

    def _emag_enqueue_vendor_bills(self):
        self.ensure_one()
        return (
            self.with_company(self.company_id)
            .with_delay(
                identity_key=f"emag-money-bills:{self.id}",
                description=self.env._("eMAG: book the eMAG invoices of %(a)s", a=self.name),
            )
            ._emag_import_vendor_bills()
        )

    def _emag_import_vendor_bills(self):
        """Job: book eMAG's invoices since the checkpoint as vendor bills."""
        return VendorBillImporter(self).poll()

    def _cron_import_vendor_bills(self):
        for account in self.search([]):
            account._emag_enqueue_vendor_bills()

    def action_import_vendor_bills(self):
        for account in self:
            account._emag_enqueue_vendor_bills()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("eMAG's invoices will be read in a moment."),
                "type": "info",
            },
        }

    def _emag_enqueue_settle_if_pending(self):
        if self.env["emag.order"].search_count(
            [("account_id", "=", self.id), ("money_pending", "=", True)], limit=1
        ):
            self._emag_enqueue_settle_payments()

    def _emag_import_order(self, emag_id, raw=None):
        result = super()._emag_import_order(emag_id, raw)
        self._emag_enqueue_settle_if_pending()
        return result

    def _emag_import_orders(self, payloads):
        result = super()._emag_import_orders(payloads)
        self._emag_enqueue_settle_if_pending()
        return result
