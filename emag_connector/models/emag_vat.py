# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..lib.emag_api import PLATFORMS


class EmagVat(models.Model):
    """A VAT rate as eMAG knows it on one platform (``vat/read``).

    eMAG's VAT ids differ between platforms and must never be hard-coded:
    offers are mapped by rate to the id read from the platform.
    """

    _name = "emag.vat"
    _description = "eMAG VAT Rate"
    _order = "platform, rate desc"

    name = fields.Char(compute="_compute_name", store=True)
    platform = fields.Selection(
        selection=[(code, platform.name) for code, platform in PLATFORMS.items()],
        required=True,
        index=True,
    )
    emag_id = fields.Integer(string="eMAG VAT ID", required=True)
    rate = fields.Float(
        digits=(16, 4), required=True, help="Fraction, e.g. 0.21 for 21 % (as eMAG sends it)."
    )
    is_default = fields.Boolean(string="Default")
    active = fields.Boolean(default=True)

    _platform_emag_id_unique = models.Constraint(
        "UNIQUE(platform, emag_id)", "This eMAG VAT id is already known for this platform."
    )

    @api.depends("rate")
    def _compute_name(self):
        for vat in self:
            vat.name = f"{vat.rate * 100:g} %"


class EmagHandlingTime(models.Model):
    """A handling time (working days before hand-over) eMAG accepts on a platform."""

    _name = "emag.handling.time"
    _description = "eMAG Handling Time"
    _order = "platform, days"
    _rec_name = "days"

    platform = fields.Selection(
        selection=[(code, platform.name) for code, platform in PLATFORMS.items()],
        required=True,
        index=True,
    )
    days = fields.Integer(required=True)

    _platform_days_unique = models.Constraint(
        "UNIQUE(platform, days)", "This handling time is already known for this platform."
    )
