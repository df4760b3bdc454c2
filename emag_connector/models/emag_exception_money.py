# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..services.money import overdue


class EmagException(models.Model):
    """Money that does not come, in the exception report."""

    _inherit = "emag.exception"

    kind = fields.Selection(
        selection_add=overdue.KINDS,
        ondelete={code: "cascade" for code, _label in overdue.KINDS},
    )

    @api.model
    def _exception_collectors(self):
        return [*super()._exception_collectors(), overdue.unpaid_orders]
