# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from odoo.addons.emag_connector.services.common.labels import selection_label


class AccountMove(models.Model):
    """The e-Factura side of the eMAG fulfilment pipeline's hooks."""

    _inherit = "account.move"

    def _emag_efactura_submit(self):
        """Posting already queued the invoice when the account submits; this
        catches the one posted before that (e.g. before the bridge was set up)."""
        super()._emag_efactura_submit()
        if (
            not self.l10n_ro_efb_state
            and self._l10n_ro_efb_is_sendable()
            and self._l10n_ro_efb_auto_submit()
        ):
            self._l10n_ro_efb_queue()
        return bool(self.l10n_ro_efb_state)

    def _emag_efactura_status(self):
        status = super()._emag_efactura_status()
        if not self.l10n_ro_efb_state:
            return status
        return dict(
            status,
            state=selection_label(
                self.env, self._name, "l10n_ro_efb_state", self.l10n_ro_efb_state
            ),
            index=self.l10n_ro_edi_index or "",
            message=self.l10n_ro_efb_message or "",
            refused=self.l10n_ro_efb_state in ("rejected", "invalid"),
            problem=self._l10n_ro_efb_problem(),
        )

    def _l10n_ro_efb_problem(self):
        """What a delivery held for the invoice says while the invoice must be fixed.

        Our own checks and ANAF's verdict are told apart: an invoice stopped
        before sending never reached ANAF.
        """
        details = " ".join((self.l10n_ro_efb_message or "").split())
        if self.l10n_ro_efb_state == "invalid":
            return self.env._(
                "Not sent to ANAF: our checks found problems in the invoice (%(problems)s). Fix "
                "them and send it again; it is attached to eMAG once ANAF accepts it.",
                problems=details or "-",
            )
        if self.l10n_ro_efb_state == "rejected":
            return self.env._(
                "ANAF rejected the invoice (%(errors)s). Fix it and send it again; it is "
                "attached to eMAG once ANAF accepts it.",
                errors=details or "-",
            )
        return ""
