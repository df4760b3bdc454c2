# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A company's session with ANAF SPV: where to call, with which token, refreshed when refused.

The OAuth application and tokens are core's own ``l10n_ro_edi_*`` company
fields, so core's authorization pages keep filling them; only the base URLs
come from the bridge's per-company environment (production, ANAF test, or a
sandbox).
"""

import logging

from odoo import fields

from ..lib.anaf_spv import AnafAuthError, AnafClient, AnafOAuth
from .anaf_api_log import AnafCallRecorder

_logger = logging.getLogger(__name__)

API_TIMEOUT = (10, 60)  # connect, read: ANAF's upload can take tens of seconds
TOKEN_TIMEOUT = 30


class AnafConnection:
    """Builds the SPV client of ``company`` and keeps its tokens fresh.

    ANAF rotates the refresh token on every refresh: the new pair is stored
    at once in its own transaction (see ``res.company._l10n_ro_efb_store_tokens``)
    so a later rollback of the caller cannot lose it.
    """

    def __init__(self, company):
        self.company = company.sudo()

    @property
    def endpoints(self):
        return self.company._l10n_ro_efb_endpoints()

    def oauth(self):
        company = self.company
        if not company.l10n_ro_edi_client_id or not company.l10n_ro_edi_client_secret:
            raise AnafAuthError(
                company.env._("The ANAF OAuth client ID and secret are not set in the settings."),
                route="token",
            )
        return AnafOAuth(
            company.l10n_ro_edi_client_id,
            company.l10n_ro_edi_client_secret,
            endpoints=self.endpoints,
            timeout=TOKEN_TIMEOUT,
            call_hook=AnafCallRecorder(company),
        )

    def refresh(self):
        """Trade the refresh token for a new pair and persist both tokens."""
        company = self.company
        if not company.l10n_ro_edi_refresh_token:
            raise AnafAuthError(
                company.env._("No ANAF refresh token: generate a token in the settings."),
                route="token",
            )
        tokens = self.oauth().refresh(company.l10n_ro_edi_refresh_token)
        company._l10n_ro_efb_store_tokens(tokens)
        _logger.info("ANAF tokens of company %s refreshed", company.id)

    def client(self):
        """The SPV client, after refreshing a token already known to be expired."""
        company = self.company
        expiry = company.l10n_ro_edi_access_expiry_date
        if company.l10n_ro_edi_refresh_token and (
            not company.l10n_ro_edi_access_token or (expiry and expiry <= fields.Date.today())
        ):
            self.refresh()
        if not company.l10n_ro_edi_access_token:
            raise AnafAuthError(
                company.env._("No ANAF access token: generate one in the settings."),
                route="token",
            )
        return AnafClient(
            company.l10n_ro_edi_access_token,
            endpoints=self.endpoints,
            timeout=API_TIMEOUT,
            call_hook=AnafCallRecorder(company),
        )

    def call(self, operation):
        """Run ``operation(client)``; on a refused token refresh once and run it again.

        Repeating is safe for every SPV call: a refused token means ANAF did
        not process the request.
        """
        client = self.client()
        try:
            return operation(client)
        except AnafAuthError:
            if not self.company.l10n_ro_edi_refresh_token:
                raise
            self.refresh()
            client.access_token = self.company.l10n_ro_edi_access_token
            return operation(client)
