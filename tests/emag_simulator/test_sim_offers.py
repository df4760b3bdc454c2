"""product_offer/save|read|count, offer/save and offer_stock PATCH."""

import pytest
from emag_sim_support import KETTLE, USER, Api, make_simulator


def new_kettle(**overrides):
    return {**KETTLE, "id": 2001, "part_number": "KT-NEW-1", "ean": ["5940000000994"], **overrides}


def test_valid_new_product_is_saved_and_approved(esim, esim_api):
    assert esim_api.save("product_offer/save", new_kettle()) == {
        "isError": False,
        "messages": [],
        "results": [],
    }
    offer = esim_api.call("product_offer/read", {"id": 2001})["results"][0]
    assert offer["validation_status"]["value"] == 9
    assert offer["sale_price"] == "82.6446" and offer["currency"] == "RON"
    assert offer["part_number_key"] and offer["ownership"] == 1
    assert offer["general_stock"] == 25


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"ean": None}, "EAN is mandatory"),
        ({"warranty": None}, "warranty is mandatory"),
        ({"sale_price": 0, "min_sale_price": 0}, "greater than 0"),
        ({"sale_price": 0}, "greater than 0"),
        ({"sale_price": 130}, "outside the interval"),
        ({"sale_price": 60}, "outside the interval"),
        ({"min_sale_price": 120, "max_sale_price": 70}, "max_sale_price"),
        ({"min_sale_price": None}, "min_sale_price is mandatory"),
        ({"sale_price": "82.12345"}, "4 decimals"),
        ({"recommended_price": 80}, "recommended_price"),
        ({"vat_id": 99}, "vat_id"),
        ({"handling_time": [{"warehouse_id": 1, "value": 8}]}, "handling_time"),
        ({"stock": [{"warehouse_id": 1, "value": 70000}]}, "stock.value"),
        ({"category_id": 4000}, "not allowed"),
        ({"category_id": 9999}, "does not exist"),
        ({"part_number": "KT-1700-INOX"}, "already used"),
        ({"ean": ["5940000000017"]}, "already"),
        ({"ean": ["12AB"]}, "digits"),
        ({"status": 2}, "end of life"),
    ],
)
def test_offer_errors_reject_the_entity(esim, esim_api, overrides, fragment):
    entity = {k: v for k, v in new_kettle(**overrides).items() if v is not None}
    body = esim_api.save("product_offer/save", entity)
    assert body["isError"] is True
    assert fragment in " ".join(body["messages"])
    assert 2001 not in esim.account(USER).offers


def test_documentation_problems_save_the_offer_with_warnings(esim, esim_api):
    entity = new_kettle(
        characteristics=[{"id": 6876, "value": "1.7 l"}, {"id": 5401, "value": "Lemn"}]
    )
    body = esim_api.save("product_offer/save", entity)
    assert body["isError"] is True
    text = " ".join(body["messages"])
    assert "Putere" in text and "invalid value 'Lemn'" in text
    offer = esim_api.call("product_offer/read", {"id": 2001})["results"][0]
    assert offer["validation_status"]["value"] == 8
    assert offer["sale_price"] == "82.6446"


def test_batch_saves_the_valid_entities(esim, esim_api):
    body = esim_api.save("product_offer/save", new_kettle(), new_kettle(id=2002, sale_price=500))
    assert body["isError"] is True and len(body["messages"]) == 1
    assert 2001 in esim.account(USER).offers and 2002 not in esim.account(USER).offers


def test_attach_offer_by_pnk_or_known_ean_once(esim, esim_api):
    pnk = esim.add_catalog_product("Filtru anticalcar", "Exemplu", 3120, ["5940000000024"])
    offer = {
        "id": 3001,
        "part_number_key": pnk,
        "name": "Filtru",
        "status": 1,
        "sale_price": 41.3223,
        "min_sale_price": 35,
        "max_sale_price": 60,
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 120}],
    }
    assert esim_api.save("product_offer/save", offer)["isError"] is False
    assert esim.get_offer(USER, 3001)["ownership"] == 2
    again = esim_api.save("product_offer/save", {**offer, "id": 3002})
    assert again["isError"] is True and "already have an offer" in again["messages"][0]
    by_ean = {**offer, "id": 3003, "part_number_key": None, "ean": ["5940000000024"]}
    assert esim_api.save("product_offer/save", by_ean)["isError"] is True
    both = {**offer, "id": 3004, "ean": ["5940000000024"]}
    assert "not both" in esim_api.save("product_offer/save", both)["messages"][0]
    unknown = {**offer, "id": 3005, "part_number_key": "DNOPEBBM"}
    assert esim_api.save("product_offer/save", unknown)["isError"] is True


def test_offer_update_needs_no_band_again(esim, esim_api):
    update = {
        "id": 1001,
        "status": 1,
        "sale_price": 99.5,
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 3}],
        "handling_time": [{"warehouse_id": 1, "value": 0}],
    }
    assert esim_api.save("product_offer/save", update)["isError"] is False
    offer = esim.get_offer(USER, 1001)
    assert (offer["sale_price"], offer["general_stock"]) == ("99.5000", 3)


def test_light_offer_save_updates_existing_offers_only(esim, esim_api):
    assert (
        esim_api.save(
            "offer/save",
            {"id": 1001, "sale_price": 79.3388, "stock": [{"warehouse_id": 1, "value": 18}]},
        )["isError"]
        is False
    )
    offer = esim.get_offer(USER, 1001)
    assert (offer["sale_price"], offer["general_stock"]) == ("79.3388", 18)
    assert esim_api.save("offer/save", {"id": 1001, "sale_price": 500})["isError"] is True
    assert esim_api.save("offer/save", {"id": 4242, "sale_price": 80})["isError"] is True
    assert esim_api.save("offer/save", {"id": 1001, "status": 0})["isError"] is False
    assert esim.get_offer(USER, 1001)["status"] == 0


def test_product_offer_read_filters_and_count(esim, esim_api):
    esim_api.save("offer/save", {"id": 1004, "status": 0})
    active = esim_api.call("product_offer/read", {"status": 1})["results"]
    assert [o["id"] for o in active] == [1001]
    assert esim_api.call("product_offer/count", {})["results"]["noOfItems"] == 2
    by_part = esim_api.call("product_offer/read", {"part_number": "CBL-USBC-2M"})["results"]
    assert [o["id"] for o in by_part] == [1004]
    unfiltered = esim_api.call("product_offer/read", {})["results"]
    assert unfiltered[0]["manufacturer"] is False  # completeness flag in lists


def _patch(esim, esim_api, offer_id, **kwargs):
    return esim_api.session.patch(f"{esim.base_url}/offer_stock/{offer_id}", timeout=5, **kwargs)


def test_offer_stock_patch(esim, esim_api):
    response = _patch(esim, esim_api, 1001, json={"stock": 21})
    assert response.status_code == 204 and response.content == b""
    assert esim.get_offer(USER, 1001)["general_stock"] == 21
    missing = _patch(esim, esim_api, 999999, json={"stock": 1})
    assert (missing.status_code, missing.json()) == (404, {"message": "This offer does not exist"})
    for bad in ({"stock": "x"}, {"stock": -1}, {"stock": [{"warehouse_id": 1, "value": 2}]}, []):
        invalid = _patch(esim, esim_api, 1001, json=bad)
        assert (invalid.status_code, invalid.json()) == (400, {"message": "Invalid content"})
    assert esim_api.post("offer_stock/1001", {"stock": 3}).status_code == 405


def test_offer_stock_refused_during_campaign(esim, esim_api):
    esim.set_offer_campaign(USER, 1001, "BF")
    response = _patch(esim, esim_api, 1001, json={"stock": 5})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "stock"
    assert esim.get_offer(USER, 1001)["general_stock"] == 25


def test_offer_stock_list_form_behind_a_switch():
    with make_simulator(offer_stock_list_form=True) as sim:
        api = Api(sim)
        response = api.session.patch(
            f"{sim.base_url}/offer_stock/1001",
            timeout=5,
            json={"stock": [{"warehouse_id": 1, "value": 7}]},
        )
        assert response.status_code == 204
        assert sim.get_offer(USER, 1001)["general_stock"] == 7


def test_existing_catalogue_read_page_by_page_and_one_offer_per_product(esim, esim_api):
    """A seller's catalogue made before any connector: read in pages, never doubled."""
    seeded = esim.seed_catalogue(USER, 250, start_id=5001, prefix="HAND")
    assert seeded[0]["part_number"] == "HAND-005001"
    assert len(seeded[0]["ean"][0]) == 13 and seeded[0]["validation_status"]["value"] == 9
    ids = []
    for page in (1, 2, 3, 4):
        results = esim_api.call("product_offer/read", {"currentPage": page, "itemsPerPage": 100})[
            "results"
        ]
        ids += [offer["id"] for offer in results]
    assert ids == sorted(set(ids)), "every offer once, in id order"
    assert [offer_id for offer_id in ids if offer_id >= 5001] == list(range(5001, 5251))
    pnk = seeded[0]["part_number_key"]
    twin = {
        "id": 9001,
        "part_number_key": pnk,
        "name": "Same product again",
        "status": 1,
        "sale_price": 41.3223,
        "min_sale_price": 35,
        "max_sale_price": 60,
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 1}],
    }
    again = esim_api.save("product_offer/save", twin)
    assert again["isError"] is True
    assert f"already have an offer (product id 5001) on product {pnk}" in again["messages"][0]
    by_ean = {**twin, "part_number_key": None, "ean": seeded[1]["ean"]}
    assert "product id 5002" in esim_api.save("product_offer/save", by_ean)["messages"][0]
    with pytest.raises(ValueError):
        esim.seed_catalogue(USER, 1, start_id=5001, prefix="HAND")
