# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from odoo.addons.l10n_ro_edi.models.account_edi_xml_ubl_ciusro import DEFAULT_VAT

from ..compat import ODOO_MAJOR
from ..services.ro_address import (
    MAX_ADDITIONAL_STREET,
    MAX_CITY,
    MAX_CONTACT,
    MAX_ITEM_DESCRIPTION,
    MAX_ITEM_NAME,
    MAX_PARTY_NAME,
    MAX_POSTAL_ZONE,
    MAX_STREET,
    bucharest_sector,
    shorten,
)

MAX_NOTE = 300


def _shorten_text(node, key, limit):
    """Shorten ``node[key]['_text']`` in place when the node is there."""
    child = node.get(key) if node else None
    if child and isinstance(child.get("_text"), str):
        child["_text"] = shorten(child["_text"], limit)


def _nodes(node):
    """A node or a list of nodes (18.0 lists repeated ones) as a list."""
    if not node:
        return []
    return node if isinstance(node, list) else [node]


def _fit_address_node(address_node, partner):
    """Bucharest's sector read from how the buyer wrote it; lengths capped."""
    state = partner.state if partner._name == "res.bank" else partner.state_id
    if state.code == "B" and state.country_id.code == "RO":
        sector = bucharest_sector(
            partner.city, partner.street, partner.street2, zip_code=partner.zip
        )
        if sector:
            address_node["cbc:CityName"] = {"_text": sector}
    for key, limit in (
        ("cbc:StreetName", MAX_STREET),
        ("cbc:AdditionalStreetName", MAX_ADDITIONAL_STREET),
        ("cbc:CityName", MAX_CITY),
        ("cbc:PostalZone", MAX_POSTAL_ZONE),
    ):
        _shorten_text(address_node, key, limit)
    return address_node


def _fit_party_node(party_node):
    """Party names and contact within CIUS-RO's lengths."""
    for name_node in _nodes(party_node.get("cac:PartyName")):
        _shorten_text(name_node, "cbc:Name", MAX_PARTY_NAME)
    for entity in _nodes(party_node.get("cac:PartyLegalEntity")):
        _shorten_text(entity, "cbc:RegistrationName", MAX_PARTY_NAME)
    for key in ("cbc:Name", "cbc:Telephone", "cbc:ElectronicMail"):
        for contact in _nodes(party_node.get("cac:Contact")):
            _shorten_text(contact, key, MAX_CONTACT)
    return party_node


def _accept_bucharest_sectors(constraints, vals):
    """Core only accepts a city typed "SECTORn"; the address node derives it."""
    for role in ("supplier", "customer"):
        partner = vals[role]
        if bucharest_sector(partner.city, partner.street, partner.street2, zip_code=partner.zip):
            constraints.pop(f"ciusro_{role}_invalid_city_name", None)
    return constraints


def _fit_item_node(item_node):
    """An item name over 100 characters is shortened, the full name going to the
    item description (BR-RO-L100/L1024); the description is capped too."""
    if not item_node:
        return item_node
    name = (item_node.get("cbc:Name") or {}).get("_text") or ""
    if len(name) > MAX_ITEM_NAME:
        item_node["cbc:Name"] = {"_text": shorten(name, MAX_ITEM_NAME)}
        description = (item_node.get("cbc:Description") or {}).get("_text") or ""
        if name not in description:
            description = name
        item_node["cbc:Description"] = {"_text": description}
    _shorten_text(item_node, "cbc:Description", MAX_ITEM_DESCRIPTION)
    return item_node


class AccountEdiXmlUblRo(models.AbstractModel):
    """Odoo's CIUS-RO builder, corrected where marketplace data breaks the rules.

    Fixed here rather than after the fact so every path that produces the
    XML (the bridge, core's Send & Print, the PDF embedding) emits the same
    valid document:

    * Bucharest: the sector is read from the city, the street or the postal
      code (BR-RO-100/101), not only from a city typed exactly ``SECTORn``;
    * lengths capped as CIUS-RO demands; an item name over 100 characters is
      shortened and the full name goes to the item description (BR-RO-L100);
    * a consumer (a buyer with no VAT, CUI or trade-register number, whatever
      its *Company* box says: ``res.partner._l10n_ro_efb_is_consumer``) is
      identified by the CNP they gave, or 13 zeros, as legal registration id
      only: never as a VAT id (BR-CO-09). Every other buyer gets core's party
      node unchanged;
    * a credit note references the invoice it corrects (BG-3).
    """

    _inherit = "account.edi.xml.ubl_ro"

    # -- addresses ---------------------------------------------------------

    def _get_address_node(self, vals):
        return _fit_address_node(super()._get_address_node(vals), vals["partner"])

    # -- parties -----------------------------------------------------------

    def _get_party_node(self, vals):
        party_node = super()._get_party_node(vals)
        commercial_partner = vals["partner"].commercial_partner_id
        if vals["role"] == "customer" and commercial_partner._l10n_ro_efb_is_consumer():
            # A consumer has no VAT registration: CNP (or 13 zeros) as BT-47 only.
            party_node["cac:PartyTaxScheme"] = None
            party_node["cac:PartyLegalEntity"]["cbc:CompanyID"] = {
                "_text": commercial_partner._l10n_ro_efb_buyer_identifier() or DEFAULT_VAT
            }
        return _fit_party_node(party_node)

    if ODOO_MAJOR == 18:
        # 18.0's export builds the parties and addresses with its own helpers
        # (lists of nodes), where 19.0 calls _get_party_node/_get_address_node.
        def _ubl_get_partner_address_node(self, vals, partner):
            return _fit_address_node(super()._ubl_get_partner_address_node(vals, partner), partner)

        def _ubl_add_accounting_customer_party_node(self, vals):
            super()._ubl_add_accounting_customer_party_node(vals)
            party_node = vals["document_node"]["cac:AccountingCustomerParty"]["cac:Party"]
            commercial_partner = vals["customer"].commercial_partner_id
            if commercial_partner._l10n_ro_efb_is_consumer():
                party_node["cac:PartyTaxScheme"] = []
                identifier = commercial_partner._l10n_ro_efb_buyer_identifier() or DEFAULT_VAT
                for entity in _nodes(party_node.get("cac:PartyLegalEntity")):
                    entity["cbc:CompanyID"] = {"_text": identifier}
            _fit_party_node(party_node)

        def _ubl_add_accounting_supplier_party_node(self, vals):
            super()._ubl_add_accounting_supplier_party_node(vals)
            _fit_party_node(vals["document_node"]["cac:AccountingSupplierParty"]["cac:Party"])

        def _export_invoice_constraints_new(self, invoice, vals):
            constraints = super()._export_invoice_constraints_new(invoice, vals)
            return _accept_bucharest_sectors(constraints, vals)

    # -- header ------------------------------------------------------------

    def _add_invoice_header_nodes(self, document_node, vals):
        super()._add_invoice_header_nodes(document_node, vals)
        _shorten_text(document_node, "cbc:Note", MAX_NOTE)
        invoice = vals["invoice"]
        origin = invoice.reversed_entry_id
        if invoice.move_type == "out_refund" and origin:
            document_node["cac:BillingReference"] = {
                "cac:InvoiceDocumentReference": {
                    "cbc:ID": {"_text": origin.name},
                    "cbc:IssueDate": {"_text": origin.invoice_date},
                }
            }

    # -- lines -------------------------------------------------------------

    def _ubl_get_line_item_node(self, vals, item_values):
        return _fit_item_node(super()._ubl_get_line_item_node(vals, item_values))

    if ODOO_MAJOR < 19:
        # 17.0/18.0 build the item node here (19.0: _ubl_get_line_item_node).
        def _add_invoice_line_item_nodes(self, line_node, vals):
            super()._add_invoice_line_item_nodes(line_node, vals)
            _fit_item_node(line_node.get("cac:Item"))

    # -- constraints -------------------------------------------------------

    def _export_invoice_constraints(self, invoice, vals):
        constraints = super()._export_invoice_constraints(invoice, vals)
        return _accept_bucharest_sectors(constraints, vals)
