# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

SETTINGS_GROUP = "base.group_system"


class ResCompany(models.Model):
    """Keep the company's ANAF credentials to the people who manage the settings.

    Core declares the OAuth secret and the tokens as plain company fields,
    which every internal user can read; with them anyone could file documents
    in the company's name at ANAF. The bridge's flows read them as superuser,
    so restricting them takes nothing from the users who send invoices.
    """

    _inherit = "res.company"

    l10n_ro_edi_client_secret = fields.Char(groups=SETTINGS_GROUP)
    l10n_ro_edi_access_token = fields.Char(groups=SETTINGS_GROUP)
    l10n_ro_edi_refresh_token = fields.Char(groups=SETTINGS_GROUP)
