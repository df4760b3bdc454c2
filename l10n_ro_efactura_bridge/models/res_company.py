# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import requests

from odoo import _, api, fields, models, modules
from odoo.exceptions import UserError

from ..lib.anaf_simulator import DEFAULT_CLIENT_ID as SANDBOX_CLIENT_ID
from ..lib.anaf_simulator import DEFAULT_CLIENT_SECRET as SANDBOX_CLIENT_SECRET
from ..lib.anaf_spv import PRODUCTION, TEST, AnafEndpoints, AnafError, TokenSet
from ..services.anaf_connection import AnafConnection


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
        """Whether the current transaction has written this company's row."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT xmin::text::bigint
                      = pg_current_xact_id_if_assigned()::text::bigint %% 4294967296
                 FROM res_company WHERE id = %s""",
            [self.id],
        )
        return bool(self.env.cr.fetchone()[0])

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
        if modules.module.current_test or self._l10n_ro_efb_row_written_here():
            # Tests run in one transaction that a second cursor cannot see; and
            # a company row this transaction already wrote is locked by it, so
            # a second cursor would wait for us forever.
            self.sudo().write(values)
            return
        with self.env.registry.cursor() as cr:
            self.with_env(self.env(cr=cr)).sudo().write(values)
        self.invalidate_recordset(list(values))

    def action_l10n_ro_efb_connect_sandbox(self):
        """Get tokens from the sandbox as ANAF's certificate login would (demo, tests).

        Only for the sandbox environment: the simulator's control API issues a
        token pair for its registered OAuth client, which is filled in too.
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
