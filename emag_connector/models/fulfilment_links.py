# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Where the fulfilment pipeline meets deliveries, sale orders, eMAG orders and invoices."""

from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    emag_fulfilment_id = fields.Many2one(
        "emag.fulfilment", string="eMAG Fulfilment", readonly=True, copy=False, index=True
    )
    emag_fulfilment_state = fields.Selection(related="emag_fulfilment_id.state")
    emag_fulfilment_summary = fields.Char(related="emag_fulfilment_id.summary")
    emag_fulfilment_message = fields.Text(related="emag_fulfilment_id.status_message")
    emag_fulfilment_step_ids = fields.One2many(related="emag_fulfilment_id.step_ids")
    emag_awb_number = fields.Char(related="emag_fulfilment_id.awb_number", string="eMAG AWB")
    emag_label_id = fields.Many2one(related="emag_fulfilment_id.label_attachment_id")
    emag_invoice_id = fields.Many2one(related="emag_fulfilment_id.invoice_id")
    emag_efactura_status = fields.Char(related="emag_fulfilment_id.efactura_status")
    emag_efactura_index = fields.Char(related="emag_fulfilment_id.efactura_index")
    emag_efactura_summary = fields.Char(related="emag_fulfilment_id.efactura_summary")

    def _action_done(self):
        result = super()._action_done()
        self._emag_start_fulfilment()
        return result

    def _emag_start_fulfilment(self):
        """Queue the pipeline of each validated delivery of an eMAG order; the
        jobs run once the validation is committed, never inside the click.
        Warehouse users need no eMAG rights for it."""
        for picking in self.sudo():
            binding = picking.sale_id.emag_order_id
            if (
                picking.state != "done"
                or picking.picking_type_code != "outgoing"
                or not binding
                or picking.emag_fulfilment_id
                # An exchange's replacement: the returns flow ships it under the
                # return (no new invoice, the order stays finalized).
                or picking.emag_replacement_rma_id
            ):
                continue
            picking.emag_fulfilment_id = self.env["emag.fulfilment"]._emag_start(picking)

    def action_emag_print_label(self):
        self.ensure_one()
        return self.emag_fulfilment_id.sudo().action_print_label()

    def action_emag_fulfilment_retry(self):
        self.check_access("write")
        return self.emag_fulfilment_id.sudo().action_retry()


class SaleOrder(models.Model):
    _inherit = "sale.order"

    emag_fulfilment_ids = fields.One2many(
        "emag.fulfilment", "sale_order_id", string="eMAG Fulfilments", readonly=True
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    def _emag_invoice_attachable(self):
        """May the invoice be attached to its eMAG order now? Once posted, here;
        an e-Factura module holds it back until its authority accepts it."""
        self.ensure_one()
        return self.state == "posted"

    def _emag_efactura_submit(self):
        """Hand the posted invoice to e-Factura; nothing to do without such a module.

        :return: whether an e-Factura submission is under way or done
        """
        self.ensure_one()
        return False

    def _emag_efactura_status(self):
        """What e-Factura says about the invoice, for the pipeline's display.

        :return: a dict with ``state`` (a label), ``index`` (the authority's
            upload index), ``message``, ``refused`` (bool: the invoice must be
            fixed before it can be attached) and ``problem`` (what a delivery
            held for it says then); empty without an e-Factura module
        """
        self.ensure_one()
        return {}

    def _emag_efactura_changed(self):
        """e-Factura settled on these invoices (accepted, or to be fixed): the
        deliveries held for them go on at once rather than at their re-check.
        e-Factura modules call it when an invoice's state changes."""
        fulfilments = (
            self.env["emag.fulfilment"]
            .sudo()
            .search([("invoice_id", "in", self.ids), ("state", "in", ("waiting", "failed"))])
        )
        fulfilments._emag_resume()
