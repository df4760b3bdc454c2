# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo import api, fields, models

from ..lib.emag_api import parsing


class EmagOrder(models.Model):
    """eMAG's shipping deadline of an order, for the exception report."""

    _inherit = "emag.order"

    emag_shipment_deadline = fields.Datetime(
        string="Ship By",
        compute="_compute_emag_shipment_deadline",
        store=True,
        index="btree_not_null",
        help="eMAG's deadline to hand the order to the courier (its 'maximum date for "
        "shipment'); orders finalized after it count as late shipments.",
    )

    @api.depends("payload", "account_id.platform")
    def _compute_emag_shipment_deadline(self):
        for binding in self:
            try:
                raw = json.loads(binding.payload or "{}")
                moment = parsing.parse_datetime(
                    raw.get("maximum_date_for_shipment") if isinstance(raw, dict) else None,
                    binding.account_id.platform,
                )
            except (ValueError, TypeError):
                moment = None
            binding.emag_shipment_deadline = moment and moment.replace(tzinfo=None)
