"""eMAG's invoices to the seller (doc §15) on the simulator, read with the
connector's HTTP client: categories, paginated reads by date window, storno."""

from datetime import date, datetime

from emag_sim_support import PASSWORD, USER

from emag_api import EmagClient
from emag_simulator.invoices import as_ubl


def _client(esim):
    return EmagClient(esim.base_url, USER, PASSWORD, retries=0)


def test_categories_and_paginated_invoices_with_storno(esim):
    for day in (3, 4, 5):
        esim.issue_invoice(
            USER,
            "FC",
            [{"product_name": "Comision", "quantity": 1, "unit_price": 10.5, "vat_rate": 21}],
            date=datetime(2026, 3, day),
        )
    first = esim.issue_invoice(
        USER,
        "FT",
        [{"product_name": "Transport", "quantity": 2, "unit_price": 15, "vat_rate": 21}],
        date=datetime(2026, 3, 4),
    )
    storno = esim.storno_invoice(USER, first["number"], date=datetime(2026, 3, 6))
    with _client(esim) as client:
        assert {"category": "FC", "name": "Commission"} in client.read_invoice_categories()
        window = list(
            client._iter_documents(
                "invoice",
                {"date_start": date(2026, 3, 4), "date_end": date(2026, 3, 6)},
                items_per_page=2,
            )
        )
        assert len(window) == 4  # three pages of two, the last one short
        assert len({invoice["number"] for invoice in window}) == 4
        got = next(i for i in window if i["number"] == storno["number"])
        assert got["is_storno"] == 1 and got["reversal_for"] == first["number"]
        assert got["total_with_vat"] == -36.3
        assert got["lines"][0]["quantity"] == -2
        assert (
            list(client.iter_invoices(category="FT", number=first["number"]))[0]["total_with_vat"]
            == 36.3
        )


def test_the_same_invoice_as_an_e_factura(esim):
    invoice = esim.issue_invoice(
        USER,
        "FC",
        [{"product_name": "Comision & taxe", "quantity": 1, "unit_price": 100, "vat_rate": 21}],
    )
    xml = as_ubl(invoice).decode()
    assert f"<cbc:ID>{invoice['number']}</cbc:ID>" in xml
    assert "<cbc:CompanyID>RO14399840</cbc:CompanyID>" in xml
    assert ">121.00</cbc:TaxInclusiveAmount>" in xml
    assert "Comision &amp; taxe" in xml
