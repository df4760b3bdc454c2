# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Vendor bills received through SPV, imported as core's "Synchronize with ANAF" does.

Core's synchronization reads ANAF's message list and, besides judging the
invoices it sent, creates a vendor bill for every ``FACTURA PRIMITA``. The
bridge routes the sent-invoice part to its own pipeline; this module keeps
the other part alive. The messages are read with the bridge's client (the
company's ANAF environment, sandbox included; temporary errors typed) and
handed to core's own ``_l10n_ro_edi_process_bill_messages`` in the shape
core's downloader builds, so bills are created, matched to draft bills and
deduplicated by SPV index exactly as core does.

Two differences with core, both deliberate:

* the window runs from the last complete synchronization (not a fixed day),
  so a day without ANAF does not lose that day's bills, and messages whose
  index is already on a bill are not downloaded again (downloads are quota'd);
* ``seller_vat`` is the supplier's identifier (core reads the buyer's, which
  keeps its "match an existing draft bill" search from ever finding one).
"""

import logging
from datetime import UTC, datetime, timedelta

from lxml import etree

from odoo import fields

from .anaf_connection import AnafConnection
from .efactura_pipeline import _signature_keys

_logger = logging.getLogger(__name__)

NS_UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# ANAF stamps messages to the minute in Bucharest time; windows overlap by this much.
OVERLAP = timedelta(hours=1)
# A first synchronization looks back as far as core's does.
FIRST_WINDOW = timedelta(days=1)
# listaMesajePaginatieFactura refuses a start older than 60 days.
MAX_WINDOW = timedelta(days=59)


def _party_id(root, party):
    base = f"cac:{party}/cac:Party"
    return (
        root.findtext(f"{base}/cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS_UBL)
        or root.findtext(f"{base}/cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS_UBL)
        or ""
    ).strip()


def core_bill_message(message, download):
    """A received message in the shape of core's ``_request_ciusro_synchronize_invoices``."""
    root = etree.fromstring(
        download.document, etree.XMLParser(resolve_entities=False, no_network=True)
    )
    signature_value, certificate = _signature_keys(download.signature)
    return {
        "id": message.id,
        "id_solicitare": message.upload_index or download.index,
        "tip": message.kind,
        "detalii": message.details,
        "answer": {
            "signature": {
                "attachment_raw": download.signature or download.zip_bytes,
                "key_signature": signature_value,
                "key_certificate": certificate,
            },
            "invoice": {
                "name": root.findtext("cbc:ID", namespaces=NS_UBL),
                "amount_total": root.findtext(
                    "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", namespaces=NS_UBL
                ),
                "seller_vat": _party_id(root, "AccountingSupplierParty"),
                "buyer_vat": _party_id(root, "AccountingCustomerParty"),
                "date": fields.Date.to_date(root.findtext("cbc:IssueDate", namespaces=NS_UBL)),
                "attachment_raw": download.document,
            },
        },
    }


class ReceivedBillsSync:
    """Imports the invoices suppliers filed at ANAF for one company."""

    def __init__(self, env):
        self.env = env

    def run(self, company):
        """Import the bills received since the last complete run; return the bills filled.

        A temporary ANAF error propagates after the bills already downloaded
        are imported; the window is then not advanced, so the next run reads
        the same messages again (imported ones are skipped by index).
        """
        company = company.sudo()
        now = datetime.now(UTC)
        since = company.l10n_ro_efb_bills_synced_until
        start = (
            max(since.replace(tzinfo=UTC) - OVERLAP, now - MAX_WINDOW)
            if since
            else now - FIRST_WINDOW
        )
        connection = AnafConnection(company)
        messages = connection.call(
            lambda client: client.list_messages_between(company.vat, start, now, filter="P")
        )
        moves = self.env["account.move"].with_company(company)
        known = set(
            self._bills(company, [m.upload_index for m in messages]).mapped("l10n_ro_edi_index")
        )
        batch = []
        try:
            for message in messages:
                if message.kind != "FACTURA PRIMITA" or message.upload_index in known:
                    continue
                download = connection.call(lambda client, ident=message.id: client.download(ident))
                batch.append(core_bill_message(message, download))
        finally:
            if batch:
                moves._l10n_ro_edi_process_bill_messages(batch)
        company.l10n_ro_efb_bills_synced_until = now.replace(tzinfo=None)
        bills = self._bills(company, [message["id_solicitare"] for message in batch])
        _logger.info(
            "ANAF synchronization of company %s: %s bill(s) received", company.id, len(bills)
        )
        return bills

    def _bills(self, company, indexes):
        moves = self.env["account.move"]
        return moves.search(
            [
                ("company_id", "=", company.id),
                ("move_type", "in", moves.get_purchase_types()),
                ("l10n_ro_edi_index", "in", indexes),
            ]
        )
