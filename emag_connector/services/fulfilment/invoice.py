"""The invoice of one validated eMAG delivery: exactly what it shipped.

Odoo's own "Create Invoice" follows each product's invoicing policy: a
product invoiced on ordered quantities would be billed in full with the
first part of a split delivery. The pipeline bills per parcel instead, so
the customer's invoice matches what the courier hands over:

- product lines: the quantities this delivery's moves shipped, never more
  than what the order line still has to invoice (an invoice made by hand
  before is respected);
- shipping fee and shipping vouchers: with the first invoice of the order
  (the fee is paid once, whatever the number of parcels);
- vouchers on products: in proportion to the value of the goods with the
  same taxes this delivery ships; the delivery that completes the order
  takes what is left, so the invoices of an order add up to it exactly.

A voucher share is expressed as a fraction of the voucher line (quantity
0.4 of it, say), so that the sale line's invoiced quantity reaches exactly
1 with the last invoice and the order ends up fully invoiced.
"""

from collections import defaultdict

from odoo.fields import Command
from odoo.tools import float_compare, float_is_zero, float_round


def shipped_quantities(picking):
    """``{sale line: quantity in the line's unit}`` shipped by ``picking``."""
    shipped = defaultdict(float)
    for move in picking.move_ids:
        line = move.sale_line_id
        if move.state != "done" or not line or move.origin_returned_move_id:
            continue
        shipped[line] += move.product_uom._compute_quantity(move.quantity, line.product_uom_id)
    return shipped


class DeliveryInvoice:
    """Builds and creates the invoice of one delivery of an eMAG sale order."""

    def __init__(self, picking):
        lang = picking.sale_id.partner_invoice_id.lang
        if lang:
            # Lines and document in the customer's language, whoever runs the
            # job: in another, Odoo heads a translated product's line with its
            # name in both ("eMAG shipping" over "Transport eMAG").
            picking = picking.with_context(lang=lang)
        self.picking = picking
        self.sale_order = picking.sale_id
        self.env = picking.env
        self.qty_digits = self.env["decimal.precision"].precision_get("Product Unit")

    def create(self):
        """The draft invoice of the delivery; an empty recordset when nothing
        of it is left to invoice."""
        lines = self._line_values()
        if not lines:
            return self.env["account.move"]
        order = self.sale_order.with_company(self.sale_order.company_id)
        values = order._prepare_invoice()
        values["invoice_line_ids"] += [Command.create(line) for line in lines]
        invoice = order._create_account_invoices([values], False)
        invoice.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": invoice, "origin": order},
            subtype_xmlid="mail.mt_note",
        )
        return invoice

    # ------------------------------------------------------------------ lines

    def _line_values(self):
        goods = self._goods()
        if not goods:
            return []
        values = [
            line._prepare_invoice_line(sequence=line.sequence, quantity=quantity)
            for line, quantity in goods.items()
        ]
        completes = self._completes_order(goods)
        for line in self.sale_order.order_line.filtered("emag_voucher_key"):
            extra = self._extra_line(line, goods, completes)
            if extra:
                values.append(extra)
        return values

    def _goods(self):
        """``{product sale line: quantity}`` to invoice for this delivery."""
        goods = {}
        for line, quantity in shipped_quantities(self.picking).items():
            left = line.product_uom_qty - line.qty_invoiced
            quantity = float_round(min(quantity, left), precision_digits=self.qty_digits)
            if float_compare(quantity, 0, precision_digits=self.qty_digits) > 0:
                goods[line] = quantity
        return goods

    def _completes_order(self, goods):
        """Whether, with this invoice, every product of the order is invoiced."""
        return all(
            float_compare(
                line.qty_invoiced + goods.get(line, 0),
                line.product_uom_qty,
                precision_digits=self.qty_digits,
            )
            >= 0
            for line in self._product_lines()
        )

    def _product_lines(self):
        return self.sale_order.order_line.filtered(
            lambda line: not line.display_type and not line.emag_voucher_key and line.product_id
        )

    def _extra_line(self, line, goods, completes):
        """The invoice line of a shipping or voucher line, ``None`` when it
        has nothing on this invoice."""
        left = line.product_uom_qty - line.qty_invoiced
        if float_compare(left, 0, precision_digits=self.qty_digits) <= 0:
            return None
        if not line.emag_voucher_key.startswith("product") or completes:
            quantity = left
            amount = line.price_unit * line.product_uom_qty - self._invoiced_amount(line)
        else:
            share = self._share(line.tax_ids, goods)
            quantity = float_round(line.product_uom_qty * share, precision_digits=self.qty_digits)
            quantity = min(quantity, left)
            amount = line.price_unit * line.product_uom_qty * share
        if float_is_zero(quantity, precision_digits=self.qty_digits):
            return None
        # The price carries the amount to the cent, whatever the rounding of the quantity.
        return line._prepare_invoice_line(
            sequence=line.sequence, quantity=quantity, price_unit=amount / quantity
        )

    def _invoiced_amount(self, line):
        """What the invoices made so far took of ``line``, in the terms of its
        price: with VAT when its tax is included in the price (eMAG orders)."""
        included = any(line.tax_ids.mapped("price_include"))
        return sum(
            invoice_line.price_total if included else invoice_line.price_subtotal
            for invoice_line in line.invoice_lines
            if invoice_line.move_id.move_type == "out_invoice"
            and invoice_line.move_id.state != "cancel"
        )

    def _share(self, taxes, goods):
        """The part of the order's goods taxed by ``taxes`` that this delivery
        invoices, by value."""
        same = self._product_lines().filtered(lambda line: line.tax_ids == taxes)
        ordered = sum(line.price_unit * line.product_uom_qty for line in same)
        invoiced = sum(line.price_unit * goods.get(line, 0) for line in same)
        return invoiced / ordered if ordered else 0.0
