# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from ..services.emag_received_bills import link_emag_bills


class AccountMove(models.Model):
    _inherit = "account.move"

    def _l10n_ro_edi_process_bill_messages(self, received_bills_messages):
        # eMAG's invoices booked by the connector are linked, not imported again.
        remaining = link_emag_bills(self.env, received_bills_messages)
        return super()._l10n_ro_edi_process_bill_messages(remaining)
