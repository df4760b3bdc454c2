# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup, escape

from odoo import api, fields, models

from ..services.offers.stock import live_offers, product_allocations

PREVIEW_ROWS = 200


class EmagStockAllocationPreview(models.TransientModel):
    """What each account sharing a warehouse offers of each product, and why.

    Computed by the same service as the stock push, so what the seller reads
    is what eMAG receives. The scarcest products come first: that is where
    the policies differ.
    """

    _name = "emag.stock.allocation.preview"
    _description = "eMAG Stock Allocation Preview"

    account_id = fields.Many2one("emag.account", required=True, readonly=True)
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        help="Leave empty for the products with the fewest free units.",
    )
    hidden_count = fields.Integer(string="In Stock, Offered Nowhere", compute="_compute_preview")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    @api.depends("account_id", "product_ids")
    def _compute_preview(self):
        for wizard in self:
            wizard.hidden_count = 0
            wizard.preview = False
            if not wizard.account_id:
                continue
            products = wizard.product_ids.ids or None
            rows = product_allocations(self.env, live_offers(self.env, wizard.account_id, products))
            wizard.hidden_count = sum(row.hidden for row in rows)
            rows.sort(key=lambda row: (not row.hidden, row.free, row.product.display_name))
            wizard.preview = wizard._render(rows[:PREVIEW_ROWS], len(rows))

    def _reason(self, allocation, quantity, offer):
        account = offer.account_id
        words = {
            "whole_pool": self.env._("whole pool"),
            "priority_first": self.env._("low stock: first in priority"),
            "priority_held": self.env._("low stock: kept for the first in priority"),
            "share": self.env._("share of %s %%", account.stock_share_percent),
            "not_sold": self.env._("no live offer"),
        }
        reason = words.get(allocation.reason, allocation.reason)
        buffers = max(account.stock_buffer, 0) + max(offer.stock_buffer, 0)
        if buffers and allocation.units:
            reason = self.env._(
                "%(reason)s, minus %(buffers)s kept back", reason=reason, buffers=buffers
            )
        return f"{quantity} ({reason})"

    def _render(self, rows, total):
        if not rows:
            return Markup("<p>%s</p>") % self.env._("No live offer of these products.")
        accounts = []
        for row in rows:
            for offer, _allocation, _quantity in row.offers:
                if offer.account_id not in accounts:
                    accounts.append(offer.account_id)
        head = Markup("").join(
            Markup("<th>%s</th>") % name
            for name in [self.env._("Product"), self.env._("Free"), *(a.name for a in accounts)]
        )
        body = Markup("")
        for row in rows:
            by_account = {offer.account_id: (offer, alloc, qty) for offer, alloc, qty in row.offers}
            cells = [row.product.display_name, f"{row.free:g}"]
            for account in accounts:
                found = by_account.get(account)
                cells.append(self._reason(found[1], found[2], found[0]) if found else "—")
            style = Markup(' class="table-warning"') if row.hidden else Markup("")
            body += Markup("<tr%s>%s</tr>") % (
                style,
                Markup("").join(Markup("<td>%s</td>") % escape(cell) for cell in cells),
            )
        table = Markup(
            '<table class="table table-sm"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>'
        ) % (head, body)
        if total > len(rows):
            table += Markup("<p>%s</p>") % self.env._(
                "%(shown)s of %(total)s products shown: the scarcest first.",
                shown=len(rows),
                total=total,
            )
        return table
