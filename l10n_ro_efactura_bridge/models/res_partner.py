# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from stdnum.ro import cnp as stdnum_cnp

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    l10n_ro_efb_cnp = fields.Char(
        string="CNP",
        help="Personal numeric code an individual buyer asked to have on the invoice. "
        "Leave empty otherwise: e-Factura then identifies the buyer with 13 zeros, "
        "as the law allows.",
    )

    @api.constrains("l10n_ro_efb_cnp")
    def _check_l10n_ro_efb_cnp(self):
        for partner in self.filtered("l10n_ro_efb_cnp"):
            if not stdnum_cnp.is_valid(partner.l10n_ro_efb_cnp):
                raise ValidationError(_("%(cnp)s is not a valid CNP.", cnp=partner.l10n_ro_efb_cnp))

    def _l10n_ro_efb_is_consumer(self):
        """Whether e-Factura treats this buyer as a consumer (B2C).

        Tax status follows the registration, not the *Company* box: a buyer
        with a VAT number, a CUI (``company_registry``, which l10n_ro fills
        from the VAT) or a trade-register number (``nrc``, "J12/345/2019") is a
        business (``upload``, core's party node untouched); only a buyer with
        none is a consumer. A CNP (or 13 zeros) typed in the VAT field is a
        person's number, not a VAT registration.
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        vat = (partner.vat or "").strip()
        has_vat = len(vat) > 1 and not (len(vat) == 13 and vat.isdigit())  # "/": no VAT, as core
        registered = (partner.company_registry or "").strip() or (partner.nrc or "").strip()
        return not has_vat and not registered

    def _l10n_ro_efb_buyer_identifier(self):
        """The CNP to write for an individual buyer, ``False`` when none was given.

        A 13-digit number typed in the VAT field of a person is a CNP too (a
        common data-entry habit); it is used as such, never as a VAT id.
        """
        self.ensure_one()
        if self.l10n_ro_efb_cnp:
            return stdnum_cnp.compact(self.l10n_ro_efb_cnp)
        vat = (self.vat or "").strip()
        if len(vat) == 13 and vat.isdigit() and vat != "0" * 13:
            return vat
        return False
