# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..compat import ODOO_MAJOR
from ..services.orders import status as order_status


class SaleOrder(models.Model):
    _inherit = "sale.order"

    emag_account_id = fields.Many2one(
        "emag.account", string="eMAG Account", readonly=True, copy=False, index="btree_not_null"
    )
    emag_order_id = fields.Many2one(
        "emag.order", string="eMAG Order", readonly=True, copy=False, index="btree_not_null"
    )
    emag_status = fields.Selection(related="emag_order_id.emag_status")
    emag_state = fields.Selection(related="emag_order_id.state", string="eMAG Import State")
    emag_message = fields.Text(related="emag_order_id.message")

    def action_cancel(self):
        """Canceling an eMAG order in Odoo cancels it on eMAG too, with one of
        eMAG's reasons: ask for it first. Cancellations coming from eMAG pass."""
        reason = self.env.context.get("emag_cancel_reason")
        # The eMAG reason (or eMAG itself) decided: no second dialog (before 19.0
        # core's cancel opens one to mail the customer).
        decided = self.with_context(disable_cancel_warning=True)
        if self.env.context.get("emag_cancel_from_remote"):
            return super(SaleOrder, decided).action_cancel()
        on_emag = self.filtered(
            lambda so: (
                so.emag_order_id.order_type == "seller"
                and so.emag_order_id.emag_status
                and so.emag_order_id.emag_status != str(order_status.CANCELED)
            )
        )
        if on_emag and not reason:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cancel on eMAG"),
                "res_model": "emag.order.cancel",
                "view_mode": "form",
                "target": "new",
                "context": {"default_sale_order_ids": self.ids},
            }
        refused = [
            (so.name, verdict.reason)
            for so in on_emag
            for verdict in [so.emag_order_id._emag_check_transition(order_status.CANCELED)]
            if not verdict.allowed
        ]
        if refused:
            raise UserError(
                self.env._(
                    "These orders cannot be canceled on eMAG any more:\n%(orders)s",
                    orders="\n".join(f"{name}: {why}" for name, why in refused),
                )
            )
        result = super(SaleOrder, decided if on_emag else self).action_cancel()
        on_emag.emag_order_id._emag_request_status(order_status.CANCELED, reason)
        return result

    def _prepare_confirmation_values(self):
        """Confirming stamps the order with the current time; an eMAG order
        keeps the time the customer placed it on eMAG (reports by date)."""
        values = super()._prepare_confirmation_values()
        if self and all(self.mapped("emag_order_id")):
            values.pop("date_order", None)
        return values

    def action_view_emag_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "emag.order",
            "res_id": self.emag_order_id.id,
            "view_mode": "form",
        }


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _emag_set_quantity(self, quantity):
        """Change the quantity, keeping eMAG's price (a quantity change would
        otherwise bring the pricelist price back)."""
        for line in self:
            line.write({"product_uom_qty": quantity, "price_unit": line.price_unit})

    emag_line_id = fields.Char(string="eMAG Line", readonly=True, copy=False)
    if ODOO_MAJOR < 19:
        # 19.0 named the line's taxes ``tax_ids`` and its unit ``product_uom_id``
        # (``tax_id``, ``product_uom`` before): the services use the 19.0 names.
        tax_ids = fields.Many2many(related="tax_id", string="Line Taxes")
        product_uom_id = fields.Many2one(related="product_uom", string="Line Unit")

        @api.model_create_multi
        def create(self, vals_list):
            return super().create([_older_line_names(vals) for vals in vals_list])

        def write(self, vals):
            return super().write(_older_line_names(vals))

    @api.depends("emag_line_id")
    def _compute_qty_to_invoice(self):
        """eMAG goods are invoiced as they ship (the fulfilment pipeline bills
        each parcel) and a return's credit note takes them back, whatever the
        product's invoicing policy: what is left to invoice is what shipped
        and was not invoiced. On "ordered quantities" a returned unit would
        otherwise show the order as to invoice again."""
        super()._compute_qty_to_invoice()
        for line in self:
            if line.emag_line_id and line.state == "sale" and not line.display_type:
                line.qty_to_invoice = line.qty_delivered - line.qty_invoiced

    emag_voucher_key = fields.Char(
        readonly=True,
        copy=False,
        help="Identifies the voucher or shipping line built from an eMAG order.",
    )


def _older_line_names(vals):
    """Sale line values with 19.0's field names (``tax_ids``, ``product_uom_id``)
    given the names of the series that runs (before 19.0: ``tax_id``, ``product_uom``)."""
    renamed = {"tax_ids": "tax_id", "product_uom_id": "product_uom"}
    return {renamed.get(name, name): value for name, value in vals.items()}
