# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup, escape

from odoo import api, fields, models

from ..services.offers import takeover as offer_takeover


class EmagOfferTakeoverSummary(models.TransientModel):
    """Before the first sync of taken-over offers: what would change on eMAG.

    Linking sent nothing. Here the seller sees which prices and stocks Odoo
    would change and which offers it would deactivate, and chooses: Odoo's
    values, or eMAG's prices copied into the pricelist first.
    """

    _name = "emag.offer.takeover.summary"
    _description = "First Sync of Taken-over eMAG Offers"

    account_id = fields.Many2one("emag.account", required=True)
    held_count = fields.Integer(string="Offers Waiting", compute="_compute_summary")
    price_count = fields.Integer(string="Prices Odoo Would Change", compute="_compute_summary")
    stock_count = fields.Integer(string="Stocks Odoo Would Change", compute="_compute_summary")
    deactivate_count = fields.Integer(
        string="Offers Odoo Would Deactivate", compute="_compute_summary"
    )
    attention_count = fields.Integer(string="Offers Needing Attention", compute="_compute_summary")
    details = fields.Html(compute="_compute_summary", sanitize=False)

    def _held_offers(self):
        return self.env["emag.offer"].search(
            [("account_id", "=", self.account_id.id), ("takeover_hold", "=", True)]
        )

    @api.depends("account_id")
    def _compute_summary(self):
        for wizard in self:
            summary = offer_takeover.first_sync_summary(wizard._held_offers())
            wizard.held_count = len(summary.offers)
            wizard.price_count = len(summary.prices)
            wizard.stock_count = len(summary.stocks)
            wizard.deactivate_count = len(summary.deactivations)
            wizard.attention_count = len(summary.attention)
            wizard.details = wizard._details(summary)

    def _details(self, summary):
        _ = self.env._
        rows = [(offer, _("Price"), emag, odoo) for offer, emag, odoo in summary.prices] + [
            (offer, _("Stock"), emag, odoo) for offer, emag, odoo in summary.stocks
        ]
        rows += [
            (offer, _("Status"), _("Active"), _("Inactive")) for offer in summary.deactivations
        ]
        rows += [
            (offer, _("Not sent"), "", "; ".join(problems)) for offer, problems in summary.attention
        ]
        if not rows:
            return False
        body = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (offer.product_id.display_name, what, escape(emag), escape(odoo))
            for offer, what, emag, odoo in rows
        )
        head = Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th></tr></thead><tbody>"
        ) % (_("Product"), _("What"), _("On eMAG now"), _("Odoo would send"))
        return head + body + Markup("</tbody></table>")

    def action_adopt_odoo_values(self):
        """Send Odoo's prices, stocks and statuses (queued)."""
        offer_takeover.release(self._held_offers())
        return {"type": "ir.actions.act_window_close"}

    def action_adopt_emag_prices(self):
        """Copy eMAG's prices into the pricelist first, then send what still differs."""
        offer_takeover.adopt_emag_prices(self._held_offers())
        return {"type": "ir.actions.act_window_close"}
