# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib.anaf_simulator import DEFAULT_CLIENT_ID as SANDBOX_CLIENT_ID
from ..lib.anaf_simulator import DEFAULT_CLIENT_SECRET as SANDBOX_CLIENT_SECRET
from ..lib.anaf_spv import (
    PRODUCTION,
    TEST,
    AnafEndpoints,
    AnafError,
    AnafTemporaryError,
    TokenSet,
)
from ..services.anaf_connection import AnafConnection
from ..services.received_bills import ReceivedBillsSync
from .account_move import EFACTURA_CHANNEL

# A separate transaction writing the tokens gives up after this instead of
# waiting forever on a company row its own caller holds.
TOKEN_LOCK_TIMEOUT = "10s"


class ResCompany(models.Model):
    _inherit = "res.company"

    l10n_ro_efb_environment = fields.Selection(
        [
            ("production", "Production (api.anaf.ro/prod)"),
            ("test", "ANAF test (api.anaf.ro/test)"),
            ("sandbox", "Sandbox (local ANAF simulator)"),
        ],
        string="ANAF Environment",
        compute="_compute_l10n_ro_efb_environment",
        inverse="_inverse_l10n_ro_efb_environment",
        store=True,
        readonly=False,
        help="Where e-Factura documents are sent. Core's 'Use Test Environment' box follows it.",
    )
    l10n_ro_efb_sandbox_url = fields.Char(
        string="ANAF Sandbox URL",
        help="Base URL of the ANAF simulator (e.g. http://127.0.0.1:8098); it serves both the "
        "API and the OAuth token endpoint.",
    )
    l10n_ro_efb_bills_synced_until = fields.Datetime(
        string="Bills Received from ANAF Until",
        readonly=True,
        help="End of the last complete import of the invoices suppliers filed at ANAF; the "
        "next synchronization starts there.",
    )
    l10n_ro_efb_responsible_id = fields.Many2one(
        "res.users",
        string="e-Factura Responsible",
        domain=[("share", "=", False)],
        help="Who is asked to fix an invoice stopped before sending or rejected by ANAF when it "
        "has no salesperson and its eMAG account no responsible; empty: the company's first "
        "accounting manager.",
    )

    @api.depends("l10n_ro_edi_test_env")
    def _compute_l10n_ro_efb_environment(self):
        for company in self:
            if not company.l10n_ro_edi_test_env:
                company.l10n_ro_efb_environment = "production"
            elif company.l10n_ro_efb_environment in (False, "production"):
                company.l10n_ro_efb_environment = "test"

    def _inverse_l10n_ro_efb_environment(self):
        for company in self:
            company.l10n_ro_edi_test_env = company.l10n_ro_efb_environment != "production"

    def _l10n_ro_efb_endpoints(self):
        """The :class:`AnafEndpoints` of the company's environment."""
        self.ensure_one()
        if self.l10n_ro_efb_environment == "production":
            return PRODUCTION
        if self.l10n_ro_efb_environment == "sandbox":
            if not self.l10n_ro_efb_sandbox_url:
                raise UserError(_("Set the ANAF sandbox URL of %(company)s.", company=self.name))
            return AnafEndpoints.sandbox(self.l10n_ro_efb_sandbox_url, "test")
        return TEST

    def _l10n_ro_efb_row_written_here(self):
        """Whether the current transaction has written this company's row.

        The row's ``xmin`` is compared with the transaction ids this backend
        holds a lock on: the top-level one and those of its savepoints (a
        write inside a savepoint stamps the savepoint's own id, which the
        top-level ``pg_current_xact_id()`` would not match).
        """
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT EXISTS (
                   SELECT 1
                     FROM res_company company
                     JOIN pg_locks lock ON lock.transactionid = company.xmin
                    WHERE company.id = %s
                      AND lock.locktype = 'transactionid'
                      AND lock.pid = pg_backend_pid()
               )""",
            [self.id],
        )
        return self.env.cr.fetchone()[0]

    def _l10n_ro_efb_store_tokens(self, tokens):
        """Persist a rotated token pair at once, in its own transaction.

        The refresh token just presented is spent at ANAF: if the caller's
        transaction were rolled back later, the company would lose its access
        until someone authorizes again with the qualified certificate.
        """
        self.ensure_one()
        values = {
            "l10n_ro_edi_access_token": tokens.access_token,
            "l10n_ro_edi_refresh_token": tokens.refresh_token,
            "l10n_ro_edi_access_expiry_date": tokens.expires_at and tokens.expires_at.date(),
        }
        if tokens.refresh_expires_at:
            values["l10n_ro_edi_refresh_expiry_date"] = tokens.refresh_expires_at.date()
        if self._l10n_ro_efb_row_written_here():
            # This transaction holds the row lock (and its rows are invisible
            # to others): a second cursor would wait for us forever. The
            # caller's transaction is the one that must commit then.
            self.sudo().write(values)
            return
        with self.env.registry.cursor() as cr:
            cr.execute(f"SET LOCAL lock_timeout = '{TOKEN_LOCK_TIMEOUT}'")
            self.with_env(self.env(cr=cr)).sudo().write(values)
        # Our snapshot (REPEATABLE READ) cannot see that commit: re-reading the
        # row would bring the spent tokens back. Put the new ones in our cache.
        self.sudo()._update_cache(values, validate=False)

    def action_l10n_ro_efb_connect_sandbox(self):
        """Get tokens from the sandbox as ANAF's certificate login would (demo, tests).

        Only for the sandbox environment. The call to the sandbox runs in a
        queue job once this click is committed, like every network call; the
        user is told when the tokens are in (or why not).
        """
        self.ensure_one()
        if self.l10n_ro_efb_environment != "sandbox" or not self.l10n_ro_efb_sandbox_url:
            raise UserError(_("Connecting without a certificate only works with the sandbox."))
        self.with_delay(
            channel=EFACTURA_CHANNEL,
            identity_key=f"l10n_ro_efb_sandbox_tokens:{self.id}",
            description=_("e-Factura: sandbox tokens for %(company)s", company=self.name),
        )._l10n_ro_efb_job_connect_sandbox()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("Sandbox tokens requested; you are notified when they are in."),
            },
        }

    def _l10n_ro_efb_job_connect_sandbox(self):
        """Queue job: fetch and store sandbox tokens, then tell the user who asked.

        A sandbox that does not answer ends the job with that answer as its
        result (and a red notification): raising would roll the notification
        back with the job's transaction.
        """
        self.ensure_one()
        try:
            self._l10n_ro_efb_fetch_sandbox_tokens()
        except UserError as exc:
            message, kind = exc.args[0], "danger"
        else:
            message = _("%(company)s is connected to the ANAF sandbox.", company=self.name)
            kind = "success"
        self.env.user._bus_send(
            "simple_notification",
            {"type": kind, "title": _("ANAF sandbox"), "message": message},
        )
        return message

    def _l10n_ro_efb_fetch_sandbox_tokens(self):
        """Ask the sandbox's control API for a token pair of its OAuth client and store it.

        Calls the network: run it from a job or a script, never in a click.
        """
        self.ensure_one()
        if self.l10n_ro_efb_environment != "sandbox" or not self.l10n_ro_efb_sandbox_url:
            raise UserError(_("Connecting without a certificate only works with the sandbox."))
        base = self.l10n_ro_efb_sandbox_url.rstrip("/")
        try:
            response = requests.post(f"{base}/_sim/tokens", json={}, timeout=10)
            response.raise_for_status()
            tokens = TokenSet.from_payload(response.json())
        except (requests.RequestException, ValueError, AnafError) as exc:
            raise UserError(_("The ANAF sandbox did not answer: %(error)s", error=exc)) from exc
        self.sudo().write(
            {
                "l10n_ro_edi_client_id": self.l10n_ro_edi_client_id or SANDBOX_CLIENT_ID,
                "l10n_ro_edi_client_secret": self.l10n_ro_edi_client_secret
                or SANDBOX_CLIENT_SECRET,
            }
        )
        self._l10n_ro_efb_store_tokens(tokens)
        return True

    # -- received bills ------------------------------------------------------------

    def _l10n_ro_efb_queue_bill_sync(self):
        """Queue the import of the invoices suppliers filed at ANAF (one pending per company)."""
        for company in self:
            company.with_delay(
                channel=EFACTURA_CHANNEL,
                identity_key=f"l10n_ro_efb_bills:{company.id}",
                description=_("e-Factura: bills received by %(company)s", company=company.name),
            )._l10n_ro_efb_job_sync_received_bills()

    def _l10n_ro_efb_job_sync_received_bills(self):
        """Queue job: import the received bills; ANAF's temporary errors retry the job later."""
        self.ensure_one()
        try:
            return ReceivedBillsSync(self.env).run(self)
        except AnafTemporaryError as exc:
            raise RetryableJobError(str(exc), seconds=15 * 60, ignore_retry=True) from exc
        except AnafError as exc:
            raise UserError(
                _("Importing the bills received at ANAF failed: %(error)s", error=exc.message)
            ) from exc

    def _l10n_ro_edi_refresh_access_token(self, session):
        """Core's refresh (its 30-day cron), against the configured environment.

        Core posts to logincert.anaf.ro whatever the environment; the bridge's
        OAuth client uses the company's endpoints and stores the rotated pair.
        """
        self.ensure_one()
        try:
            AnafConnection(self).refresh()
        except AnafError as exc:
            raise UserError(_("Refreshing the ANAF token failed: %(error)s", error=exc)) from exc
