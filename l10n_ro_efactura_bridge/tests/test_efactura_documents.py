# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Invoices of every buyer kind reach ANAF and come back accepted, with a valid CIUS-RO XML."""

from contextlib import ExitStack, contextmanager
from unittest.mock import patch

from odoo.tests import tagged

from ..models.account_edi_xml_ubl_ro import AccountEdiXmlUblRo
from .common import LONG_NAME, NS, EfacturaBridgeCase

BUYER = "cac:AccountingCustomerParty/cac:Party"


@tagged("post_install", "-at_install")
class TestEfacturaDocuments(EfacturaBridgeCase):
    def test_b2c_without_cnp_in_bucharest_sector_is_accepted(self):
        invoice = self._invoice(self.person_bucharest)
        self._send(invoice)

        self._assert_accepted(invoice)
        upload = self.simulator.uploads()[0]
        self.assertTrue(upload["b2c"], "an individual buyer goes to uploadb2c")
        self.assertEqual(upload["standard"], "UBL")
        xml = self._uploaded_xml(invoice)
        address = f"{BUYER}/cac:PostalAddress"
        self.assertEqual(self._text(xml, f"{address}/cbc:CityName"), "SECTOR3")
        self.assertEqual(self._text(xml, f"{address}/cbc:CountrySubentity"), "RO-B")
        self.assertEqual(
            self._text(xml, f"{BUYER}/cac:PartyLegalEntity/cbc:CompanyID"), "0000000000000"
        )
        self.assertIsNone(
            xml.find(f"{BUYER}/cac:PartyTaxScheme", namespaces=NS),
            "13 zeros are never written as a tax id",
        )
        name = self._text(xml, "cac:InvoiceLine/cac:Item/cbc:Name")
        self.assertLessEqual(len(name), 100)
        self.assertIn(LONG_NAME, self._text(xml, "cac:InvoiceLine/cac:Item/cbc:Description"))
        self.assertIn("accepted by ANAF", invoice.message_ids[0].body)

    def test_bucharest_sector_read_from_how_buyers_write_it(self):
        """eMAG buyers rarely type "SECTOR2": the sector is read from words or the postal code."""
        bucharest = self.env.ref("base.RO_B")
        written = {
            "SECTOR5": {"city": "Bucuresti", "street": "Calea Rahovei 10, sectorul 5"},
            "SECTOR6": {"city": "București", "street": "Bd. Iuliu Maniu 7", "zip": "061344"},
            "SECTOR2": {"city": "Sector 2", "street": "Str. Viitorului 3"},
        }
        invoices = self.env["account.move"]
        for values in written.values():
            buyer = self.person_bucharest.copy({**values, "state_id": bucharest.id})
            invoices |= self._invoice(buyer)
        self._send(invoices)

        for sector, invoice in zip(written, invoices, strict=True):
            self._assert_accepted(invoice)
            xml = self._uploaded_xml(invoice)
            self.assertEqual(
                self._text(xml, f"{BUYER}/cac:PostalAddress/cbc:CityName"), sector, invoice.name
            )

    def test_b2c_with_cnp_carries_the_cnp_as_legal_id(self):
        invoice = self._invoice(self.person_with_cnp)
        self._send(invoice)

        self._assert_accepted(invoice)
        xml = self._uploaded_xml(invoice)
        self.assertEqual(
            self._text(xml, f"{BUYER}/cac:PartyLegalEntity/cbc:CompanyID"), "2901011401211"
        )
        self.assertIsNone(xml.find(f"{BUYER}/cac:PartyTaxScheme", namespaces=NS))

    def test_b2b_vat_payer_gets_ro_prefixed_vat_id(self):
        invoice = self._invoice(self.vat_payer)
        self._send(invoice)

        self._assert_accepted(invoice)
        self.assertFalse(self.simulator.uploads()[0]["b2c"], "a company buyer goes to upload")
        xml = self._uploaded_xml(invoice)
        scheme = f"{BUYER}/cac:PartyTaxScheme"
        self.assertEqual(self._text(xml, f"{scheme}/cbc:CompanyID"), "RO43567824")
        self.assertEqual(self._text(xml, f"{scheme}/cac:TaxScheme/cbc:ID"), "VAT")

    @contextmanager
    def _core_builder(self):
        """Core's CIUS-RO builder as it is without the bridge: every override of ours skipped."""
        builder_class = type(self.env["account.edi.xml.ubl_ro"])
        with ExitStack() as stack:
            for name, member in vars(AccountEdiXmlUblRo).items():
                if callable(member) and not name.startswith("__"):

                    def core(builder, *args, _name=name, **kwargs):
                        return getattr(super(AccountEdiXmlUblRo, builder), _name)(*args, **kwargs)

                    stack.enter_context(patch.object(builder_class, name, core))
            yield

    def test_business_buyer_gets_cores_xml_whatever_the_company_box(self):
        """A registered buyer is a business: its (non-eMAG) invoice is core's XML, unchanged."""
        builder = self.env["account.edi.xml.ubl_ro"]
        buyers = {
            "VAT number": self.vat_payer.copy({"is_company": False}),
            "CUI only": self.vat_payer.copy(
                {"is_company": False, "vat": False, "company_registry": "43567824"}
            ),
            "trade-register number only": self.vat_payer.copy(
                {"is_company": False, "vat": False, "company_registry": False}
            ),
        }
        buyers["trade-register number only"].nrc = "J12/345/2019"
        invoices = self.env["account.move"]
        for label, buyer in buyers.items():
            with self.subTest(buyer=label):
                invoice = self._invoice(buyer, lines=[(self.book, 2, 80.0, self.tax_11)])
                self.assertFalse(invoice._emag_account(), "not an eMAG invoice")
                xml, errors = builder._export_invoice(invoice)
                with self._core_builder():
                    core_xml, core_errors = builder._export_invoice(invoice)
                self.assertEqual((errors, core_errors), (set(), set()))
                self.assertEqual(xml.decode(), core_xml.decode(), "the bridge changes nothing")
                invoices |= invoice

        # The business buyer is declared a business to ANAF too.
        self._send(invoices[0])
        self._assert_accepted(invoices[0])
        self.assertFalse(self.simulator.uploads()[0]["b2c"], "a registered buyer goes to upload")
        xml = self._uploaded_xml(invoices[0])
        self.assertEqual(
            self._text(xml, f"{BUYER}/cac:PartyTaxScheme/cbc:CompanyID"), self.vat_payer.vat
        )

    def test_b2b_non_vat_payer_gets_bare_cui_outside_vat_scheme(self):
        invoice = self._invoice(self.non_payer)
        self._send(invoice)

        self._assert_accepted(invoice)
        xml = self._uploaded_xml(invoice)
        scheme = f"{BUYER}/cac:PartyTaxScheme"
        self.assertEqual(self._text(xml, f"{scheme}/cbc:CompanyID"), "14399840")
        self.assertNotEqual(self._text(xml, f"{scheme}/cac:TaxScheme/cbc:ID"), "VAT")

    def test_voucher_discount_and_mixed_vat_rates_are_accepted(self):
        invoice = self._invoice(
            self.person_bucharest,
            lines=[
                (self.phone, 1, 1000.0, self.tax_21, {"discount": 10.0}),
                (self.book, 3, 80.0, self.tax_11),
                (self.book, 1, -25.0, self.tax_11, {"name": "Voucher eMAG"}),
            ],
        )
        self._send(invoice)

        self._assert_accepted(invoice)
        xml = self._uploaded_xml(invoice)
        rates = sorted(
            xml.xpath(
                "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent/text()", namespaces=NS
            )
        )
        self.assertEqual(rates, ["11.0", "21.0"])
        prices = xml.xpath("cac:InvoiceLine/cac:Price/cbc:PriceAmount/text()", namespaces=NS)
        self.assertTrue(all(float(price) >= 0 for price in prices), "BR-27: no negative price")

    def test_eur_invoice_reports_vat_in_ron(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 0.2)])
        invoice = self._invoice(self.vat_payer, currency=eur)
        self._send(invoice)

        self._assert_accepted(invoice)
        xml = self._uploaded_xml(invoice)
        self.assertEqual(self._text(xml, "cbc:DocumentCurrencyCode"), "EUR")
        self.assertEqual(self._text(xml, "cbc:TaxCurrencyCode"), "RON")
        ron_totals = xml.xpath("cac:TaxTotal/cbc:TaxAmount[@currencyID='RON']", namespaces=NS)
        self.assertEqual(len(ron_totals), 1)

    def test_credit_note_references_the_invoice_and_is_accepted(self):
        invoice = self._invoice(self.vat_payer)
        self._send(invoice)
        self._assert_accepted(invoice)

        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "Retur eMAG", "journal_id": invoice.journal_id.id})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        self._send(credit_note)

        self._assert_accepted(credit_note)
        upload = [u for u in self.simulator.uploads() if u["invoice_number"] == credit_note.name]
        self.assertEqual(upload[0]["standard"], "CN")
        xml = self._uploaded_xml(credit_note)
        reference = "cac:BillingReference/cac:InvoiceDocumentReference"
        self.assertEqual(self._text(xml, f"{reference}/cbc:ID"), invoice.name)
        self.assertEqual(self._text(xml, f"{reference}/cbc:IssueDate"), "2026-03-02")
