# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import api, fields, models

from ..services.returns import sync as rma_sync


class EmagAccount(models.Model):
    """Return settings of an eMAG account and the jobs importing its returns."""

    _inherit = "emag.account"

    rma_lookback_days = fields.Integer(
        string="Returns Read Back (days)",
        default=45,
        help="Each poll reads the returns opened in these last days: eMAG filters returns "
        "by creation date only, so a status change on an older return would be missed.",
    )
    rma_poll_interval = fields.Integer(
        string="Returns Poll Interval (min)",
        default=30,
        help="How often the returns of this account are read from eMAG.",
    )
    rma_checkpoint = fields.Datetime(
        string="Returns Read Until",
        readonly=True,
        copy=False,
        help="End of the last successful returns poll. A poll reads back to it when it is "
        "older than the look-back period (after an outage), so no return is missed.",
    )
    rma_cron_id = fields.Many2one("ir.cron", readonly=True, copy=False, ondelete="set null")
    return_address_id = fields.Many2one(
        "emag.pickup.address",
        string="Return Address",
        domain="[('account_id', '=', id), ('address_type', '=', '1')]",
        help="Address saved on eMAG where return AWBs bring the goods back, when the return "
        "names none of its own. Read with the couriers and addresses of the account.",
    )
    emag_rma_count = fields.Integer(compute="_compute_emag_rma_count")

    _rma_lookback_days_positive = models.Constraint(
        "CHECK(rma_lookback_days > 0)", "Returns must be read back over at least one day."
    )
    _rma_poll_interval_positive = models.Constraint(
        "CHECK(rma_poll_interval > 0)", "The returns poll interval must be at least one minute."
    )

    def _compute_emag_rma_count(self):
        counts = dict(
            self.env["emag.rma"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.emag_rma_count = counts.get(account, 0)

    # ------------------------------------------------------------------- crons

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._sync_rma_cron()
        return accounts

    def write(self, vals):
        result = super().write(vals)
        if {"rma_poll_interval", "active", "name"} & set(vals):
            self._sync_rma_cron()
        return result

    def unlink(self):
        crons = self.sudo().rma_cron_id
        result = super().unlink()
        crons.unlink()
        return result

    def _sync_rma_cron(self):
        """One returns cron per account, like its orders cron: a busy Romanian
        account and a quiet Hungarian one keep their own pace."""
        self._emag_sync_cron(
            "rma_cron_id",
            "rma_poll_interval",
            "_cron_poll_returns",
            lambda account: self.env._("eMAG: read returns of %(account)s", account=account.name),
        )

    def _cron_poll_returns(self):
        """Queue the returns poll of the cron's account."""
        for account in self.filtered("active"):
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
