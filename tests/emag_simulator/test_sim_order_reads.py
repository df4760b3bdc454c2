"""order/read and order/count: pagination, counts, filters, the one-month window."""

from datetime import timedelta

import pytest
from emag_sim_support import USER, Api, make_simulator


def test_pagination_caps_items_per_page_at_100_and_ends_with_empty_page(esim, esim_api):
    for _ in range(105):
        esim.create_order(USER, status=2)
    first = esim_api.call("order/read", {"itemsPerPage": 500})["results"]
    second = esim_api.call("order/read", {"itemsPerPage": 500, "currentPage": 2})["results"]
    third = esim_api.call("order/read", {"itemsPerPage": 100, "currentPage": 3})["results"]
    assert (len(first), len(second), third) == (100, 5, [])
    assert len({o["id"] for o in first + second}) == 105
    count = esim_api.call("order/count", {"itemsPerPage": 500})["results"]
    assert count == {"noOfItems": 105, "noOfPages": 2, "itemsPerPage": 100}


def test_read_is_newest_first(esim, esim_api):
    now = esim.account(USER).now()
    old = esim.create_order(USER, date=now - timedelta(hours=5))
    new = esim.create_order(USER, date=now - timedelta(hours=1))
    assert [o["id"] for o in esim_api.call("order/read")["results"]] == [new["id"], old["id"]]


def test_status_filter_takes_int_or_list(esim, esim_api):
    ids = {status: esim.create_order(USER, status=status)["id"] for status in (1, 2, 3, 4)}
    assert [o["id"] for o in esim_api.call("order/read", {"status": 4})["results"]] == [ids[4]]
    found = {o["id"] for o in esim_api.call("order/read", {"status": [1, 2]})["results"]}
    assert found == {ids[1], ids[2]}
    count = esim_api.call("order/count", {"status": [1, 2, 3]})["results"]
    assert count["noOfItems"] == 3


def test_fbe_orders_only_with_type_2(esim, esim_api):
    seller = esim.create_order(USER, status=2)
    fbe = esim.create_order(USER, status=2, order_type=2)
    assert [o["id"] for o in esim_api.call("order/read")["results"]] == [seller["id"]]
    assert [o["id"] for o in esim_api.call("order/read", {"type": 2})["results"]] == [fbe["id"]]


def test_payment_mode_and_id_filters(esim, esim_api):
    cod = esim.create_order(USER, payment_mode_id=1)
    card = esim.create_order(USER, payment_mode_id=3)
    assert [o["id"] for o in esim_api.call("order/read", {"payment_mode_id": 3})["results"]] == [
        card["id"]
    ]
    assert esim_api.call("order/read", {"id": cod["id"]})["results"][0]["payment_mode_id"] == 1


def test_modified_window_finds_orders_touched_later(esim, esim_api):
    account = esim.account(USER)
    order = esim.create_order(USER, status=1, date=account.now() - timedelta(days=3))
    since = account.now() - timedelta(minutes=1)
    esim_api.post(f"order/acknowledge/{order['id']}")
    window = {
        "modifiedAfter": since.strftime("%Y-%m-%d %H:%M:%S"),
        "modifiedBefore": (since + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"),
    }
    assert [o["id"] for o in esim_api.call("order/read", window)["results"]] == [order["id"]]
    created = {"createdAfter": window["modifiedAfter"], "createdBefore": window["modifiedBefore"]}
    assert esim_api.call("order/read", created)["results"] == []


@pytest.mark.parametrize("prefix", ["created", "modified"])
def test_window_longer_than_one_month_is_an_error(esim_api, prefix):
    body = esim_api.call(
        "order/read",
        {f"{prefix}After": "2025-01-31 00:00:00", f"{prefix}Before": "2025-03-01 00:00:00"},
    )
    assert body["isError"] is True
    assert "one month" in body["messages"][0]
    ok = esim_api.call(
        "order/read",
        {f"{prefix}After": "2025-01-31 00:00:00", f"{prefix}Before": "2025-02-28 00:00:00"},
    )
    assert ok["isError"] is False


def test_before_requires_after(esim_api):
    body = esim_api.call("order/count", {"createdBefore": "2025-03-01 00:00:00"})
    assert body["isError"] is True


def test_window_limit_can_be_switched_off():
    with make_simulator(enforce_date_window=False) as sim:
        body = Api(sim).call(
            "order/read",
            {"modifiedAfter": "2023-01-01 00:00:00", "modifiedBefore": "2025-01-01 00:00:00"},
        )
        assert body["isError"] is False


def test_unknown_filters_are_ignored(esim, esim_api):
    esim.create_order(USER)
    assert len(esim_api.call("order/read", {"statsu": 9})["results"]) == 1
