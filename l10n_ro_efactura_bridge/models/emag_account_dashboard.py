# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import fields, models

# The dashboard's e-Factura figures and the bridge states they count. What
# ANAF rejected, what our own checks stopped before sending and what the
# company's ANAF authorisation blocks are three different things to fix.
EFACTURA_FIGURES = {
    "efactura_waiting": ("to_send", "sent", "waiting"),
    "efactura_rejected": ("rejected",),
    "efactura_to_fix": ("invalid",),
    "efactura_blocked": ("unauthorized",),
}
# Where the documents of an account's orders are found: invoices of the
# deliveries, credit notes of the returns.
DOCUMENT_SOURCES = (("emag.fulfilment", "invoice_id"), ("emag.rma", "credit_note_id"))


class EmagAccount(models.Model):
    """The e-Factura figures of the account dashboard."""

    _inherit = "emag.account"

    dashboard_efactura_waiting = fields.Integer(
        string="e-Factura Waiting",
        compute="_compute_dashboard_efactura",
        help="Invoices and credit notes of this account not yet accepted by ANAF.",
    )
    dashboard_efactura_rejected = fields.Integer(
        string="e-Factura Rejected by ANAF",
        compute="_compute_dashboard_efactura",
        help="Invoices and credit notes ANAF received and rejected.",
    )
    dashboard_efactura_to_fix = fields.Integer(
        string="e-Factura Not Sent, to Fix",
        compute="_compute_dashboard_efactura",
        help="Invoices and credit notes our checks stopped before sending them to ANAF.",
    )
    dashboard_efactura_blocked = fields.Integer(
        string="e-Factura Blocked by the ANAF Authorisation",
        compute="_compute_dashboard_efactura",
        help="Invoices and credit notes waiting for the company's ANAF authorisation to be "
        "fixed; the documents themselves need no change.",
    )

    def _compute_dashboard_efactura(self):
        documents = self.filtered("id")._dashboard_efactura_documents()
        for account in self:
            for key in EFACTURA_FIGURES:
                account[f"dashboard_{key}"] = len(documents[key][account.id])

    def _dashboard_efactura_documents(self):
        """``{figure: {account id: account.move}}``, one query per document source.

        Read as superuser: an eMAG user counts the documents of the accounts
        they see without holding accounting rights.
        """
        states = [state for figure in EFACTURA_FIGURES.values() for state in figure]
        figure_of = {state: key for key, figure in EFACTURA_FIGURES.items() for state in figure}
        Move = self.env["account.move"]
        result = {key: defaultdict(lambda: Move) for key in EFACTURA_FIGURES}
        for model, field in DOCUMENT_SOURCES:
            # Grouped by account only: grouping by a related path is 19.0's.
            groups = (
                self.env[model]
                .sudo()
                ._read_group(
                    [("account_id", "in", self.ids), (f"{field}.l10n_ro_efb_state", "in", states)],
                    ["account_id"],
                    [f"{field}:recordset"],
                )
            )
            for account, moves in groups:
                for move in moves:
                    bucket = result[figure_of[move.l10n_ro_efb_state]]
                    bucket[account.id] = bucket[account.id] | move.with_env(self.env)
        return result

    def action_open_dashboard_figure(self):
        key = self.env.context.get("dashboard_figure")
        if key not in EFACTURA_FIGURES:
            return super().action_open_dashboard_figure()
        self.ensure_one()
        moves = self._dashboard_efactura_documents()[key][self.id]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"create": False}
        return action
