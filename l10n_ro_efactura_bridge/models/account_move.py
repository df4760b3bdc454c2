# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError

from ..compat import domain_and
from ..services.efactura_pipeline import EfacturaPipeline
from ..services.working_days import add_working_days

_logger = logging.getLogger(__name__)

EFACTURA_CHANNEL = "root.efactura"
# States in which the pipeline still has something to do by itself.
ACTIVE_STATES = ("to_send", "sent", "waiting")
# States a Retry (or core's "Fetch status") resumes: also the one waiting for a
# manager to fix the company's ANAF authorisation.
RETRY_STATES = (*ACTIVE_STATES, "unauthorized")
# A job overdue by this much is considered lost and scheduled again by the cron.
LOST_JOB_GRACE = timedelta(minutes=15)
# States that decide whether a delivery waiting on the invoice goes on: its
# fulfilment continues as soon as the invoice reaches one of them.
SETTLED_STATES = ("accepted", "rejected", "invalid")


class AccountMove(models.Model):
    _inherit = "account.move"

    l10n_ro_efb_state = fields.Selection(
        [
            ("to_send", "To send"),
            ("invalid", "To fix before sending"),
            ("sent", "Sent, ANAF checking"),
            ("waiting", "Waiting to retry"),
            ("unauthorized", "ANAF authorisation to fix"),
            ("accepted", "Accepted by ANAF"),
            ("rejected", "Rejected by ANAF"),
        ],
        string="e-Factura",
        copy=False,
        readonly=True,
        index=True,
        help='Where the invoice stands at ANAF\'s SPV (RO e-Factura). "To fix before sending" '
        'means our own checks stopped it before any ANAF call; "Rejected by ANAF" is ANAF\'s '
        "verdict on an invoice it received.",
    )
    l10n_ro_efb_message = fields.Text(
        string="e-Factura Message",
        copy=False,
        readonly=True,
        help="ANAF's messages for a rejection, the problems found before sending, or the "
        "temporary problem being waited out.",
    )
    l10n_ro_efb_next_action = fields.Char(
        string="e-Factura Next Action", compute="_compute_l10n_ro_efb_next_action"
    )
    l10n_ro_efb_attempts = fields.Integer(copy=False, readonly=True)
    l10n_ro_efb_next_try = fields.Datetime(string="e-Factura Next Try", copy=False, readonly=True)
    l10n_ro_efb_upload_pending_since = fields.Datetime(
        copy=False,
        readonly=True,
        help="Set while an upload is on its way and its answer not received: the invoice is "
        "then looked up in ANAF's message list before any new upload.",
    )
    l10n_ro_efb_uploaded_at = fields.Datetime(string="Sent to ANAF on", copy=False, readonly=True)
    l10n_ro_efb_rejected_indexes = fields.Char(copy=False, readonly=True)
    l10n_ro_efb_zip_id = fields.Many2one(
        "ir.attachment", string="ANAF Signed Archive", copy=False, readonly=True
    )
    l10n_ro_efb_deadline = fields.Date(
        string="e-Factura Deadline",
        compute="_compute_l10n_ro_efb_deadline",
        store=True,
        help="Last day to have the invoice accepted by ANAF: 5 working days after its date.",
    )
    l10n_ro_efb_late = fields.Boolean(
        string="e-Factura Late",
        copy=False,
        readonly=True,
        index=True,
        help="Not accepted by ANAF within 5 working days of the invoice date.",
    )

    # -- computes --------------------------------------------------------------

    @api.depends("l10n_ro_efb_state")
    def _compute_l10n_ro_efb_next_action(self):
        actions = {
            "to_send": self.env._("Nothing to do: the invoice is queued for ANAF."),
            "invalid": self.env._(
                "Not sent to ANAF: our checks found the problems listed. Fix them, then click "
                "Send again."
            ),
            "sent": self.env._("Nothing to do: ANAF is checking the invoice."),
            "waiting": self.env._(
                "Nothing to do: it is retried automatically (Retry now forces it)."
            ),
            "unauthorized": self.env._(
                "A manager must fix the company's ANAF authorisation: the token must come "
                "from a person with SPV rights for the company's CIF (check the rights in "
                "SPV, or generate a new token in the settings). Then click Retry; the invoice "
                "itself needs no change."
            ),
            "accepted": self.env._(
                "Done: the invoice is legally issued; the signed archive is attached."
            ),
            "rejected": self.env._(
                "Fix what ANAF's errors point at (partner, products, taxes), then click Send again."
            ),
        }
        for move in self:
            move.l10n_ro_efb_next_action = actions.get(move.l10n_ro_efb_state, False)

    @api.depends("invoice_date", "move_type")
    def _compute_l10n_ro_efb_deadline(self):
        for move in self:
            move.l10n_ro_efb_deadline = (
                add_working_days(move.invoice_date)
                if move.invoice_date and move.is_sale_document(include_receipts=False)
                else False
            )

    # -- eMAG ------------------------------------------------------------------

    def _emag_account(self):
        """The eMAG account the invoice's sale orders came from (empty if none).

        Read as superuser: the accountant posting the invoice needs the
        account's e-Factura policy without holding eMAG rights.
        """
        self.ensure_one()
        if "emag_account_id" not in self.env["sale.order"]._fields:
            return self.env["emag.account"]
        move = self.sudo()
        orders = move.invoice_line_ids.sale_line_ids.order_id
        # A credit note made by reversing the invoice may only know the invoice.
        orders = orders or move.reversed_entry_id.invoice_line_ids.sale_line_ids.order_id
        return orders.emag_account_id[:1]

    def _emag_invoice_attachable(self):
        """May this invoice be attached to its eMAG order now?

        Follows the account's policy: right after posting, or only once ANAF
        accepted it. Invoices the bridge does not send to ANAF (accounts
        without RO e-Factura, non-eMAG invoices) are attachable once posted.
        """
        self.ensure_one()
        if not super()._emag_invoice_attachable():
            return False
        account = self._emag_account()
        if not account or not account.efactura_submit or account.efactura_attach_policy == "posted":
            return True
        if not self._l10n_ro_efb_in_scope():
            return True  # not a Romanian customer document: it never waits for ANAF
        return self.l10n_ro_efb_state == "accepted"

    # -- applicability -----------------------------------------------------------

    def _l10n_ro_efb_in_scope(self):
        """A customer invoice or credit note of a company that files e-Factura in Romania."""
        self.ensure_one()
        return (
            self.move_type in ("out_invoice", "out_refund")
            and self.company_id.account_fiscal_country_id.code == "RO"
        )

    def _l10n_ro_efb_is_sendable(self):
        """A posted Romanian customer invoice or credit note that ANAF has not accepted."""
        self.ensure_one()
        return (
            self.state == "posted"
            and self._l10n_ro_efb_in_scope()
            and self.l10n_ro_efb_state != "accepted"
        )

    def _l10n_ro_efb_auto_submit(self):
        """Whether posting sends the invoice on its own: eMAG accounts that submit."""
        self.ensure_one()
        account = self._emag_account()
        return bool(account and account.efactura_submit)

    # -- who fixes it --------------------------------------------------------------

    def _l10n_ro_efb_responsible(self):
        """The person asked to fix the invoice: its salesperson, the eMAG account's
        responsible, the company's e-Factura responsible, then its first accounting
        manager. Never a bot, an archived or a portal user (an invoice made by a job
        has OdooBot as its creator)."""
        self.ensure_one()
        company = self.company_id
        managers = (
            self.env.ref("account.group_account_manager")
            .sudo()
            .all_user_ids.filtered(lambda user: company in user.company_ids)
            .sorted("id")
        )
        candidates = [
            self.invoice_user_id,
            self.sudo()._emag_account().team_id.user_id,
            company.l10n_ro_efb_responsible_id,
            *managers,
        ]
        for user in candidates:
            if user and user.active and not user.share and not user._is_superuser():
                return user
        return self.env["res.users"]

    # -- posting -----------------------------------------------------------------

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        to_send = posted.filtered(
            lambda move: move._l10n_ro_efb_is_sendable() and move._l10n_ro_efb_auto_submit()
        )
        to_send._l10n_ro_efb_queue()
        return posted

    @api.depends("l10n_ro_efb_state")
    def _compute_show_reset_to_draft_button(self):
        """Core hides the button once any e-Factura document exists; a document ANAF
        refused (or that never left) has no legal effect and may be corrected."""
        super()._compute_show_reset_to_draft_button()
        for move in self:
            if move.l10n_ro_efb_state in ("rejected", "invalid") and move.state == "posted":
                move.show_reset_to_draft_button = True

    def button_draft(self):
        # Anything ANAF holds (an index it may still accept, an upload whose
        # answer is pending) or accepted is legally out of reach of a draft.
        at_anaf = self.filtered(
            lambda move: (
                move.l10n_ro_efb_state == "accepted"
                or move.l10n_ro_efb_upload_pending_since
                or (
                    move.l10n_ro_efb_state not in ("rejected", "invalid") and move.l10n_ro_edi_index
                )
            )
        )
        if at_anaf:
            raise UserError(
                _(
                    "An invoice sent to ANAF cannot be reset to draft: correct it with a credit "
                    "note."
                )
            )
        refused = self.filtered(lambda move: move.l10n_ro_efb_state in ("rejected", "invalid"))
        refused.l10n_ro_edi_document_ids.sudo().unlink()
        refused.l10n_ro_edi_index = False
        result = super().button_draft()
        self.write({"l10n_ro_efb_state": False, "l10n_ro_efb_next_try": False})
        return result

    def write(self, vals):
        result = super().write(vals)
        if vals.get("l10n_ro_efb_state") in SETTLED_STATES:
            # A delivery held for ANAF's answer goes on now, not at its next re-check.
            self._emag_efactura_changed()
        return result

    # -- actions -------------------------------------------------------------------

    def action_l10n_ro_efb_open(self):
        """Open the invoice where its e-Factura problems are listed (the exception report's
        next action for an invoice a person must fix)."""
        self.ensure_one()
        self.check_access("read")
        return self._get_records_action()

    def action_l10n_ro_efb_send(self):
        """Send to ANAF (first time, or again after fixing a rejection)."""
        moves = self.filtered(lambda move: move._l10n_ro_efb_is_sendable())
        blocked = moves.filtered(
            lambda move: (
                move.l10n_ro_efb_state in ("sent", "waiting", "unauthorized")
                and (move.l10n_ro_edi_index or move.l10n_ro_efb_upload_pending_since)
            )
        )
        if blocked:
            raise UserError(
                _(
                    "These invoices are already at ANAF, waiting for its answer: %(names)s",
                    names=", ".join(blocked.mapped("name")),
                )
            )
        if not moves:
            raise UserError(
                _("Only posted Romanian customer invoices not yet accepted can be sent.")
            )
        moves._l10n_ro_efb_queue()
        return True

    def action_l10n_ro_efb_retry(self):
        """Do the next step now instead of waiting for the scheduled retry."""
        for move in self.filtered(lambda move: move.l10n_ro_efb_state in RETRY_STATES):
            move._l10n_ro_efb_schedule()
        return True

    def _l10n_ro_efb_queue(self):
        """Put the moves in "to send" and queue their upload.

        A resubmission after a rejection starts from a clean slate: core's
        refused document and the old index are dropped (core would otherwise
        refuse to send an invoice that has any document), the rejected
        index is remembered so a later lost-answer search ignores it.
        """
        for move in self:
            move.l10n_ro_edi_document_ids.sudo().unlink()
            move.write(
                {
                    "l10n_ro_edi_index": False,
                    "l10n_ro_efb_state": "to_send",
                    "l10n_ro_efb_message": False,
                    "l10n_ro_efb_attempts": 0,
                }
            )
            move._l10n_ro_efb_schedule()

    def _l10n_ro_efb_schedule(self, eta=None):
        """Queue the next pipeline step (one pending job per invoice at most)."""
        self.ensure_one()
        identity = f"l10n_ro_efb_process:{self.id}"
        self.l10n_ro_efb_next_try = eta or fields.Datetime.now()
        pending = (
            self.env["queue.job"]
            .sudo()
            .search(
                [("identity_key", "=", identity), ("state", "in", ("pending", "enqueued"))],
                limit=1,
            )
        )
        if pending:
            if pending.state == "pending" and (not eta or (pending.eta and pending.eta > eta)):
                pending.eta = eta or False
            return
        self.with_delay(
            channel=EFACTURA_CHANNEL,
            eta=eta,
            identity_key=identity,
            description=self.env._("e-Factura: %(name)s", name=self.name),
        )._l10n_ro_efb_job_process()

    def _l10n_ro_efb_job_process(self):
        """Queue job: one pipeline step, with the invoice locked against a parallel step."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM account_move WHERE id = %s FOR UPDATE SKIP LOCKED", [self.id]
        )
        if not self.env.cr.fetchone():
            raise RetryableJobError("another e-Factura step holds the invoice", seconds=30)
        self.invalidate_recordset()
        EfacturaPipeline(self.env).process(self)

    # -- crons -----------------------------------------------------------------------

    @api.model
    def _cron_l10n_ro_efb_dispatch(self):
        """Safety net: queue again the invoices whose scheduled step never ran."""
        overdue = self.search(
            [
                ("l10n_ro_efb_state", "in", ACTIVE_STATES),
                ("l10n_ro_efb_next_try", "<", fields.Datetime.now() - LOST_JOB_GRACE),
            ]
        )
        for move in overdue:
            move._l10n_ro_efb_schedule()

    @api.model
    def _cron_l10n_ro_efb_flag_late(self):
        """Flag the invoices ANAF has not accepted within 5 working days of their date."""
        today = fields.Date.context_today(self)
        late = self.search(
            [
                ("l10n_ro_efb_state", "not in", (False, "accepted")),
                ("l10n_ro_efb_deadline", "<", today),
                ("l10n_ro_efb_late", "=", False),
            ]
        )
        late.l10n_ro_efb_late = True
        return late

    # -- core's entry points, routed to the bridge -------------------------------------

    def _l10n_ro_edi_send_invoice(self, xml_data):
        """Core's Send & Print: queue the bridge's upload instead of calling ANAF inline.

        The bridge rebuilds the XML with the corrected builder at upload time,
        so core's ``xml_data`` is not needed.
        """
        self.ensure_one()
        if not self._l10n_ro_efb_is_sendable():
            return [_("Only posted Romanian customer invoices not yet accepted can be sent.")]
        if self.l10n_ro_efb_state == "unauthorized":
            self._l10n_ro_efb_schedule()  # sending again is a retry once the rights are fixed
            return None
        if self.l10n_ro_efb_state in ACTIVE_STATES and self.l10n_ro_efb_state != "to_send":
            return None
        self._l10n_ro_efb_queue()
        return None

    def _l10n_ro_edi_fetch_invoice_sent_documents(self):
        """Core's "Fetch status" button and list action: queue the bridge's status check."""
        for move in self.filtered(lambda move: move.l10n_ro_efb_state in RETRY_STATES):
            move._l10n_ro_efb_schedule()

    @api.model
    def _l10n_ro_edi_fetch_invoices(self):
        """Core's "Synchronize with ANAF" (button and daily cron) for the current company.

        The bridge takes over only what it owns:

        * the invoices it follows (any ``l10n_ro_efb_state``) get their next
          step queued, and core's judging does not see them: judging them a
          second time would bring back the pitfalls the bridge avoids (and
          declare an unindexed one refused after 3 days while the bridge is
          still recovering it);
        * the sandbox environment, which core cannot reach (its requests go to
          api.anaf.ro): there the received bills are imported by a job through
          the bridge's client (``services/received_bills.py``), into core's
          own bill import.

        Everything else is core's synchronization, unchanged: the received
        bills of the ANAF environments and the invoices core itself sent
        (before the bridge was installed) are judged the way core's tests
        assert.
        """
        company = self.env.company
        followed = self.search(
            [("company_id", "=", company.id), ("l10n_ro_efb_state", "in", ACTIVE_STATES)]
        )
        for move in followed:
            move._l10n_ro_efb_schedule()
        if company.l10n_ro_efb_environment != "sandbox":
            core_sync = self.with_context(l10n_ro_efb_core_sync=True)
            return super(AccountMove, core_sync)._l10n_ro_edi_fetch_invoices()
        if not company.l10n_ro_edi_access_token and not company.l10n_ro_edi_refresh_token:
            raise UserError(
                _("Generate an ANAF token in the e-Factura settings before synchronizing.")
            )
        company._l10n_ro_efb_queue_bill_sync()
        return None

    @api.model
    def _search(self, domain, *args, **kwargs):
        # Core's synchronization judges only the invoices the bridge does not follow.
        if self.env.context.get("l10n_ro_efb_core_sync"):
            domain = domain_and(domain, [("l10n_ro_efb_state", "=", False)])
        return super()._search(domain, *args, **kwargs)

    def action_l10n_ro_edi_fetch_invoices(self):
        """Core's "Synchronize with ANAF" menu entry: say what is left to the background."""
        reload = super().action_l10n_ro_edi_fetch_invoices()
        if self.env.company.l10n_ro_efb_environment == "sandbox":
            message = _(
                "Synchronization with ANAF queued: received bills and invoice statuses "
                "appear here in a few moments."
            )
        else:
            message = _(
                "Synchronized with ANAF. The invoices sent through the e-Factura bridge are "
                "checked in the background: their statuses follow in a few moments."
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "info", "message": message, "next": reload},
        }
