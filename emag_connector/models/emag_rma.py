# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services.common import labels
from ..services.returns import receipt as rma_receipt
from ..services.returns import status as rma_status
from ..services.returns import sync as rma_sync
from ..services.returns.payload import PICKUP_METHODS, REPLACEMENT_TYPES, RETURN_TYPES


class EmagRma(models.Model):
    """One eMAG return request (RMA) and what Odoo did with it.

    It keeps what eMAG last said (status, products, reason, pickup), links
    the return to the eMAG order, the sale order and the delivery the goods
    left with, and carries the progress of the receipt: return picking,
    credit note, the order update on eMAG. A return that cannot be processed
    waits in exception with the reason in plain words and a Retry button.
    """

    _name = "emag.rma"
    _description = "eMAG Return"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "emag_date desc, id desc"
    _rec_name = "emag_id"

    account_id = fields.Many2one(
        "emag.account", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    emag_id = fields.Char(string="eMAG Return", required=True, readonly=True, index=True)
    order_emag_id = fields.Char(string="eMAG Order Number", readonly=True, index=True)
    emag_order_id = fields.Many2one("emag.order", string="eMAG Order", readonly=True, index=True)
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, index="btree_not_null", ondelete="set null"
    )
    delivery_picking_ids = fields.Many2many(
        "stock.picking",
        "emag_rma_delivery_picking_rel",
        "rma_id",
        "picking_id",
        string="Original Deliveries",
        readonly=True,
    )
    return_picking_ids = fields.One2many(
        "stock.picking", "emag_rma_id", string="Return Pickings", readonly=True
    )
    return_picking_count = fields.Integer(compute="_compute_return_picking_count")
    rma_type = fields.Selection(
        [("seller", "Seller-fulfilled"), ("fbe", "Fulfilled by eMAG")],
        string="Type",
        default="seller",
        readonly=True,
    )
    emag_status = fields.Selection(
        rma_status.STATUS_SELECTION, string="eMAG Status", readonly=True, tracking=True
    )
    emag_date = fields.Datetime(string="Requested On", readonly=True)
    return_type = fields.Selection(
        [(str(code), label) for code, label in RETURN_TYPES.items()],
        string="Customer Wants",
        readonly=True,
    )
    replacement_offer_id = fields.Char(
        string="Replacement Offer (seller id)",
        readonly=True,
        help="The product eMAG names for a replacement with another product (return type 2).",
    )
    replacement_name = fields.Char(string="Replacement Product", readonly=True)
    replacement_quantity = fields.Integer(readonly=True)
    replacement_picking_ids = fields.One2many(
        "stock.picking",
        "emag_replacement_rma_id",
        string="Replacement Deliveries",
        readonly=True,
    )
    replacement_awb_number = fields.Char(string="Replacement AWB", readonly=True, copy=False)
    replacement_awb_emag_id = fields.Char(readonly=True, copy=False)
    replacement_awb_reservation_id = fields.Char(readonly=True, copy=False)
    replacement_awb_known = fields.Char(
        readonly=True,
        copy=False,
        help="AWB reservations eMAG listed on the return before the replacement's AWB was "
        "asked for: they are not the replacement's.",
    )
    return_reason = fields.Integer(string="Reason Code", readonly=True)
    return_reason_label = fields.Char(string="Reason", readonly=True, translate=True)
    observations = fields.Text(readonly=True)
    customer_name = fields.Char(readonly=True)
    customer_phone = fields.Char(readonly=True)
    pickup_method = fields.Selection(
        [(str(code), label) for code, label in PICKUP_METHODS.items()], readonly=True
    )
    pickup_address = fields.Text(readonly=True)
    pickup_locality_id = fields.Char(string="Pickup Locality (eMAG id)", readonly=True)
    return_address_emag_id = fields.Char(
        string="Return Address (eMAG id)",
        readonly=True,
        help="The seller's saved address eMAG sends this return to.",
    )
    line_ids = fields.One2many("emag.rma.line", "rma_id", string="Products", readonly=True)
    state = fields.Selection(
        [("imported", "Imported"), ("exception", "Exception")],
        default="imported",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    message = fields.Text(readonly=True, translate=True)
    received_at = fields.Datetime(readonly=True, copy=False)
    credit_note_id = fields.Many2one("account.move", readonly=True, copy=False)
    credit_note_attached = fields.Boolean(readonly=True, copy=False)
    order_update = fields.Selection(
        [
            ("todo", "To send"),
            ("storno", "Partial storno sent"),
            ("returned", "Order marked returned"),
            ("flagged", "Needs a person"),
        ],
        string="eMAG Order Update",
        readonly=True,
        copy=False,
    )
    refuse_reason = fields.Text(readonly=True, copy=False)
    awb_state = fields.Selection(
        [("requested", "Requested"), ("issued", "Issued")],
        string="Return AWB",
        readonly=True,
        copy=False,
    )
    awb_number = fields.Char(string="Return AWB Number", readonly=True, copy=False)
    awb_emag_id = fields.Char(string="Return AWB eMAG Id", readonly=True, copy=False)
    awb_reservation_id = fields.Char(readonly=True, copy=False)
    awb_pickup_date = fields.Date(readonly=True, copy=False)
    # eMAG's raw answer carries the buyer's e-mail, phone and addresses.
    payload = fields.Text(
        string="Last Payload", readonly=True, groups="emag_connector.group_emag_manager"
    )
    payload_digest = fields.Char(readonly=True, copy=False)
    can_refuse = fields.Boolean(compute="_compute_actions")
    can_issue_awb = fields.Boolean(compute="_compute_actions")

    _account_emag_id_unique = models.Constraint(
        "UNIQUE(account_id, emag_id)", "This eMAG return is already in Odoo."
    )

    @api.depends("emag_id", "order_emag_id")
    def _compute_display_name(self):
        for rma in self:
            rma.display_name = self.env._("Return %(rma)s", rma=rma.emag_id or "")

    @api.depends("return_picking_ids")
    def _compute_return_picking_count(self):
        for rma in self:
            rma.return_picking_count = len(rma.return_picking_ids)

    @api.depends("rma_type", "emag_status", "state", "received_at", "refuse_reason", "awb_state")
    def _compute_actions(self):
        for rma in self:
            status = int(rma.emag_status or 0)
            active = rma.rma_type == "seller" and rma.state == "imported"
            rma.can_refuse = (
                active
                and not rma.received_at
                and not rma.refuse_reason
                and status in (rma_status.NEW, rma_status.ACKNOWLEDGED)
            )
            rma.can_issue_awb = (
                active
                and not rma.received_at
                and not rma.awb_state
                and status in (rma_status.NEW, rma_status.ACKNOWLEDGED)
            )

    # ------------------------------------------------------------------ state

    def _emag_park(self, message):
        """The return cannot go further: show why and wait for Retry.

        :param message: a deferred text (``services/common/labels.py``), stored in
            every language
        """
        if self.state == "exception" and self.message == labels.render(self.env, message):
            return
        self.state = "exception"
        labels.write_translated(self, "message", message)

    def write(self, vals):
        result = super().write(vals)
        if vals.get("message") and not self.env.context.get(labels.WRITING_TRANSLATIONS):
            # Written in the writer's language only, the message would keep
            # its former text in the others.
            labels.write_translated(self, "message", vals["message"])
        return result

    def _emag_flag(self, message):
        """A case for a person that does not stop the return: a to-do and a note."""
        self.message_post(body=message)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("eMAG return %(rma)s needs attention", rma=self.emag_id),
            note=message,
            user_id=(self.sale_order_id.user_id or self.env.user).id,
        )

    def _emag_is_seller(self):
        return self.rma_type == "seller"

    def _emag_is_replacement(self):
        """The customer gets goods back, not money (return types 1 and 2)."""
        return bool(self.return_type) and int(self.return_type) in REPLACEMENT_TYPES

    def _emag_facts(self):
        """What happened to the goods, for the status waypoints of the matrix:
        a refused return was received (and looked at) before it was refused."""
        return {"received"} if self.received_at or self.refuse_reason else set()

    # ------------------------------------------------------------------- jobs

    def _emag_delay(self, key, description, **options):
        self.ensure_one()
        return self.with_company(self.company_id).with_delay(
            identity_key=f"emag-rma-{key}:{self.id}",
            description=description,
            **options,
        )

    def _emag_request_status(self, target):
        """Queue a status push when eMAG's RMA matrix allows reaching ``target``."""
        for rma in self.filtered(lambda r: r._emag_is_seller()):
            plan = rma_status.plan(int(rma.emag_status), target, rma._emag_facts())
            if not plan.steps:
                if not plan.allowed:
                    rma._emag_flag(self.env._("Not sent to eMAG: %(r)s", r=plan.reason))
                continue
            rma._emag_delay(
                f"status:{target}",
                self.env._(
                    "eMAG return %(rma)s: set status %(status)s",
                    rma=rma.emag_id,
                    status=rma_status.status_label(self.env, target),
                ),
            )._emag_push_status(target)

    def _emag_push_status(self, target):
        """Job: move the return to ``target`` on eMAG through legal steps."""
        self.ensure_one()
        return rma_sync.push_status(self, target)

    def _emag_goods_received(self):
        """The return pickings are done: start the receipt flow (as the
        connector: warehouse users need no eMAG rights, the eMAG side runs in
        jobs after the validation is committed)."""
        for rma in self.sudo().filtered(lambda r: r._emag_is_seller() and not r.received_at):
            # A replacement leaves the eMAG order as it is: nothing to update.
            rma.write(
                {
                    "received_at": fields.Datetime.now(),
                    "order_update": False if rma._emag_is_replacement() else "todo",
                }
            )
            rma.message_post(body=self.env._("The returned goods are back in stock."))
            rma._emag_enqueue_advance()

    def _emag_replacement_shipped(self):
        """The replacement deliveries are done: issue their AWB (as the connector)."""
        for rma in self.sudo().filtered(lambda r: r.received_at and not r.replacement_awb_number):
            rma._emag_enqueue_advance()

    def _emag_enqueue_advance(self):
        step = rma_receipt.next_step(self)
        if not step:
            return
        options = {"max_retries": 0} if step == "attach" else {}
        self._emag_delay(
            f"receipt:{step}",
            self.env._("eMAG return %(rma)s: %(step)s", rma=self.emag_id, step=step),
            **options,
        )._emag_advance_receipt()

    def _emag_advance_receipt(self):
        """Job: the next step of the receipt (status, credit note or
        replacement, order, attachment)."""
        self.ensure_one()
        if rma_receipt.advance(self):
            self._emag_enqueue_advance()

    def _emag_retry(self):
        """Job: read the return from eMAG again and run again what stopped it.

        An exception is left only when what caused it is resolved: the import
        decides before the goods are in, the receipt step that stopped after.
        """
        self.ensure_one()
        self.account_id._emag_import_rma(self.emag_id)
        self.invalidate_recordset()
        if self.received_at and rma_receipt.advance(self, resuming=True):
            self._emag_enqueue_advance()

    def _emag_issue_awb(self, pickup_date, parcels, weight):
        """Job: the return AWB, issued at most once."""
        self.ensure_one()
        return rma_sync.issue_return_awb(self, pickup_date, parcels, weight)

    # ---------------------------------------------------------------- actions

    def action_retry(self):
        """Read the return from eMAG again and carry on from where it stopped;
        the return stays in exception, with its message, until that works."""
        for rma in self:
            rma._emag_delay(
                "retry", self.env._("eMAG return %(rma)s: read again", rma=rma.emag_id)
            )._emag_retry()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("The return will be read again from eMAG in a moment."),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_refuse(self):
        self.ensure_one()
        if not self.can_refuse:
            raise UserError(self.env._("This return cannot be refused any more."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse the Return"),
            "res_model": "emag.rma.refuse",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rma_id": self.id},
        }

    def action_issue_awb(self):
        self.ensure_one()
        if not self.can_issue_awb:
            raise UserError(self.env._("A return AWB cannot be issued for this return now."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Issue the Return AWB"),
            "res_model": "emag.rma.awb",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rma_id": self.id},
        }

    def action_view_return_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.return_picking_ids.ids)]
        if len(self.return_picking_ids) == 1:
            action.update(
                view_mode="form", res_id=self.return_picking_ids.id, views=[(False, "form")]
            )
        return action

    def action_view_sale_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }


class EmagRmaLine(models.Model):
    """One returned product of an eMAG return, and the order line it came from."""

    _name = "emag.rma.line"
    _description = "eMAG Returned Product"
    _order = "rma_id, id"

    rma_id = fields.Many2one("emag.rma", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="rma_id.company_id", store=True)
    emag_line_id = fields.Char(string="eMAG Line", readonly=True)
    offer_id = fields.Char(string="Seller Product Id", readonly=True)
    product_emag_id = fields.Char(string="eMAG Product Id", readonly=True)
    name = fields.Char(string="Description", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    quantity = fields.Integer(readonly=True)
    order_line_emag_id = fields.Char(string="eMAG Order Line", readonly=True)
    sale_line_id = fields.Many2one("sale.order.line", readonly=True, index="btree_not_null")
    return_reason = fields.Integer(string="Reason Code", readonly=True)
    return_reason_label = fields.Char(string="Reason", readonly=True, translate=True)
    observations = fields.Text(readonly=True)
