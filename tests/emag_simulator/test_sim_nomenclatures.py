"""category, vat, handling_time, locality, courier_accounts, addresses."""

import requests

from emag_simulator import EmagSimulator


def test_category_list_and_detail_with_paged_values(esim_api):
    listing = esim_api.call("category/read", {"is_allowed": 1})["results"]
    assert all(c["is_allowed"] == 1 for c in listing) and "characteristics" not in listing[0]
    detail = esim_api.call(
        "category/read", {"id": 2735, "valuesCurrentPage": 2, "valuesPerPage": 3}
    )["results"][0]
    assert detail["is_ean_mandatory"] == 1 and detail["family_types"]
    colour = next(c for c in detail["characteristics"] if c["name"] == "Culoare")
    assert colour["values"] == ["Argintiu", "Rosu", "Albastru"]
    mandatory = {c["id"] for c in detail["characteristics"] if c["is_mandatory"]}
    assert mandatory == {6876, 7764}
    assert esim_api.call("category/count", {})["results"]["noOfItems"] == 5


def test_vat_and_handling_time(esim_api):
    rates = esim_api.call("vat/read")["results"]
    assert {"vat_id": 1, "vat_rate": 0.21, "is_default": 1} in rates
    assert esim_api.call("handling_time/read")["results"][:2] == [{"id": 0}, {"id": 1}]


def test_localities_default_to_the_platform_country(esim_api):
    sectors = esim_api.call("locality/read", {"region2": "Bucuresti"})["results"]
    assert len(sectors) == 6 and sectors[0]["name"].startswith("București, Sectorul")
    assert esim_api.call("locality/read", {"name": "iasi"})["results"][0]["emag_id"] == 1301
    sofia = esim_api.call("locality/read", {"country_code": "BG", "name": "Sofia"})["results"]
    assert sofia[0]["name"] == "София"
    assert esim_api.call("locality/count", {"country_code": "HU"})["results"]["noOfItems"] == 3
    page = esim_api.call("locality/read", {"itemsPerPage": 4, "currentPage": 2})["results"]
    assert len(page) == 4


def test_courier_accounts_and_addresses(esim_api):
    couriers = esim_api.call("courier_accounts/read")["results"]
    assert couriers[0]["account_id"] == 5186 and couriers[0]["pickup_country_code"] == "RO"
    addresses = esim_api.call("addresses/read")["results"]
    assert {a["address_type_id"] for a in addresses} == {1, 2, 3}


def test_bg_and_hu_accounts_use_their_currency_and_vat():
    with EmagSimulator(seed=3, rate_limits=False) as sim:
        sim.add_account("bg@example.bg", "x", platform="emag_bg")
        sim.add_account("hu@example.hu", "y", platform="emag_hu")
        assert sim.account("bg@example.bg").currency == "EUR"
        rates = requests.post(
            f"{sim.base_url}/vat/read", auth=("hu@example.hu", "y"), timeout=5
        ).json()["results"]
        assert {"vat_id": 1, "vat_rate": 0.27, "is_default": 1} in rates
        localities = requests.post(
            f"{sim.base_url}/locality/read", auth=("bg@example.bg", "x"), timeout=5
        ).json()["results"]
        assert {loc["country_code"] for loc in localities} == {"BG"}
