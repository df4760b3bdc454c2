# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..services.ciusro_precheck import DEFAULT_VALIDATION_DIR, PARAM_VALIDATION_DIR


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    l10n_ro_efb_environment = fields.Selection(
        related="company_id.l10n_ro_efb_environment", readonly=False
    )
    l10n_ro_efb_sandbox_url = fields.Char(
        related="company_id.l10n_ro_efb_sandbox_url", readonly=False
    )
    l10n_ro_efb_responsible_id = fields.Many2one(
        related="company_id.l10n_ro_efb_responsible_id", readonly=False
    )
    l10n_ro_efb_validation_dir = fields.Char(
        string="CIUS-RO Validation Folder",
        config_parameter=PARAM_VALIDATION_DIR,
        help="Folder holding validate_ciusro.py and ANAF's rule files, used to check every "
        f"invoice before it is sent. Empty: {DEFAULT_VALIDATION_DIR}.",
    )

    def action_l10n_ro_efb_connect_sandbox(self):
        self.ensure_one()
        self.execute()
        return self.company_id.action_l10n_ro_efb_connect_sandbox()
