# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import dataclasses

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from ..services.buyers import gate as buyer_gate
from ..services.common import labels
from ..services.orders import status as order_status
from ..services.orders.importer import dump_payload
from ..services.orders.sync import awaiting_acknowledgement_domain, push_status

_lt = LazyTranslate(__name__)


class EmagOrder(models.Model):
    """The link between one eMAG order and its Odoo sale order.

    It keeps what eMAG last said about the order (status, modification time,
    the raw payload for audit) and, when the order could not be imported or
    needs a person, the reason in plain words with a Retry button.
    """

    _name = "emag.order"
    _description = "eMAG Order"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "emag_date desc, id desc"
    _rec_name = "emag_id"

    account_id = fields.Many2one(
        "emag.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="account_id.currency_id")
    emag_id = fields.Char(string="eMAG Order", required=True, readonly=True, index=True)
    order_type = fields.Selection(
        [("seller", "Seller-fulfilled"), ("fbe", "Fulfilled by eMAG")],
        default="seller",
        readonly=True,
    )
    emag_status = fields.Selection(
        order_status.STATUS_SELECTION, string="eMAG Status", readonly=True, tracking=True
    )
    emag_date = fields.Datetime(string="Ordered On", readonly=True)
    emag_modified = fields.Datetime(string="Last Modified on eMAG", readonly=True)
    emag_finalized_at = fields.Datetime(string="Finalized On", readonly=True)
    emag_canceled_at = fields.Datetime(string="Canceled On", readonly=True)
    emag_total = fields.Monetary(string="eMAG Total", readonly=True)
    cancellation_request = fields.Char(readonly=True)
    emag_incomplete = fields.Boolean(
        string="Incomplete on eMAG",
        readonly=True,
        help="eMAG is still completing the customer's details: the order waits, "
        "unacknowledged, and is read again at every poll.",
    )
    # eMAG's raw answer carries the buyer's e-mail, phone and addresses.
    payload = fields.Text(
        string="Last Payload", readonly=True, groups="emag_connector.group_emag_manager"
    )
    sale_order_id = fields.Many2one("sale.order", readonly=True, index=True, ondelete="set null")
    state = fields.Selection(
        [
            ("imported", "Imported"),
            ("exception", "Exception"),
            ("canceled", "Canceled Before Import"),
        ],
        default="imported",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    message = fields.Text(readonly=True, translate=True)
    acknowledged_at = fields.Datetime(readonly=True, copy=False)
    ack_overdue = fields.Boolean(
        string="Acknowledgement Overdue",
        readonly=True,
        help="Not acknowledged on eMAG longer than the account allows.",
    )
    allowed_statuses = fields.Char(
        string="Allowed Status Changes",
        compute="_compute_allowed_statuses",
        help="Status changes eMAG accepts for this order now (transition matrix).",
    )
    can_set_prepared = fields.Boolean(compute="_compute_allowed_statuses")

    _account_emag_id_unique = models.Constraint(
        "UNIQUE(account_id, emag_id)", "This eMAG order is already linked to an Odoo order."
    )

    @api.depends("emag_status", "emag_finalized_at", "emag_canceled_at", "order_type")
    def _compute_allowed_statuses(self):
        for binding in self:
            allowed = binding._emag_allowed_statuses()
            binding.allowed_statuses = ", ".join(
                order_status.status_label(self.env, s) for s in allowed
            )
            binding.can_set_prepared = order_status.PREPARED in allowed

    # ------------------------------------------------------------------ rules

    def _emag_timing(self, now=None):
        # An empty Datetime field reads False; the matrix speaks of unknown as None.
        return {
            "now": now or fields.Datetime.now(),
            "finalized_at": self.emag_finalized_at or None,
            "canceled_at": self.emag_canceled_at or None,
            "return_period_days": self.account_id.return_period_days,
        }

    def _emag_allowed_statuses(self):
        self.ensure_one()
        if self.order_type != "seller" or not self.emag_status:
            return []
        return order_status.allowed_statuses(int(self.emag_status), **self._emag_timing())

    def _emag_check_transition(self, status, current=None, now=None, automatic=False):
        """The matrix's verdict on moving this order to ``status`` (FBE: never).

        :param automatic: the change is Odoo's own, not a person's: it may
            only move the order forward (``order_status.check_automatic``)
        """
        self.ensure_one()
        if self.order_type != "seller":
            return order_status.Verdict(
                False, reason=self.env._("eMAG does not let sellers change FBE orders.")
            )
        if current is None:
            if not self.emag_status:
                # Unset reads False, and int(False) would be "canceled" (0).
                return order_status.Verdict(
                    False,
                    reason=self.env._(
                        "The order's status on eMAG is not known yet: read the order again "
                        "from eMAG."
                    ),
                )
            current = int(self.emag_status)
        if automatic:
            verdict = order_status.check_automatic(
                current,
                status,
                delivery_validated=self._emag_delivery_validated(),
                **self._emag_timing(now),
            )
        else:
            verdict = order_status.check_transition(current, status, **self._emag_timing(now))
        if verdict.refusal:
            verdict = dataclasses.replace(verdict, reason=order_status.explain(self.env, verdict))
        return verdict

    def _emag_delivery_validated(self):
        return any(
            picking.state == "done" and picking.picking_type_code == "outgoing"
            for picking in self.sudo().sale_order_id.picking_ids
        )

    def _emag_needs_acknowledgement(self):
        return bool(self.filtered_domain(awaiting_acknowledgement_domain()))

    # ------------------------------------------------------------------ state

    def _emag_store_payload(self, order, raw):
        """Remember what eMAG said about the order in this read."""
        values = self._emag_payload_values(order, raw)
        if order.status == order_status.CANCELED and not self.emag_canceled_at:
            values["emag_canceled_at"] = order.modified
        elif order.status != order_status.CANCELED:
            values["emag_canceled_at"] = False
        if order.status != order_status.NEW and not self.acknowledged_at:
            values["ack_overdue"] = False
        self.write(values)

    @api.model
    def _emag_payload_values(self, order, raw):
        return {
            "order_type": "fbe" if order.order_type == 2 else "seller",
            "emag_status": str(order.status),
            "emag_date": order.date,
            "emag_modified": order.modified,
            "emag_finalized_at": order.finalized_at,
            "emag_total": float(order.gross_total()),
            "cancellation_request": order.cancellation_request or False,
            "emag_incomplete": not order.complete,
            "payload": dump_payload(raw),
        }

    def _emag_park(self, message, raw=None):
        """The order cannot go further: show why and wait for Retry.

        :param message: a deferred text (``services/common/labels.py``), stored in
            every language
        """
        values = {"state": "exception", "message": message}
        if raw is not None:
            values["payload"] = dump_payload(raw)
        self.write(values)

    def write(self, vals):
        message = vals.get("message")
        if not message or self.env.context.get(labels.WRITING_TRANSLATIONS):
            return super().write(vals)
        # Read by people of every language, whoever wrote it: a deferred text
        # is said in each installed language, a plain one replaces them all.
        result = super().write(dict(vals, message=labels.render(self.env, message)))
        labels.write_translated(self, "message", message)
        return result

    def _emag_flag(self, message):
        """A case for a person: exception state and a to-do on the sale order.

        :param message: a deferred text; the to-do reads it in the job's language
        """
        text = labels.render(self.env, message)
        if self.state == "exception" and self.message == text:
            return
        self._emag_park(message)
        target = self.sale_order_id or self
        target.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("eMAG order %(order)s needs attention", order=self.emag_id),
            note=text,
            user_id=self._emag_responsible().id,
        )

    def _emag_responsible(self):
        return self.sale_order_id.user_id or self.account_id.team_id.user_id or self.env.user

    def _emag_raise_ack_alarm(self):
        self.ack_overdue = True
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("eMAG order %(order)s is not acknowledged", order=self.emag_id),
            note=self.message
            or self.env._("Import or confirm it, then it is acknowledged on eMAG automatically."),
            user_id=self._emag_responsible().id,
        )

    # ------------------------------------------------------------- status push

    def _emag_request_status(self, status, reason=None, automatic=False):
        """Queue a status change for eMAG when the matrix allows it now
        (``automatic``: see :meth:`_emag_check_transition`)."""
        for binding in self:
            verdict = binding._emag_check_transition(status, automatic=automatic)
            if verdict.noop:
                continue
            if not verdict.allowed:
                binding._emag_flag(
                    _lt("Not sent to eMAG: %(reason)s", reason=order_status.reason_text(verdict))
                )
                continue
            binding.with_delay(
                identity_key=f"emag-order-status:{binding.id}:{status}",
                description=self.env._(
                    "eMAG order %(order)s: set status %(status)s",
                    order=binding.emag_id,
                    status=order_status.status_label(self.env, status),
                ),
            )._emag_push_status(status, reason, automatic)

    def _emag_push_status(self, status, reason=None, automatic=False):
        """Job: send one status change to eMAG (see ``services.orders.sync``)."""
        self.ensure_one()
        return push_status(self, status, reason, automatic=automatic)

    # ---------------------------------------------------------------- actions

    def action_retry(self):
        """Read the order from eMAG again and import or update it; a problem
        that is still there parks the order again."""
        self.filtered(lambda b: b.state == "exception" and b.sale_order_id).write(
            {"state": "imported", "message": False}
        )
        # Held for its buyer: the registry is asked again (the check parks it again if need be).
        buyer_gate.recheck_held(self)
        for binding in self:
            binding.account_id._emag_enqueue_import(binding.emag_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("The eMAG order will be read again in a moment."),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_set_prepared(self):
        self._emag_request_status(order_status.PREPARED)

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }
