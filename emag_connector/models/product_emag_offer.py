# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    emag_offer_ids = fields.One2many("emag.offer", "product_id", string="eMAG Offers")


class ProductTemplate(models.Model):
    _inherit = "product.template"

    emag_offer_ids = fields.One2many(
        "emag.offer",
        compute="_compute_emag_offer_ids",
        string="eMAG Offers",
        help="The offers of every variant of this product on the eMAG accounts.",
    )

    def _compute_emag_offer_ids(self):
        for template in self:
            template.emag_offer_ids = template.with_context(
                active_test=False
            ).product_variant_ids.emag_offer_ids
