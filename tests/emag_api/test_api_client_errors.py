"""The error taxonomy, retries and the call hook, over real HTTP on loopback."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from emag_api_support import PASSWORD, USER, Unpaced, catalogue_offer

from emag_api import (
    EmagAuthError,
    EmagClient,
    EmagIpNotWhitelistedError,
    EmagNotFoundError,
    EmagOutcomeUnknownError,
    EmagRateLimitedError,
    EmagTransientError,
    EmagUnexpectedResponseError,
    EmagUnreachableError,
    EmagValidationError,
    InProcessLimiter,
)
from emag_simulator import EmagSimulator

AWB = {
    "sender": {
        "name": "EXEMPLU SHOP SRL",
        "contact": "Andrei Vasile",
        "phone1": "0744000333",
        "locality_id": 8801,
        "street": "Str. Depozitului nr. 7",
    },
    "receiver": {
        "name": "Ion Popescu",
        "contact": "Ion Popescu",
        "phone1": "0722000111",
        "legal_entity": 0,
        "locality_id": 1234,
        "street": "Str. Exemplului nr. 10",
    },
    "is_oversize": 0,
    "envelope_number": 0,
    "parcel_number": 1,
    "cod": 0,
}


def client_for(sim, **options):
    options = {"platform": "emag_ro", "limiter": Unpaced(), "sleep": lambda s: None, **options}
    return EmagClient(sim.base_url, options.pop("username", USER), PASSWORD, **options)


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------- access refusals


def test_wrong_password_is_an_auth_error_not_retried(api_sim):
    client = EmagClient(api_sim.base_url, USER, "wrong", limiter=Unpaced())
    with pytest.raises(EmagAuthError) as caught:
        client.test_connection()
    assert caught.value.http_status == 403
    assert "not allowed" in caught.value.message
    assert caught.value.route == "vat/read"
    assert len(api_sim.received()) == 1


def test_ip_refusal_names_the_ip(api_sim, api_client):
    api_sim.configure_account(USER, refuse_ip="203.0.113.7")
    with pytest.raises(EmagIpNotWhitelistedError) as caught:
        api_client.test_connection()
    assert caught.value.ip == "203.0.113.7"
    assert caught.value.http_status == 200
    assert isinstance(caught.value, EmagAuthError)


def test_ip_refusal_aborts_a_bulk_save(api_sim, api_client):
    api_sim.configure_account(USER, refuse_ip="203.0.113.7")
    report = api_client.save_offers([{"id": i, "sale_price": 20} for i in range(1, 4)])
    assert isinstance(report.aborted_by, EmagIpNotWhitelistedError)
    assert report.api_calls == 1
    assert not report.succeeded


def test_test_connection_succeeds_quietly(api_client, api_calls):
    assert api_client.test_connection() is None
    assert [(c.route, c.outcome) for c in api_calls] == [("vat/read", "ok")]


def test_connection_refused_is_unreachable_and_fast():
    client = EmagClient(
        f"http://127.0.0.1:{closed_port()}/api-3", USER, PASSWORD, limiter=Unpaced()
    )
    started = time.monotonic()
    with pytest.raises(EmagUnreachableError, match="unreachable"):
        client.test_connection()
    assert time.monotonic() - started < 5


def test_test_connection_gives_up_within_five_seconds(api_sim, api_client):
    api_sim.add_fault("timeout", route="vat/read", delay=8)
    started = time.monotonic()
    with pytest.raises(EmagTransientError) as caught:
        api_client.test_connection()
    assert time.monotonic() - started <= 5.5
    assert not isinstance(caught.value, EmagUnreachableError)
    assert len(api_sim.received(route="vat/read")) == 1


def test_unknown_route_is_not_found(api_client):
    with pytest.raises(EmagNotFoundError, match="Invalid URL"):
        api_client.call("no_such_resource", "read")


# ------------------------------------------------------ retries of idempotent calls


def test_5xx_is_retried_with_backoff(api_sim, api_client, api_calls, api_slept):
    api_sim.add_fault("error", route="vat/read", status=502, times=2)
    assert api_client.read_vat_rates()
    assert len(api_sim.received(route="vat/read")) == 3
    assert [c.outcome for c in api_calls] == ["EmagTransientError", "EmagTransientError", "ok"]
    assert [c.attempt for c in api_calls] == [1, 2, 3]
    assert [c.http_status for c in api_calls] == [502, 502, 200]
    assert len(api_slept) == 2 and all(0 < delay <= 8 for delay in api_slept)


def test_persistent_5xx_gives_up_after_the_retry_budget(api_sim, api_client):
    api_sim.add_fault("error", route="order/count", status=503)
    with pytest.raises(EmagTransientError) as caught:
        api_client.count_orders()
    assert caught.value.http_status == 503
    assert len(api_sim.received(route="order/count")) == api_client.retries + 1


def test_read_timeout_and_dropped_connection_are_retried(api_sim, api_sim_fast_client):
    api_sim.create_order(USER, status=1)
    api_sim.add_fault("timeout", route="order/read", delay=2, times=1)
    api_sim.add_fault("drop", route="order/count", times=1)
    assert len(api_sim_fast_client.read_orders()) == 1
    assert api_sim_fast_client.count_orders()["noOfItems"] == 1
    assert len(api_sim.received(route="order/read")) == 2
    assert len(api_sim.received(route="order/count")) == 2


@pytest.fixture
def api_sim_fast_client(api_sim):
    client = client_for(api_sim, timeout=(1, 0.5))
    yield client
    client.close()


def test_429_is_retried_after_retry_after_and_pauses_the_bucket(api_sim, api_slept):
    class RecordingLimiter(Unpaced):
        def __init__(self):
            self.penalties = []

        def penalize(self, key, seconds):
            self.penalties.append((key, seconds))

    limiter = RecordingLimiter()
    client = EmagClient(api_sim.base_url, USER, PASSWORD, limiter=limiter, sleep=api_slept.append)
    api_sim.add_fault("rate_limit", route="vat/read", times=1)
    assert client.read_vat_rates()
    assert api_slept and api_slept[0] >= 1.0  # Retry-After: 1
    assert limiter.penalties == [(f"emag:{client.account_key}:other", api_slept[0])]


def test_429_storm_ends_in_rate_limited_error(api_sim):
    client = client_for(api_sim, retries=2)
    api_sim.add_fault("rate_limit", route="vat/read")
    with pytest.raises(EmagRateLimitedError) as caught:
        client.read_vat_rates()
    assert caught.value.retry_after == 1.0
    assert caught.value.http_status == 429
    assert len(api_sim.received(route="vat/read")) == 3


def test_retry_wait_budget_is_bounded(api_sim):
    client = client_for(api_sim, retries=10, max_retry_wait=2.5)
    api_sim.add_fault("rate_limit", route="vat/read")
    with pytest.raises(EmagRateLimitedError):
        client.read_vat_rates()
    assert len(api_sim.received(route="vat/read")) <= 3


# -------------------------------------------------------- non-idempotent calls


def test_awb_committed_then_timed_out_is_outcome_unknown(api_sim):
    order = api_sim.create_order(USER, status=2)
    client = client_for(api_sim, timeout=(1, 0.5))
    api_sim.add_fault("commit_then_timeout", route="awb/save", delay=2, times=1)
    with pytest.raises(EmagOutcomeUnknownError) as caught:
        client.save_awb({**AWB, "order_id": order["id"]})
    assert isinstance(caught.value.cause, EmagTransientError)
    assert len(api_sim.received(route="awb/save")) == 1  # never repeated blindly
    # The AWB exists: reading the order back reconciles.
    assert client.read_orders(id=order["id"])[0]["status"] == 4


@pytest.mark.parametrize(
    ("route", "fault"),
    [("rma/save", {"kind": "error", "status": 500}), ("order/save", {"kind": "drop"})],
)
def test_non_idempotent_saves_are_not_retried(api_sim, api_client, route, fault):
    order = api_sim.create_order(USER, status=4)
    rma = api_sim.create_return(USER, order["id"])
    api_sim.add_fault(route=route, **fault)
    with pytest.raises(EmagOutcomeUnknownError):
        if route == "rma/save":
            api_client.save_rma({"emag_id": rma["emag_id"], "type": 3, "request_status": 3})
        else:
            api_client.save_order({"id": order["id"], "status": 4})
    assert len(api_sim.received(route=route)) == 1


def test_non_idempotent_save_is_retried_after_429(api_sim, api_client):
    order = api_sim.create_order(USER, status=2)
    api_sim.add_fault("rate_limit", route="awb/save", times=1)
    result = api_client.save_awb({**AWB, "order_id": order["id"]})
    assert result["awb"]
    assert [r.status for r in api_sim.received(route="awb/save")] == [429, 200]


def test_non_idempotent_save_to_unreachable_endpoint_is_known_not_done():
    client = EmagClient(
        f"http://127.0.0.1:{closed_port()}/api-3",
        USER,
        PASSWORD,
        limiter=Unpaced(),
        retries=0,
    )
    with pytest.raises(EmagUnreachableError):
        client.save_awb({**AWB, "order_id": 1})


def test_batching_refuses_non_idempotent_routes(api_client):
    with pytest.raises(ValueError):
        api_client.save_in_batches("awb", [AWB])


# ------------------------------------------------------------- untrusted answers


class StubHandler(BaseHTTPRequestHandler):
    """Answers chosen per path: what a broken proxy or a changed API might send."""

    ANSWERS = {
        "/api-3/vat/read": (200, "text/html", b"<html><body>Welcome to the portal</body></html>"),
        "/api-3/order/read": (200, "application/json", b'{"results": []}'),
        "/api-3/order/count": (200, "application/json", b'{"isError": false, "results": []}'),
        "/api-3/locality/read": (200, "application/json", b'{"isError": false, "results": 5}'),
        "/api-3/category/read": (200, "application/json", b"[1, 2]"),
        "/api-3/awb/read_pdf": (200, "application/pdf", b"not a pdf"),
        "/api-3/rma/read": (200, "application/json", b'{"isError": "false", "results": []}'),
        "/api-3/offer/save": (200, "application/json", b'{"isError": true, "messages": []}'),
        "/api-3/vat/count": (418, "text/plain", b"teapot"),
    }

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, body = self.ANSWERS[self.path.split("?")[0]]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def stub_client():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    client = EmagClient(
        f"http://127.0.0.1:{server.server_address[1]}/api-3",
        USER,
        PASSWORD,
        limiter=Unpaced(),
        platform="emag_ro",
    )
    yield client
    client.close()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda c: c.read_vat_rates(), "not JSON"),
        (lambda c: c.read_orders(), "without isError"),
        (lambda c: c.count_orders(), "without noOfItems"),
        (lambda c: c.read_localities(), "not a list"),
        (lambda c: c.read_categories(), "not a JSON object"),
        (lambda c: c.read_awb_pdf(1), "neither PDF nor JSON"),
        (lambda c: c.read_rmas(), "without isError"),
        (lambda c: c.count("vat"), "HTTP 418"),
    ],
)
def test_untrustworthy_answers_are_never_success(stub_client, call, reason):
    with pytest.raises(EmagUnexpectedResponseError, match=reason):
        call(stub_client)


def test_is_error_without_messages_is_still_an_error(stub_client):
    with pytest.raises(EmagValidationError, match="without a message"):
        stub_client.call("offer", "save", {"data": [{"id": 1}]})


# ------------------------------------------------------------- hook, redaction


def test_hook_never_sees_credentials(api_sim, api_calls):
    client = EmagClient(
        api_sim.base_url,
        USER,
        PASSWORD,
        limiter=Unpaced(),
        call_hook=api_calls.append,
    )
    client.call("vat", "read", {"password": PASSWORD, "note": f"pw={PASSWORD}"})
    wrong = EmagClient(
        api_sim.base_url, USER, "wrong-" + PASSWORD, limiter=Unpaced(), call_hook=api_calls.append
    )
    with pytest.raises(EmagAuthError):
        wrong.call("vat", "read")
    client.save_offers([catalogue_offer(1, sale_price=30)])
    dumped = repr(api_calls)
    assert PASSWORD not in dumped
    assert "Authorization" not in dumped
    assert USER not in dumped
    first = api_calls[0]
    assert first.request_body == {"password": "***", "note": "pw=***"}
    assert first.response_body["isError"] is False
    assert (first.route, first.method, first.http_status) == ("vat/read", "POST", 200)
    assert first.duration_ms >= 0
    assert api_calls[1].outcome == "EmagAuthError"
    assert api_calls[2].request_body["data"][0]["sale_price"] == 30.0


def test_failing_hook_does_not_break_calls(api_sim):
    def broken(record):
        raise RuntimeError("hook bug")

    client = client_for(api_sim, call_hook=broken)
    assert client.read_vat_rates()


def test_pdf_answers_are_summarised_for_the_hook(api_sim, api_client, api_calls):
    order = api_sim.create_order(USER, status=2)
    emag_id = api_client.save_awb({**AWB, "order_id": order["id"]})["awb"][0]["emag_id"]
    api_client.read_awb_pdf(emag_id)
    assert api_calls[-1].response_body.endswith("bytes application/pdf>")


# ---------------------------------------------------------------- rate limits on


def test_default_pacing_never_trips_the_limits():
    """Both buckets at full speed from two threads: no 429, near the ceiling."""
    with EmagSimulator(seed=3, rate_limits=True) as sim:
        sim.add_account(USER, PASSWORD)
        client = EmagClient(sim.base_url, USER, PASSWORD, limiter=InProcessLimiter())
        errors = []

        def run(call, times):
            try:
                for _ in range(times):
                    call()
            except Exception as exc:  # surfaced below
                errors.append(exc)

        started = time.monotonic()
        threads = [
            threading.Thread(target=run, args=(client.read_vat_rates, 7)),
            threading.Thread(target=run, args=(client.read_handling_times, 2)),
            threading.Thread(target=run, args=(client.count_orders, 30)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        statuses = [request.status for request in sim.received()]
        assert not errors
        assert statuses.count(200) == 39 and 429 not in statuses
        # 9 "other" calls at ~3/s need ~2.7 s; the 30 order calls fit alongside.
        assert 2.6 <= elapsed <= 4.5
