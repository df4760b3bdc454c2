"""The e-Factura lines of the eMAG exception report.

The connector's report knows nothing of ANAF; this collector adds the
invoices of eMAG orders that ANAF rejected, those our own checks stopped before
sending (a different line: ANAF never saw them), those blocked by the company's
ANAF authorisation, those not accepted by their legal deadline, and the failed
jobs of the e-Factura channel.
See ``emag_connector/services/operations/exception_report.py``.
"""

from odoo.addons.emag_connector.services.common.labels import selection_label
from odoo.addons.emag_connector.services.operations.exception_report import (
    ERROR,
    ExceptionLine,
    failed_jobs,
    short,
)

KINDS = [
    ("efactura_rejected", "e-Factura rejected by ANAF"),
    ("efactura_invalid", "e-Factura not sent: to fix"),
    ("efactura_unauthorized", "e-Factura blocked by the ANAF authorisation"),
    ("efactura_late", "e-Factura not accepted in time"),
]
EFACTURA_CHANNEL = "root.efactura"
# States in which ANAF's answer is still to come (see account.move ACTIVE_STATES).
PENDING_STATES = ("to_send", "sent", "waiting")


def efactura(scope):
    env = scope.env
    today = scope.now.date()
    moves = env["account.move"].search(
        [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_line_ids.sale_line_ids.order_id.emag_account_id", "in", scope.accounts.ids),
            "|",
            ("l10n_ro_efb_state", "in", ("rejected", "invalid", "unauthorized")),
            "&",
            ("l10n_ro_efb_state", "in", PENDING_STATES),
            ("l10n_ro_efb_deadline", "<", today),
        ],
        order="invoice_date, id",
    )
    for move in moves:
        account = move._emag_account()
        if move.l10n_ro_efb_state in ("rejected", "invalid"):
            yield _to_fix(env, account, move)
            continue
        if move.l10n_ro_efb_state == "unauthorized":
            # Not a defect of the invoice: the company's SPV rights or token.
            yield ExceptionLine(
                kind="efactura_unauthorized",
                severity=ERROR,
                account=account,
                record=move,
                message=short(move.l10n_ro_efb_message)
                or env._("ANAF refused the company's authorisation."),
                action_label=env._("Fix the ANAF authorisation, then Retry"),
                action_method="action_l10n_ro_efb_retry",
                since=move.write_date,
            )
            continue
        yield ExceptionLine(
            kind="efactura_late",
            severity=ERROR,
            account=account,
            record=move,
            message=env._(
                "Not accepted by ANAF by its deadline (%(deadline)s): %(state)s.",
                deadline=move.l10n_ro_efb_deadline,
                state=selection_label(env, move._name, "l10n_ro_efb_state", move.l10n_ro_efb_state),
            ),
            action_label=env._("Retry now"),
            action_method="action_l10n_ro_efb_retry",
            since=move.l10n_ro_efb_uploaded_at or move.create_date,
        )
    # Only the jobs of eMAG invoices: the report is about the eMAG channel.
    for line in failed_jobs(scope, [EFACTURA_CHANNEL]):
        if line.account:
            yield line


def _to_fix(env, account, move):
    """The line of an invoice a person must fix: ANAF's rejection, or our own
    checks' stop before sending (ANAF never saw it), told apart."""
    details = move.l10n_ro_efb_message
    if move.l10n_ro_efb_state == "rejected":
        kind = "efactura_rejected"
        message = details or env._("ANAF rejected the invoice without giving a reason.")
        action_label = env._("Fix the invoice, then Send again")
    else:
        kind = "efactura_invalid"
        message = (
            env._("Not sent to ANAF: %(problems)s", problems=details)
            if details
            else env._("Not sent to ANAF: our checks found problems in the invoice.")
        )
        action_label = env._("Fix the problems found, then Send again")
    return ExceptionLine(
        kind=kind,
        severity=ERROR,
        account=account,
        record=move,
        message=short(message),
        action_label=action_label,
        action_method="action_l10n_ro_efb_open",
        since=move.write_date,
    )
