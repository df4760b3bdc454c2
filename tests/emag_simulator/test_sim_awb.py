"""awb/save finalizes orders; awb/read; PDF and ZPL labels; validation."""

import base64
import re
from datetime import timedelta

import pytest
from emag_sim_support import USER, order_lines

SENDER = {
    "name": "EXEMPLU SHOP SRL",
    "contact": "Andrei Vasile",
    "phone1": "0744000333",
    "locality_id": 8801,
    "street": "Str. Depozitului nr. 7",
}
RECEIVER = {
    "name": "Ion Popescu",
    "contact": "Ion Popescu",
    "phone1": "+40722000111",
    "legal_entity": 0,
    "locality_id": 1234,
    "street": "Str. Exemplului nr. 10",
}


def awb_request(order_id, **overrides):
    return {
        "order_id": order_id,
        "sender": dict(SENDER),
        "receiver": dict(RECEIVER),
        "is_oversize": 0,
        "envelope_number": 0,
        "parcel_number": 1,
        "cod": 255.99,
        "weight": 1.8,
        **overrides,
    }


def test_awb_save_finalizes_order_and_returns_numbers(esim, esim_api):
    order = esim.create_order(USER, status=2, lines=order_lines(1))
    body = esim_api.save("awb/save", awb_request(order["id"], courier_account_id=5186))
    assert body["isError"] is False
    result = body["results"]
    assert set(result) == {"reservation_id", "courier_id", "courier_name", "awb"}
    assert result["courier_name"] == "SAMEDAY"
    assert set(result["awb"][0]) == {"emag_id", "awb_number", "awb_barcode"}
    saved = esim.get_order(USER, order["id"])
    assert saved["status"] == 4 and saved["finalization_date"]
    label = [a for a in saved["attachments"] if a["type"] == 10]
    assert label and label[0]["url"].endswith(f"emag_id={result['awb'][0]['emag_id']}")


def test_awb_read_by_emag_id_or_reservation_id(esim, esim_api):
    order = esim.create_order(USER, status=3)
    result = esim_api.save("awb/save", awb_request(order["id"]))["results"]
    emag_id = result["awb"][0]["emag_id"]
    by_id = esim_api.call("awb/read", {"emag_id": emag_id})["results"]
    by_reservation = esim_api.call("awb/read", {"reservation_id": result["reservation_id"]})
    assert by_id == by_reservation["results"]
    assert by_id[0]["order_id"] == order["id"] and by_id[0]["courier"]["courier_account_id"]
    missing = esim_api.call("awb/read", {})
    assert missing["isError"] is True
    assert missing["messages"] == ["Emag id or reservation id is mandatory"]


def _check_pdf(content):
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)", content).group(1))
    assert content[startxref:].startswith(b"xref")
    for number, offset in enumerate(re.findall(rb"(\d{10}) 00000 n", content), start=1):
        assert content[int(offset) :].startswith(b"%d 0 obj" % number)


@pytest.mark.parametrize(
    ("page", "size"), [("A4", b"595 842"), ("A5", b"420 595"), ("A6", b"298 420")]
)
def test_label_pdf_with_and_without_api_prefix(esim, esim_api, page, size):
    order = esim.create_order(USER, status=2)
    emag_id = esim_api.save("awb/save", awb_request(order["id"]))["results"]["awb"][0]["emag_id"]
    for url in (f"{esim.base_url}/awb/read_pdf", f"{esim.root_url}/awb/read_pdf"):
        response = esim_api.session.get(
            url, params={"emag_id": emag_id, "awb_format": page}, timeout=5
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/pdf"
        _check_pdf(response.content)
        assert b"/MediaBox [0 0 " + size + b"]" in response.content


def test_label_for_unknown_awb_is_a_json_error(esim, esim_api):
    response = esim_api.session.get(
        f"{esim.base_url}/awb/read_pdf", params={"emag_id": 1}, timeout=5
    )
    assert response.status_code == 200 and response.json()["isError"] is True


def test_zpl_label_is_base64_in_json(esim, esim_api):
    order = esim.create_order(USER, status=2)
    emag_id = esim_api.save("awb/save", awb_request(order["id"]))["results"]["awb"][0]["emag_id"]
    body = esim_api.session.get(
        f"{esim.root_url}/awb/read_zpl", params={"emag_id": emag_id}, timeout=5
    ).json()
    assert base64.b64decode(body["results"]).startswith(b"^XA")


@pytest.mark.parametrize(
    "overrides",
    [
        {"parcel_number": 0, "envelope_number": 0},
        {"receiver": {**RECEIVER, "phone1": "07-22"}},
        {"receiver": {**RECEIVER, "locality_id": 999999}},
        {"sender": {**SENDER, "name": "AB"}},
        {"courier_account_id": 42},
        {"cod": -1},
    ],
)
def test_invalid_awb_requests_are_refused_without_effect(esim, esim_api, overrides):
    order = esim.create_order(USER, status=2)
    assert esim_api.save("awb/save", awb_request(order["id"], **overrides))["isError"] is True
    assert esim.get_order(USER, order["id"])["status"] == 2
    assert not esim.account(USER).awbs


@pytest.mark.parametrize("status", [0, 1, 5])
def test_no_awb_for_new_canceled_or_returned_orders(esim, esim_api, status):
    order = esim.create_order(USER, status=status)
    assert esim_api.save("awb/save", awb_request(order["id"]))["isError"] is True


def test_enforced_courier_accounts(esim, esim_api):
    order = esim.create_order(USER, status=2)
    with esim.state.lock:
        esim.account(USER).orders[order["id"]].data["enforced_vendor_courier_accounts"] = [5187]
    assert (
        esim_api.save("awb/save", awb_request(order["id"], courier_account_id=5186))["isError"]
        is True
    )
    assert (
        esim_api.save("awb/save", awb_request(order["id"], courier_account_id=5187))["isError"]
        is False
    )


def test_bare_object_body_works_for_awb_save(esim, esim_api):
    order = esim.create_order(USER, status=2)
    assert esim_api.call("awb/save", awb_request(order["id"]))["isError"] is False


def test_return_awb_is_linked_to_the_rma(esim, esim_api):
    order = esim.create_order(USER, status=4)
    rma = esim.create_return(USER, order["id"])
    request = {
        k: v for k, v in awb_request(None, rma_id=rma["emag_id"], cod=0).items() if k != "order_id"
    }
    request.update(sender=dict(RECEIVER), receiver=dict(SENDER))
    today = esim.account(USER).now().date()
    too_early = esim_api.save("awb/save", {**request, "date": today.isoformat()})
    assert too_early["isError"] is True
    request["date"] = (today + timedelta(days=1)).isoformat()
    result = esim_api.save("awb/save", request)["results"]
    assert esim.get_return(USER, rma["emag_id"])["awbs"] == [
        {"reservation_id": result["reservation_id"]}
    ]
    assert esim.get_order(USER, order["id"])["status"] == 4


def test_unlock_courier_lifts_an_empty_enforced_list(esim, esim_api):
    order = esim.create_order(USER, status=2)
    with esim.state.lock:
        esim.account(USER).orders[order["id"]].data["enforced_vendor_courier_accounts"] = []
    refused = esim_api.save("awb/save", awb_request(order["id"]))
    assert refused["isError"] is True and "cannot be issued" in refused["messages"][0]
    assert esim_api.call(f"order/{order['id']}/unlock-courier")["isError"] is False
    assert esim_api.save("awb/save", awb_request(order["id"]))["isError"] is False


def _return_awb_request(esim, rma, receiver):
    request = {
        k: v for k, v in awb_request(None, rma_id=rma["emag_id"], cod=0).items() if k != "order_id"
    }
    tomorrow = esim.account(USER).now().date() + timedelta(days=1)
    request.update(sender=dict(RECEIVER), receiver=receiver, date=tomorrow.isoformat())
    return request


def test_saved_address_stands_for_the_return_receiver(esim, esim_api):
    """4.4.9: a saved ``address_id`` on the seller's side overrides the
    address fields; an id the seller does not have is refused."""
    order = esim.create_order(USER, status=4)
    rma = esim.create_return(USER, order["id"])
    saved = next(a for a in esim.account(USER).addresses if a["address_type_id"] == 1)
    contact = {"name": "EXEMPLU SHOP SRL", "contact": "Depozit", "phone1": "0744000333"}
    result = esim_api.save(
        "awb/save", _return_awb_request(esim, rma, {**contact, "address_id": saved["address_id"]})
    )
    assert result["isError"] is False, result
    awb = esim.get_awb(USER, result["results"]["awb"][0]["emag_id"])
    assert awb["receiver"]["locality_id"] == saved["locality_id"]
    assert awb["receiver"]["street"] == saved["address"]

    unknown = esim_api.save(
        "awb/save", _return_awb_request(esim, rma, {**contact, "address_id": "9"})
    )
    assert unknown["isError"] is True
    assert "receiver.address_id 9 is not one of your saved addresses" in unknown["messages"][0]
    assert len(esim.get_return(USER, rma["emag_id"])["awbs"]) == 1


def test_saved_address_overrides_the_order_sender(esim, esim_api):
    order = esim.create_order(USER, status=2)
    saved = next(a for a in esim.account(USER).addresses if a["address_type_id"] == 2)
    sender = {**SENDER, "street": "Str. Ignorata 1", "address_id": saved["address_id"]}
    result = esim_api.save("awb/save", awb_request(order["id"], sender=sender))["results"]
    awb = esim.get_awb(USER, result["awb"][0]["emag_id"])
    assert awb["sender"]["street"] == saved["address"]
