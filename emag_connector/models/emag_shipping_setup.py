# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class EmagCourierAccount(models.Model):
    """A courier account of the seller on eMAG (``courier_accounts/read``)."""

    _name = "emag.courier.account"
    _description = "eMAG Courier Account"
    _order = "account_id, id"

    account_id = fields.Many2one("emag.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    emag_id = fields.Integer(string="eMAG Courier Account", required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    courier_name = fields.Char(string="Courier", readonly=True)
    for_orders = fields.Boolean(readonly=True, help="The account can carry order deliveries.")
    lockers = fields.Boolean(readonly=True, help="The courier delivers to lockers.")
    active = fields.Boolean(default=True, readonly=True)

    _account_emag_id_unique = models.Constraint(
        "UNIQUE(account_id, emag_id)", "This courier account is already known."
    )


class EmagPickupAddress(models.Model):
    """An address the seller saved on eMAG (``addresses/read``)."""

    _name = "emag.pickup.address"
    _description = "eMAG Saved Address"
    _order = "account_id, is_default desc, id"

    account_id = fields.Many2one("emag.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    emag_id = fields.Char(string="eMAG Address", required=True, readonly=True)
    name = fields.Char(compute="_compute_name", store=True)
    address_type = fields.Selection(
        [("1", "Return"), ("2", "Pickup"), ("3", "Invoice / head office"), ("4", "Estimates")],
        readonly=True,
    )
    locality_id = fields.Integer(string="eMAG Locality", readonly=True)
    city = fields.Char(readonly=True)
    county = fields.Char(readonly=True)
    street = fields.Char(readonly=True)
    zipcode = fields.Char(readonly=True)
    is_default = fields.Boolean(readonly=True)
    active = fields.Boolean(default=True, readonly=True)

    _account_emag_id_unique = models.Constraint(
        "UNIQUE(account_id, emag_id)", "This address is already known."
    )

    @api.depends("street", "city")
    def _compute_name(self):
        for address in self:
            address.name = ", ".join(part for part in (address.street, address.city) if part)
