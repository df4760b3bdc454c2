"""Rate limits (two buckets, sliding windows, 429 Kong body) and injected faults."""

import time

import pytest
import requests
from emag_sim_support import USER, Api, make_simulator


@pytest.fixture
def limited():
    with make_simulator(rate_limits=True) as sim:
        yield sim


def test_other_routes_share_3_per_second(limited):
    api = Api(limited)
    statuses = [
        api.post(route).status_code
        for route in ("vat/read", "category/read", "handling_time/read", "vat/read")
    ]
    assert statuses == [200, 200, 200, 429]
    refused = api.post("vat/read")
    assert refused.json() == {"message": "API rate limit exceeded"}
    assert refused.headers["X-RateLimit-Limit-Second"] == "3"
    assert refused.headers["X-RateLimit-Remaining-Second"] == "0"
    assert refused.headers["X-RateLimit-Limit-Minute"] == "180"
    assert int(refused.headers["Retry-After"]) >= 1


def test_order_bucket_is_separate_and_allows_12_per_second(limited):
    api = Api(limited)
    for _ in range(3):
        assert api.post("vat/read").status_code == 200
    statuses = [api.post("order/count").status_code for _ in range(13)]
    assert statuses == [200] * 12 + [429]


def test_window_slides(limited):
    api = Api(limited)
    for _ in range(3):
        api.post("vat/read")
    assert api.post("vat/read").status_code == 429
    time.sleep(1.05)
    ok = api.post("vat/read")
    assert ok.status_code == 200 and ok.headers["X-RateLimit-Remaining-Second"] == "2"


def test_invalid_requests_spend_quota_per_account(limited):
    limited.add_account("other@example.ro", "pw")
    bad = Api(limited, USER, "wrong")
    assert [bad.post("vat/read").status_code for _ in range(4)] == [403, 403, 403, 429]
    assert Api(limited, "other@example.ro", "pw").post("vat/read").status_code == 200


def test_minute_window_and_switch_off():
    with make_simulator(rate_limits={"other": ((1, 100), (60, 5))}) as sim:
        api = Api(sim)
        assert [api.post("vat/read").status_code for _ in range(6)] == [200] * 5 + [429]
        sim.set_rate_limits(False)
        response = api.post("vat/read")
        assert response.status_code == 200 and "X-RateLimit-Limit-Second" not in response.headers


# ------------------------------------------------------------------------ faults


@pytest.mark.parametrize("status", [500, 502, 504])
def test_error_fault_answers_5xx_without_effect(esim, esim_api, status):
    order = esim.create_order(USER, status=1)
    esim.add_fault("error", route="order/*", status=status, times=1)
    assert esim_api.post(f"order/acknowledge/{order['id']}").status_code == status
    assert esim.get_order(USER, order["id"])["status"] == 1
    assert esim_api.post(f"order/acknowledge/{order['id']}").status_code == 200
    assert esim.get_order(USER, order["id"])["status"] == 2


def test_drop_fault_closes_the_connection(esim, esim_api):
    esim.add_fault("drop", route="vat/read", times=1)
    with pytest.raises(requests.ConnectionError):
        esim_api.post("vat/read")
    assert esim_api.post("vat/read").status_code == 200


def test_timeout_fault_holds_longer_than_the_client_waits(esim, esim_api):
    order = esim.create_order(USER, status=1)
    esim.add_fault("timeout", route="order/acknowledge", delay=2, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        esim_api.post(f"order/acknowledge/{order['id']}", timeout=0.3)
    assert esim.get_order(USER, order["id"])["status"] == 1


def test_commit_then_timeout_applies_the_call_but_never_answers(esim, esim_api):
    order = esim.create_order(USER, status=2)
    esim.add_fault("commit_then_timeout", route="awb/save", delay=2, times=1)
    request = {
        "order_id": order["id"],
        "is_oversize": 0,
        "envelope_number": 0,
        "parcel_number": 1,
        "cod": 0,
        "sender": {
            "name": "Shop SRL",
            "contact": "A",
            "phone1": "0744000333",
            "locality_id": 8801,
            "street": "Str. Depozit 7",
        },
        "receiver": {
            "name": "Ion Pop",
            "contact": "Ion",
            "phone1": "0722000111",
            "locality_id": 1234,
            "street": "Str. Client 1",
        },
    }
    with pytest.raises(requests.exceptions.ReadTimeout):
        esim_api.post("awb/save", {"data": [request]}, timeout=0.3)
    saved = esim.get_order(USER, order["id"])
    assert saved["status"] == 4 and len(esim.account(USER).awbs) == 1


def test_rate_limit_storm_and_latency(esim, esim_api):
    esim.add_fault("rate_limit", route="*", times=3)
    assert [esim_api.post("vat/read").status_code for _ in range(4)] == [429, 429, 429, 200]
    esim.add_fault("latency", route="vat/read", delay=0.3, times=1)
    started = time.monotonic()
    assert esim_api.post("vat/read").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_faults_can_target_one_account_and_be_cleared(esim, esim_api):
    esim.add_account("other@example.ro", "pw")
    esim.add_fault("error", route="*", username="other@example.ro", status=503)
    assert Api(esim, "other@example.ro", "pw").post("vat/read").status_code == 503
    assert esim_api.post("vat/read").status_code == 200
    esim.clear_faults()
    assert Api(esim, "other@example.ro", "pw").post("vat/read").status_code == 200


def test_stop_releases_held_connections_quickly():
    sim = make_simulator()
    sim.start()
    sim.add_fault("timeout", delay=30)
    api = Api(sim)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.post("vat/read", timeout=0.2)
    sim.stop()
    assert time.monotonic() - started < 5
