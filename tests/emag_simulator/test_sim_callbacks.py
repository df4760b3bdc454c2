"""Callbacks to a tiny receiver on loopback: new-order repeats until acknowledged."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from emag_sim_support import USER


@pytest.fixture
def receiver():
    """A loopback HTTP server recording the paths and order ids it is called with."""
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            calls.append((url.path, int(parse_qs(url.query)["order_id"][0])))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    server.calls = calls
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def _wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_new_order_callback_repeats_until_acknowledged(esim, esim_api, receiver):
    esim.configure_account(
        USER,
        callback_url=f"{receiver.url}/emag/new",
        callback_interval=0.1,
        callback_max_attempts=50,
    )
    order = esim.create_order(USER, status=1)
    assert _wait_for(lambda: len(receiver.calls) >= 2)
    assert set(receiver.calls) == {("/emag/new", order["id"])}
    esim_api.post(f"order/acknowledge/{order['id']}")
    time.sleep(0.15)
    settled = len(receiver.calls)
    time.sleep(0.35)
    assert len(receiver.calls) == settled
    assert all(entry["status"] == 200 for entry in esim.callback_log)


def test_new_order_callback_attempts_are_bounded(esim, receiver):
    esim.configure_account(
        USER, callback_url=f"{receiver.url}/new", callback_interval=0.02, callback_max_attempts=3
    )
    esim.create_order(USER, status=1)
    assert _wait_for(lambda: len(receiver.calls) == 3)
    time.sleep(0.2)
    assert len(receiver.calls) == 3
    assert [entry["attempt"] for entry in esim.callback_log] == [1, 2, 3]


def test_cancellation_callbacks_before_and_after_acknowledge(esim, esim_api, receiver):
    esim.configure_account(USER, cancel_callback_url=f"{receiver.url}/cancel?shop=1")
    new = esim.create_order(USER, status=1)
    acknowledged = esim.create_order(USER, status=2)
    assert esim.customer_cancel(USER, new["id"])["status"] == 0
    after = esim.customer_cancel(USER, acknowledged["id"])
    assert after["status"] == 2 and after["cancellation_request"]
    assert _wait_for(lambda: len(receiver.calls) == 2)
    assert sorted(receiver.calls) == sorted(
        [("/cancel", new["id"]), ("/cancel", acknowledged["id"])]
    )
    read = esim_api.call("order/read", {"id": new["id"]})["results"][0]
    assert read["reason_cancellation"] == {"id": 2, "name": "Canceled by the client"}


def test_unreachable_callback_url_is_logged_not_fatal(esim):
    esim.configure_account(
        USER,
        callback_url="http://127.0.0.1:9/none",
        callback_interval=0.05,
        callback_max_attempts=2,
    )
    esim.create_order(USER, status=1)
    assert _wait_for(lambda: len(esim.callback_log) == 2)
    assert all("error" in entry for entry in esim.callback_log)
