# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""eMAG's invoices arriving through ANAF SPV after the connector booked them.

The connector books eMAG's invoices from ``invoice/read`` as vendor bills
(``emag_connector/services/money/vendor_bills.py``); eMAG files the same
invoices at ANAF, and *Synchronize with ANAF* brings them as received bills.
Core matches a received bill to an existing one by amount, supplier VAT and
date only, and then re-imports the XML into it; a bill of eMAG's already
booked (posted, netted) is instead linked here, by supplier fiscal code and
number, as core links a bill (SPV index, e-Factura document, XML attached),
and the message is not handed to core: never two bills for one invoice.

The other order (SPV first) is the connector's: it finds the received bill
by supplier and number when it reads eMAG's invoices, and links it.
"""

import base64

from odoo.addons.emag_connector.services.money.vendor_bills import fiscal_code


def link_emag_bills(env, messages):
    """Link the messages that are eMAG invoices already booked; return the others."""
    remaining = []
    for message in messages:
        answer = message.get("answer") or {}
        invoice = answer.get("invoice") or {}
        bill = None
        if "error" not in answer and invoice.get("name"):
            bill = emag_bill(env, invoice.get("seller_vat"), invoice["name"])
        if not bill:
            remaining.append(message)
            continue
        if bill.l10n_ro_edi_index:
            continue  # linked before
        _link(env, bill, message)
    return remaining


def emag_bill(env, seller_vat, number):
    """The booked eMAG bill of supplier ``seller_vat`` numbered ``number``."""
    Move = env["account.move"]
    code = fiscal_code(seller_vat)
    candidates = Move.search(
        [
            ("company_id", "=", env.company.id),
            ("move_type", "in", Move.get_purchase_types()),
            ("emag_invoice_number", "=", number),
            ("state", "!=", "cancel"),
        ]
    )
    return candidates.filtered(lambda m: fiscal_code(m.commercial_partner_id.vat) == code)[:1]


def _link(env, bill, message):
    signature = message["answer"]["signature"]
    invoice = message["answer"]["invoice"]
    bill.l10n_ro_edi_index = message["id_solicitare"]
    env["l10n_ro_edi.document"].sudo().create(
        {
            "invoice_id": bill.id,
            "state": "invoice_validated",
            "key_download": message["id"],
            "key_signature": signature["key_signature"],
            "key_certificate": signature["key_certificate"],
            "attachment": base64.b64encode(signature["attachment_raw"]),
        }
    )
    env["ir.attachment"].sudo().create(
        {
            "name": f"ciusro_{invoice['name'].replace('/', '_')}.xml",
            "raw": invoice["attachment_raw"],
            "res_model": "account.move",
            "res_id": bill.id,
        }
    )
    bill.message_post(
        body=env._(
            "Received from ANAF SPV (message %(message)s) and linked with this bill, booked "
            "from eMAG's invoice %(number)s.",
            message=message["id"],
            number=bill.emag_invoice_number,
        )
    )
