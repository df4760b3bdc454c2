# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.ciusro_validator import RulePack, RulePackError
from ..services import ciusro_precheck


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
        string="Newer CIUS-RO Rule Pack",
        config_parameter=ciusro_precheck.PARAM_VALIDATION_DIR,
        help="Optional. Folder of a newer CIUS-RO rule pack published by ANAF, laid out like the "
        "rules shipped with the bridge (ubl-2.1/maindoc/ and cius-ro-<version>/compiled/"
        "validation.xsl). Empty: the CIUS-RO 1.0.9 rules shipped with the bridge.",
    )
    l10n_ro_efb_precheck_status = fields.Char(
        string="CIUS-RO Check", compute="_compute_l10n_ro_efb_precheck_status"
    )
    l10n_ro_efb_precheck_ok = fields.Boolean(
        string="CIUS-RO Check Available", compute="_compute_l10n_ro_efb_precheck_status"
    )

    def _l10n_ro_efb_rule_folder(self):
        return (self.l10n_ro_efb_validation_dir or "").strip() or None

    @api.depends("l10n_ro_efb_validation_dir")
    def _compute_l10n_ro_efb_precheck_status(self):
        for settings in self:
            ok, text = ciusro_precheck.status(self.env, settings._l10n_ro_efb_rule_folder())
            settings.l10n_ro_efb_precheck_ok = ok
            settings.l10n_ro_efb_precheck_status = text

    @api.constrains("l10n_ro_efb_validation_dir")
    def _check_l10n_ro_efb_validation_dir(self):
        for settings in self.filtered(lambda s: s._l10n_ro_efb_rule_folder()):
            try:
                RulePack.load(settings._l10n_ro_efb_rule_folder())
            except RulePackError as exc:
                raise ValidationError(
                    ciusro_precheck.rule_pack_error_message(self.env, exc)
                ) from exc

    def action_l10n_ro_efb_connect_sandbox(self):
        self.ensure_one()
        self.execute()
        return self.company_id.action_l10n_ro_efb_connect_sandbox()
