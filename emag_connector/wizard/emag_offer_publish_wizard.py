# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup, escape

from odoo import api, fields, models

from ..services.offers.pricing import offer_prices
from ..services.offers.validation import offer_problems


class EmagOfferPublishWizard(models.TransientModel):
    """Publish or unpublish many products on one account, after a preview of what fails.

    The preview runs the same local checks as the push, on the offers as they
    would be created, so the seller fixes problems before anything is queued.
    """

    _name = "emag.offer.publish.wizard"
    _description = "Publish Products on eMAG"

    account_id = fields.Many2one(
        "emag.account", required=True, default=lambda self: self._default_account()
    )
    mode = fields.Selection(
        [("publish", "Publish"), ("unpublish", "Unpublish")], required=True, default="publish"
    )
    product_ids = fields.Many2many(
        "product.product", string="Products", default=lambda self: self._default_products()
    )
    publication_path = fields.Selection(
        lambda self: self.env["emag.offer"]._fields["publication_path"].selection,
        default="documentation",
        help="For the products that have no offer on this account yet.",
    )
    category_id = fields.Many2one(
        "emag.category",
        string="eMAG Category",
        domain="[('is_allowed', '=', True)]",
        help="For the products that have no offer on this account yet.",
    )
    brand = fields.Char(help="For the products that have no offer on this account yet.")
    warranty = fields.Integer(
        string="Warranty (months)", help="For the products that have no offer on this account yet."
    )
    ready_count = fields.Integer(compute="_compute_preview")
    failing_count = fields.Integer(compute="_compute_preview")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    def _default_account(self):
        return self.env["emag.account"].search(
            [("company_id", "in", self.env.companies.ids)], limit=1
        )

    def _default_products(self):
        active_ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "product.template":
            return self.env["product.template"].browse(active_ids).product_variant_ids
        if self.env.context.get("active_model") == "product.product":
            return self.env["product.product"].browse(active_ids)
        return self.env["product.product"]

    def _offers(self, create=False):
        """Existing offers of the products, plus (new or created) offers for the others."""
        Offer = self.env["emag.offer"]
        existing = Offer.search(
            [("account_id", "=", self.account_id.id), ("product_id", "in", self.product_ids.ids)]
        )
        if self.mode == "unpublish":
            return existing
        missing = self.product_ids - existing.product_id
        defaults = {
            "account_id": self.account_id.id,
            "publication_path": self.publication_path,
            "category_id": self.category_id.id,
            "brand": self.brand,
            "warranty": self.warranty,
        }
        vals = [{**defaults, "product_id": product.id} for product in missing]
        if create:
            return existing | Offer.with_context(mail_create_nolog=True).create(vals)
        return existing | Offer.concat(*(Offer.new(value) for value in vals))

    @api.depends(
        "account_id", "mode", "product_ids", "publication_path", "category_id", "brand", "warranty"
    )
    def _compute_preview(self):
        for wizard in self:
            wizard.ready_count = wizard.failing_count = 0
            wizard.preview = False
            if not wizard.account_id or not wizard.product_ids:
                continue
            offers = wizard._offers()
            if wizard.mode == "unpublish":
                wizard.ready_count = len(offers)
                wizard.failing_count = len(wizard.product_ids) - len(offers)
                continue
            prices = offer_prices(self.env, offers)
            handling = (
                set(
                    self.env["emag.handling.time"]
                    .search([("platform", "=", wizard.account_id.platform)])
                    .mapped("days")
                )
                or None
            )
            rows = []
            for offer in offers:
                problems = offer_problems(offer, prices[offer.id], handling)
                if problems:
                    rows.append(
                        Markup("<tr><td>%s</td><td>%s</td></tr>")
                        % (
                            offer.product_id.display_name,
                            Markup("<br/>").join(escape(problem) for problem in problems),
                        )
                    )
            wizard.failing_count = len(rows)
            wizard.ready_count = len(offers) - len(rows)
            if rows:
                wizard.preview = (
                    Markup(
                        "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th></tr>"
                        "</thead><tbody>"
                    )
                    % (self.env._("Product"), self.env._("Will need attention because"))
                    + Markup("").join(rows)
                    + Markup("</tbody></table>")
                )

    def action_confirm(self):
        self.ensure_one()
        offers = self._offers(create=True)
        if self.mode == "publish":
            offers.action_publish()
        else:
            offers.action_unpublish()
        return self.env["emag.account"].browse(self.account_id.id).action_view_offers()
