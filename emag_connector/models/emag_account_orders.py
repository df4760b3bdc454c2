# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import secrets

from odoo import SUPERUSER_ID, api, fields, models

from ..services.orders import sync as order_sync
from .emag_account import MANAGER_GROUP


def _new_token():
    return secrets.token_urlsafe(32)


class EmagAccount(models.Model):
    """Order settings of an eMAG account and the jobs moving its orders."""

    _inherit = "emag.account"

    order_checkpoint = fields.Datetime(
        string="Orders Read Until",
        readonly=True,
        copy=False,
        help="Orders modified after this moment are read at the next poll (minus a "
        "safety overlap). It only moves when a poll succeeded.",
    )
    order_callback_token = fields.Char(
        string="Callback Token",
        groups=MANAGER_GROUP,
        copy=False,
        default=lambda self: _new_token(),
        help="Secret part of the callback URL given to eMAG.",
    )
    order_callback_url = fields.Char(
        string="Order Callback URL",
        compute="_compute_order_callback_url",
        groups=MANAGER_GROUP,
        help="Give this URL to eMAG (seller area > API settings) for the new-order and "
        "order-cancellation callbacks.",
    )
    order_cron_id = fields.Many2one("ir.cron", readonly=True, copy=False, ondelete="set null")
    order_prepared_trigger = fields.Selection(
        [
            ("picked", "When the delivery is picked"),
            ("done", "When the delivery is validated"),
        ],
        string="Mark Prepared",
        default="picked",
        required=True,
        help="When orders are marked prepared (status 3) on eMAG.",
    )
    order_ack_alarm_minutes = fields.Integer(
        string="Acknowledgement Alarm (min)",
        default=60,
        help="Orders not acknowledged on eMAG after this many minutes get a to-do.",
    )
    order_sweep_days = fields.Integer(
        string="Missed-Order Sweep (days)",
        default=3,
        help="The daily sweep compares the orders of these last days on eMAG with Odoo's.",
    )
    return_period_days = fields.Integer(
        default=30,
        help="Customer return period on this platform; eMAG accepts 'returned' up to "
        "5 days after it.",
    )
    emag_order_count = fields.Integer(compute="_compute_emag_order_count")

    _order_sweep_days_positive = models.Constraint(
        "CHECK(order_sweep_days > 0)", "The missed-order sweep must cover at least one day."
    )

    @api.depends("order_callback_token")
    def _compute_order_callback_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            account.order_callback_url = (
                f"{base}/emag/callback/{account.order_callback_token}"
                if account.order_callback_token
                else False
            )

    def _compute_emag_order_count(self):
        counts = dict(
            self.env["emag.order"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.emag_order_count = counts.get(account, 0)

    # ------------------------------------------------------------------- crons

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._sync_order_cron()
        return accounts

    def write(self, vals):
        result = super().write(vals)
        if {"order_poll_interval", "active", "name"} & set(vals):
            self._sync_order_cron()
        return result

    def unlink(self):
        crons = self.sudo().order_cron_id
        result = super().unlink()
        crons.unlink()
        return result

    def _sync_order_cron(self):
        """One poll cron per account, every ``order_poll_interval`` minutes."""
        self._emag_sync_cron(
            "order_cron_id",
            "order_poll_interval",
            "_cron_poll_orders",
            lambda account: self.env._("eMAG: read orders of %(account)s", account=account.name),
        )

    def _cron_poll_orders(self):
        for account in self.filtered("active"):
            account.with_company(account.company_id).with_delay(
                identity_key=f"emag-order-poll:{account.id}",
                description=self.env._("eMAG: read orders of %(a)s", a=account.name),
            )._emag_poll_orders()

    @api.model
    def _cron_sweep_orders(self):
        """Daily: look for orders eMAG has and Odoo does not."""
        for account in self.search([]):
            account.with_company(account.company_id).with_delay(
                identity_key=f"emag-order-sweep:{account.id}",
                description=self.env._("eMAG: sweep missed orders of %(a)s", a=account.name),
            )._emag_sweep_orders()

    @api.model
    def _cron_order_alarms(self):
        """Acknowledge what is left confirmed and unacknowledged; raise the alarm
        for orders waiting too long."""
        for account in self.search([]):
            account._emag_enqueue_acknowledge()
        order_sync.flag_unacknowledged(self.env)

    # -------------------------------------------------------------------- jobs

    def _emag_enqueue_import(self, emag_id, raw=None):
        """Queue the import of one order. With a payload the job uses it (the
        modification time is part of the key, so a newer one is queued too);
        without, the job reads the order from eMAG."""
        self.ensure_one()
        version = (raw.get("modified") if isinstance(raw, dict) else None) or "read"
        if raw is not None and not isinstance(raw, dict):
            raw = {"unreadable": repr(raw)}
        return (
            self.with_company(self.company_id)
            .with_delay(
                identity_key=f"emag-order-import:{self.id}:{emag_id}:{version}",
                description=self.env._("eMAG: import order %(order)s", order=emag_id),
            )
            ._emag_import_order(str(emag_id), raw)
        )

    def _emag_enqueue_imports(self, payloads):
        """Queue the import of a batch of order payloads in one job. The key
        names every order and modification time in it: the same reads queued
        twice make one job."""
        self.ensure_one()
        payloads = [raw if isinstance(raw, dict) else {"unreadable": repr(raw)} for raw in payloads]
        versions = sorted(f"{raw.get('id')}@{raw.get('modified')}" for raw in payloads)
        digest = hashlib.sha256("|".join(versions).encode()).hexdigest()[:32]
        return (
            self.with_company(self.company_id)
            .with_delay(
                identity_key=f"emag-order-import-batch:{self.id}:{digest}",
                description=self.env._(
                    "eMAG: import %(count)s orders of %(a)s", count=len(payloads), a=self.name
                ),
            )
            ._emag_import_orders(payloads)
        )

    def _emag_enqueue_acknowledge(self, eta=None):
        self.ensure_one()
        return (
            self.with_company(self.company_id)
            .with_delay(
                eta=eta,
                identity_key=f"emag-order-ack:{self.id}",
                description=self.env._("eMAG: acknowledge orders of %(a)s", a=self.name),
            )
            ._emag_acknowledge_orders()
        )

    def _emag_poll_orders(self):
        """Job: queue the orders created or modified since the checkpoint."""
        return order_sync.poll_orders(self)

    def _emag_import_order(self, emag_id, raw=None):
        """Job: import or update one order."""
        order_sync.import_order(self, emag_id, raw)

    def _emag_import_orders(self, payloads):
        """Job: import or update a batch of orders read by a poll or a sweep."""
        order_sync.import_orders(self, payloads)

    def _emag_acknowledge_orders(self):
        """Job: acknowledge the confirmed orders eMAG still shows as new."""
        return order_sync.acknowledge_pending(self)

    def _emag_sweep_orders(self):
        """Job: import what the last days on eMAG have and Odoo does not."""
        return order_sync.sweep_missed_orders(self)

    # ----------------------------------------------------------------- actions

    @api.model
    def _emag_from_callback_token(self, token):
        """The active account whose callback URL carries ``token``, or none.

        eMAG's callbacks carry no credentials: the unguessable token in the
        URL is the only proof of origin, so short tokens are not even looked up.
        """
        if not token or len(token) < 32:
            return self.browse()
        return self.with_user(SUPERUSER_ID).search(
            [("order_callback_token", "=", token), ("active", "=", True)], limit=1
        )

    def action_regenerate_callback_token(self):
        self.order_callback_token = _new_token()

    def action_view_emag_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("emag_connector.emag_order_action")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def action_sync_orders_now(self):
        """Queue a poll now (the button of the account form)."""
        self._cron_poll_orders()

    @api.model
    def _emag_ensure_price_digits(self):
        """eMAG's net prices have four decimals: a coarser "Product Price"
        precision would round them and Odoo's totals would drift from eMAG's."""
        precision = self.env.ref("product.decimal_price")
        if precision.digits < 4:
            precision.digits = 4
