# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..services import rma_sync


class EmagAccount(models.Model):
    """Return settings of an eMAG account and the jobs importing its returns."""

    _inherit = "emag.account"

    rma_lookback_days = fields.Integer(
        string="Returns Read Back (days)",
        default=45,
        help="Each poll reads the returns opened in these last days: eMAG filters returns "
        "by creation date only, so a status change on an older return would be missed.",
    )
    return_locality_id = fields.Integer(
        string="Return Address Locality (eMAG id)",
        help="eMAG locality id of the address returned goods are sent to; needed to issue "
        "return AWBs (see locality/read).",
    )
    return_street = fields.Char(
        string="Return Address Street",
        help="Street of the return address for return AWBs; the warehouse address when empty.",
    )
    emag_rma_count = fields.Integer(compute="_compute_emag_rma_count")

    _rma_lookback_days_positive = models.Constraint(
        "CHECK(rma_lookback_days > 0)", "Returns must be read back over at least one day."
    )

    def _compute_emag_rma_count(self):
        counts = dict(
            self.env["emag.rma"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.emag_rma_count = counts.get(account, 0)

    @api.model
    def _cron_poll_returns(self):
        """Queue one returns poll per active account."""
        for account in self.search([]):
            account._emag_enqueue_rma_poll()

    def _emag_enqueue_rma_poll(self):
        self.ensure_one()
        return (
            self.with_company(self.company_id)
            .with_delay(
                identity_key=f"emag-rma-poll:{self.id}",
                description=self.env._("eMAG: read returns of %(a)s", a=self.name),
            )
            ._emag_poll_returns()
        )

    def _emag_enqueue_rma_import(self, emag_id, raw=None):
        """Queue the import of one return; without a payload the job reads it."""
        self.ensure_one()
        version = rma_sync.payload_version(raw)
        return (
            self.with_company(self.company_id)
            .with_delay(
                identity_key=f"emag-rma-import:{self.id}:{emag_id}:{version}",
                description=self.env._("eMAG: import return %(rma)s", rma=emag_id),
            )
            ._emag_import_rma(str(emag_id), raw)
        )

    def _emag_enqueue_rma_import_for_order(self, order_id):
        self.ensure_one()
        return (
            self.with_company(self.company_id)
            .with_delay(
                identity_key=f"emag-rma-order:{self.id}:{order_id}",
                description=self.env._("eMAG: read returns of order %(o)s", o=order_id),
            )
            ._emag_import_order_rmas(str(order_id))
        )

    def _emag_poll_returns(self):
        """Job: queue the returns that are new or changed on eMAG."""
        return rma_sync.poll_returns(self)

    def _emag_import_rma(self, emag_id, raw=None):
        """Job: import or update one return."""
        return rma_sync.import_rma(self, emag_id, raw)

    def _emag_import_order_rmas(self, order_id):
        """Job: import the returns of one eMAG order (callback without return id)."""
        return rma_sync.import_order_rmas(self, order_id)

    def action_sync_returns_now(self):
        """Queue a returns poll now (the button of the account form)."""
        for account in self:
            account._emag_enqueue_rma_poll()

    def action_view_emag_returns(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("emag_connector.emag_rma_action")
        action["domain"] = [("account_id", "=", self.id)]
        return action
