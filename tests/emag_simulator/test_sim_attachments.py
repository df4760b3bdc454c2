"""order/attachments/save: PDF URLs only, order_type, warranties per line."""

import pytest
from emag_sim_support import USER, order_lines


def invoice(order, **overrides):
    return {
        "order_id": order["id"],
        "order_type": order["type"],
        "name": "Factura EXS 10234",
        "url": "https://erp.example.ro/invoices/EXS-10234.pdf",
        "type": 1,
        "force_download": 1,
        **overrides,
    }


def test_invoice_and_warranty_are_stored_on_the_order(esim, esim_api):
    order = esim.create_order(USER, status=4, lines=order_lines(1))
    line_id = order["products"][0]["id"]
    warranty = invoice(
        order,
        type=3,
        order_product_id=line_id,
        url="https://erp.example.ro/warranty/1.PDF?token=abc",
    )
    assert esim_api.save("order/attachments/save", invoice(order), warranty)["isError"] is False
    attachments = esim.get_order(USER, order["id"])["attachments"]
    assert [(a["type"], a.get("order_product_id")) for a in attachments] == [
        (1, None),
        (3, line_id),
    ]
    read = esim_api.call("order/attachments/read", {"order_id": order["id"]})["results"]
    assert len(read) == 2


def test_resending_the_same_url_replaces_instead_of_duplicating(esim, esim_api):
    order = esim.create_order(USER, status=4)
    esim_api.save("order/attachments/save", invoice(order))
    esim_api.save("order/attachments/save", invoice(order, name="Factura corectata"))
    attachments = esim.get_order(USER, order["id"])["attachments"]
    assert [a["name"] for a in attachments] == ["Factura corectata"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"url": "https://erp.example.ro/invoices/EXS-10234.docx"},
        {"url": "https://erp.example.ro/invoices/EXS-10234.png"},
        {"url": "ftp://erp.example.ro/invoice.pdf"},
        {"url": ""},
        {"order_type": None},
        {"order_type": 2},
        {"type": 2},
        {"type": 3},
        {"type": 3, "order_product_id": 1},
        {"name": "x" * 61},
        {"order_id": 1},
    ],
)
def test_invalid_attachments_are_refused(esim, esim_api, overrides):
    order = esim.create_order(USER, status=4)
    assert esim_api.save("order/attachments/save", invoice(order, **overrides))["isError"] is True
    assert esim.get_order(USER, order["id"])["attachments"] == []


def test_fbe_orders_accept_attachments_with_order_type_2(esim, esim_api):
    order = esim.create_order(USER, status=4, order_type=2)
    assert esim_api.save("order/attachments/save", invoice(order))["isError"] is False
