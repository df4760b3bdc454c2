"""Contract tests: every client call over real HTTP against the eMAG simulator."""

from datetime import timedelta
from decimal import Decimal

import pytest
from emag_api_support import PASSWORD, USER, Unpaced, catalogue_offer

from emag_api import (
    EmagClient,
    EmagNotFoundError,
    EmagRequestTooLargeError,
    EmagValidationError,
)
from emag_api.parsing import handling_time_days, parse_datetime, vat_fraction
from emag_simulator import CATEGORIES, EmagSimulator

AWB_REQUEST = {
    "sender": {
        "name": "EXEMPLU SHOP SRL",
        "contact": "Andrei Vasile",
        "phone1": "0744000333",
        "locality_id": 8801,
        "street": "Str. Depozitului nr. 7",
    },
    "is_oversize": 0,
    "envelope_number": 0,
    "parcel_number": 1,
    "weight": 1.8,
    "cod": Decimal("255.99"),
}


def receiver_of(order):
    customer = order["customer"]
    return {
        "name": customer["name"],
        "contact": customer["shipping_contact"] or customer["name"],
        "phone1": customer["shipping_phone"] or customer["phone_1"],
        "legal_entity": customer["legal_entity"],
        "locality_id": customer["shipping_locality_id"],
        "street": customer["shipping_street"],
    }


# ------------------------------------------------------------------ conventions


def test_reads_send_top_level_filters_and_saves_a_data_list(api_sim, api_client):
    api_client.read_orders(status=[1, 2], itemsPerPage=10)
    api_client.save_offers([{"id": 1, "stock": [{"warehouse_id": 1, "value": 4}]}])
    read = api_sim.received(route="order/read")[0]
    save = api_sim.received(route="offer/save")[0]
    assert read.body == {"status": [1, 2], "itemsPerPage": 10}
    assert save.body == {"data": [{"id": 1, "stock": [{"warehouse_id": 1, "value": 4}]}]}
    for request in (read, save):
        assert request.method == "POST"
        assert request.username == USER
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["Accept"] == "application/json"


def test_filters_work_on_a_strict_server():
    # Strict eMAG ignores filters nested under "data" on reads: ours are top level.
    with EmagSimulator(seed=2, rate_limits=False, strict=True) as sim:
        sim.add_account(USER, PASSWORD)
        sim.add_offer(USER, catalogue_offer(1))
        new = sim.create_order(USER, status=1)
        sim.create_order(USER, status=2)
        client = EmagClient(sim.base_url, USER, PASSWORD, limiter=Unpaced())
        assert [order["id"] for order in client.iter_orders(status=1)] == [new["id"]]
        report = client.save_offers([{"id": 1, "sale_price": 33}])
        assert report.ok
        assert sim.get_offer(USER, 1)["sale_price"] == "33.0000"


def test_platform_is_guessed_from_official_urls():
    client = EmagClient("https://marketplace-api.emag.hu/api-3/", "u", "p")
    assert client.platform.code == "emag_hu"
    assert client.base_url == "https://marketplace-api.emag.hu/api-3"
    assert EmagClient(None, "u", "p", platform="emag_bg").base_url.endswith("emag.bg/api-3")


# ----------------------------------------------------------------------- orders


def test_iter_orders_pages_until_an_empty_page(api_sim, api_client):
    created = {api_sim.create_order(USER, status=2)["id"] for _ in range(230)}
    api_sim.create_order(USER, status=1)
    seen = [order["id"] for order in api_client.iter_orders(status=2)]
    assert sorted(seen) == sorted(created)
    pages = [request.body["currentPage"] for request in api_sim.received(route="order/read")]
    assert pages == [1, 2, 3, 4]  # 100 + 100 + 30, then the empty page
    assert api_client.count_orders(status=2) == {
        "noOfItems": 230,
        "noOfPages": 3,
        "itemsPerPage": 100,
    }


def test_datetime_filters_are_sent_in_platform_local_time(api_sim, api_client):
    order = api_sim.create_order(USER, status=1)
    modified = parse_datetime(order["modified"], "emag_ro")  # aware UTC
    found = api_client.read_orders(
        modifiedAfter=modified - timedelta(seconds=1),
        modifiedBefore=modified + timedelta(seconds=1),
    )
    assert [o["id"] for o in found] == [order["id"]]
    sent = api_sim.received(route="order/read")[0].body
    assert sent["modifiedAfter"] == (
        (parse_datetime(order["modified"], "emag_ro") - timedelta(seconds=1))
        .astimezone(api_client.tz)
        .strftime("%Y-%m-%d %H:%M:%S")
    )
    assert api_client.read_orders(modifiedAfter=modified + timedelta(minutes=1)) == []


def test_acknowledge_moves_new_order_to_in_progress_and_is_repeatable(api_sim, api_client):
    order = api_sim.create_order(USER, status=1)
    api_client.acknowledge_order(order["id"])
    api_client.acknowledge_order(order["id"])
    assert api_sim.get_order(USER, order["id"])["status"] == 2
    assert [r.path for r in api_sim.received(route="order/acknowledge")] == [
        f"/api-3/order/acknowledge/{order['id']}"
    ] * 2


def test_save_order_cancels_with_a_reason(api_sim, api_client):
    order = api_sim.create_order(USER, status=2)
    full = api_client.read_orders(id=order["id"])[0]
    api_client.save_order({**full, "status": 0, "reason_cancellation": 1})
    assert api_sim.get_order(USER, order["id"])["status"] == 0
    assert api_sim.get_order(USER, order["id"])["reason_cancellation"]["id"] == 1


def test_order_attachments_are_saved_and_refusals_name_the_order(api_sim, api_client):
    order = api_sim.create_order(USER, status=2)
    url = "https://erp.exemplu.ro/public/invoices/EXS-1.pdf"
    api_client.save_order_attachments(
        [{"order_id": order["id"], "order_type": 3, "name": "Factura EXS 1", "url": url, "type": 1}]
    )
    attachments = api_sim.get_order(USER, order["id"])["attachments"]
    assert [a["url"] for a in attachments] == [url]
    with pytest.raises(EmagValidationError) as caught:
        api_client.save_order_attachments(
            [{"order_id": order["id"], "order_type": 3, "url": "https://x.ro/invoice.docx"}]
        )
    assert str(order["id"]) in caught.value.message
    with pytest.raises(ValueError):
        api_client.save_order_attachments([])


# -------------------------------------------------------------------------- AWB


def test_awb_issue_read_and_label(api_sim, api_client):
    order = api_sim.create_order(USER, status=2)
    result = api_client.save_awb(
        {**AWB_REQUEST, "order_id": order["id"], "receiver": receiver_of(order)}
    )
    emag_id = result["awb"][0]["emag_id"]
    assert result["reservation_id"] and result["awb"][0]["awb_number"]
    assert api_sim.get_order(USER, order["id"])["status"] == 4  # first AWB finalizes
    sent = api_sim.received(route="awb/save")[0].body
    assert sent["data"][0]["cod"] == 255.99

    by_id = api_client.read_awb(emag_id=emag_id)
    by_reservation = api_client.read_awb(reservation_id=result["reservation_id"])
    assert by_id == by_reservation
    assert by_id[0]["order_id"] == order["id"]

    pdf = api_client.read_awb_pdf(emag_id, awb_format="A6")
    assert pdf.startswith(b"%PDF")
    request = api_sim.received(route="awb/read_pdf")[0]
    assert request.method == "GET"
    assert request.query == {"emag_id": str(emag_id), "awb_format": "A6"}

    with pytest.raises(EmagValidationError, match="AWB not found"):
        api_client.read_awb_pdf(emag_id + 1000)
    with pytest.raises(ValueError):
        api_client.read_awb()
    with pytest.raises(ValueError):
        api_client.read_awb_pdf(emag_id, awb_format="ZPL")


def test_awb_refusal_is_a_validation_error(api_sim, api_client):
    order = api_sim.create_order(USER, status=2)
    bad = {**AWB_REQUEST, "order_id": order["id"], "receiver": receiver_of(order)}
    bad["sender"] = {**bad["sender"], "phone1": "12"}
    with pytest.raises(EmagValidationError, match="phone1"):
        api_client.save_awb(bad)
    assert api_sim.get_order(USER, order["id"])["status"] == 2


# -------------------------------------------------------------------------- RMA


def test_returns_read_count_and_save(api_sim, api_client):
    order = api_sim.create_order(USER, status=4)
    rma = api_sim.create_return(USER, order["id"])
    assert [r["emag_id"] for r in api_client.read_rmas(request_status=2)] == [rma["emag_id"]]
    assert [r["emag_id"] for r in api_client.iter_rmas()] == [rma["emag_id"]]
    assert api_client.count_rmas()["noOfItems"] == 1
    api_client.save_rma({"emag_id": rma["emag_id"], "type": 3, "request_status": 3})
    assert api_sim.get_return(USER, rma["emag_id"])["request_status"] == 3


# ----------------------------------------------------------------------- offers


def test_light_offer_save_reports_each_offer(api_sim, api_client):
    for offer_id in range(6, 121):
        api_sim.add_offer(USER, catalogue_offer(offer_id))
    offers = [{"id": i, "stock": [{"warehouse_id": 1, "value": i}]} for i in range(1, 121)]
    offers[41] = {"id": 42, "sale_price": 500}  # outside the 5..100 band
    offers.append({"id": 9999, "sale_price": 10})  # not an existing offer
    report = api_client.save_offers(offers)

    assert sorted(o.key for o in report.failed) == [42, 9999]
    assert "9999" in report.by_key()[9999].messages[0]
    assert "42" in report.by_key()[42].messages[0]
    assert all(o.ok for o in report.outcomes if o.key not in (42, 9999))
    assert api_sim.get_offer(USER, 120)["stock"][0]["value"] == 120
    assert api_sim.get_offer(USER, 42)["sale_price"] == "20.0000"
    assert report.api_calls == len(api_sim.received(route="offer/save")) <= 8
    assert all(len(r.body["data"]) <= 50 for r in api_sim.received(route="offer/save"))


def test_product_offer_save_read_count(api_sim, api_client):
    report = api_client.save_product_offers([catalogue_offer(500, name="Cablu nou 500")])
    assert report.ok
    offer = api_client.read_product_offers(id=500)[0]
    assert offer["name"] == "Cablu nou 500"
    assert offer["part_number_key"]
    assert api_client.count_product_offers()["noOfItems"] == 6
    assert {o["id"] for o in api_client.iter_product_offers()} == {1, 2, 3, 4, 5, 500}


def test_product_offer_refusal_reports_the_entity(api_sim, api_client):
    report = api_client.save_product_offers(
        [catalogue_offer(600), catalogue_offer(601, category_id=4000)]
    )
    assert [o.key for o in report.failed] == [601]
    assert "4000" in report.failed[0].messages[0]
    assert api_client.read_product_offers(id=600)


def test_offer_stock_patch(api_sim, api_client):
    api_client.update_offer_stock(3, 17)
    assert api_sim.get_offer(USER, 3)["stock"][0]["value"] == 17
    request = api_sim.received(route="offer_stock")[0]
    assert (request.method, request.path, request.body) == (
        "PATCH",
        "/api-3/offer_stock/3",
        {"stock": 17},
    )
    with pytest.raises(EmagNotFoundError, match="does not exist") as caught:
        api_client.update_offer_stock(777, 1)
    assert caught.value.http_status == 404


def test_offer_stock_patch_refused_during_campaign(api_sim, api_client):
    api_sim.set_offer_campaign(USER, 2, "Black Friday")
    with pytest.raises(EmagValidationError) as caught:
        api_client.update_offer_stock(2, 5)
    assert caught.value.http_status == 400
    assert any("campaign" in message for message in caught.value.messages)
    assert api_sim.get_offer(USER, 2)["stock"][0]["value"] == 10


def test_too_many_input_vars(api_sim, api_client):
    huge = {"id": 1, "characteristics": [{"id": 9001, "value": "1 m"}] * 2100}
    with pytest.raises(EmagRequestTooLargeError, match="4000"):
        api_client.call("offer", "save", {"data": [huge]})
    report = api_client.save_offers(
        [{"id": 2, "sale_price": 21}, huge, {"id": 3, "sale_price": 22}]
    )
    assert [o.key for o in report.failed] == [1]
    assert isinstance(report.failed[0].error, EmagRequestTooLargeError)
    assert api_sim.get_offer(USER, 3)["sale_price"] == "22.0000"


def test_heavy_entities_are_split_under_the_input_vars_limit(api_sim, api_client):
    # 50 entities × 101 leaves would be 5050 input vars: the client sends two requests.
    heavy = [
        {"id": 1 + i % 5, "sale_price": 20, "handling_time": [{"warehouse_id": 1, "value": 1}] * 49}
        for i in range(50)
    ]
    report = api_client.save_offers(heavy)
    assert report.ok
    assert report.api_calls == 2


# ---------------------------------------------------------------- nomenclatures


def test_vat_and_handling_times(api_client):
    rates = {item["vat_id"]: vat_fraction(item["vat_rate"]) for item in api_client.read_vat_rates()}
    assert rates[1] == Decimal("0.21")
    days = [handling_time_days(item) for item in api_client.read_handling_times()]
    assert 0 in days and 1 in days


def test_category_reads_page_characteristic_values(api_sim, api_client):
    category = api_client.read_category(2735, values_per_page=6)
    expected = next(c for c in CATEGORIES if c["id"] == 2735)
    values = {char["id"]: char["values"] for char in category["characteristics"]}
    for char_id, _name, _type, _mandatory, _new, all_values, _tags in expected["characteristics"]:
        assert values[char_id] == all_values
    pages = [r.body["valuesCurrentPage"] for r in api_sim.received(route="category/read")]
    assert pages == [1, 2, 3, 4]  # 20 colours: 6 + 6 + 6 + 2
    assert api_client.read_category(999999) is None


def test_category_list_count_and_language(api_sim, api_client):
    allowed = api_client.read_categories(is_allowed=1, language="en")
    assert {c["id"] for c in allowed} == {c["id"] for c in CATEGORIES if c["is_allowed"]}
    assert api_sim.received(route="category/read")[0].query == {"language": "en"}
    assert api_client.count_categories()["noOfItems"] == len(CATEGORIES)
    assert len(list(api_client.iter_categories())) == len(CATEGORIES)


def test_localities_couriers_addresses(api_client):
    localities = list(api_client.iter_localities())
    assert len(localities) == api_client.count_localities()["noOfItems"] > 0
    cluj = api_client.read_localities(name="Cluj-Napoca")
    assert cluj and all("Cluj" in loc["name"] for loc in cluj)
    assert api_client.read_courier_accounts()[0]["account_id"]
    assert api_client.read_addresses()[0]["address_id"]
