# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..services import efactura_exceptions


class EmagException(models.Model):
    """e-Factura problems of eMAG invoices in the connector's exception report."""

    _inherit = "emag.exception"

    kind = fields.Selection(
        selection_add=efactura_exceptions.KINDS,
        ondelete={code: "cascade" for code, _label in efactura_exceptions.KINDS},
    )

    @api.model
    def _exception_collectors(self):
        return [*super()._exception_collectors(), efactura_exceptions.efactura]


class AccountMove(models.Model):
    _inherit = "account.move"

    def _emag_exception_account(self):
        """The eMAG account a failed e-Factura job worked for (see the report's jobs)."""
        return self[:1]._emag_account() if self else self.env["emag.account"]
