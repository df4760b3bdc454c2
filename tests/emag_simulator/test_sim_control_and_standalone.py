"""The /_sim control API and the standalone runner (``python -m emag_simulator``)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from emag_sim_support import USER

import emag_simulator


def _control(esim, method, path, body=None):
    response = requests.request(method, f"{esim.root_url}/_sim/{path}", json=body, timeout=5)
    return response.status_code, response.json()


def test_control_api_drives_orders_events_and_returns(esim, esim_api):
    status, order = _control(
        esim, "POST", "orders", {"username": USER, "status": 1, "payment_mode_id": 1, "b2b": True}
    )
    assert status == 200 and order["customer"]["legal_entity"] == 1
    assert esim_api.call("order/read", {"id": order["id"]})["results"][0]["id"] == order["id"]
    status, canceled = _control(esim, "POST", f"orders/{USER}/{order['id']}/customer_cancel")
    assert canceled["status"] == 0
    _control(esim, "POST", f"orders/{USER}/{order['id']}/status", {"status": 4})
    status, rma = _control(esim, "POST", "returns", {"username": USER, "order_id": order["id"]})
    assert status == 200 and rma["request_status"] == 2
    status, generated = _control(esim, "POST", "orders/generate", {"username": USER, "count": 3})
    assert len(generated) == 3


def test_control_api_faults_requests_clock_and_errors(esim, esim_api):
    status, fault = _control(
        esim, "POST", "faults", {"kind": "error", "route": "vat/read", "status": 502, "times": 1}
    )
    assert status == 200 and fault["kind"] == "error"
    assert esim_api.post("vat/read").status_code == 502
    _, received = _control(esim, "GET", "requests?route=vat/read")
    assert [r["status"] for r in received] == [502]
    _, state = _control(esim, "GET", "state")
    before = state["utc_now"]
    _, clock = _control(esim, "POST", "clock", {"advance_hours": 49})
    assert clock["utc_now"] > before
    assert _control(esim, "PATCH", f"accounts/{USER}", {"refuse_ip": "203.0.113.7"})[0] == 200
    assert "203.0.113.7" in esim_api.call("vat/read")["messages"][0]
    assert _control(esim, "GET", "orders/nobody@example.ro")[0] == 404
    assert _control(esim, "POST", "faults", {"kind": "meteor"})[0] == 400
    assert _control(esim, "GET", "nothing-here")[0] == 404


def test_control_api_adds_accounts_and_offers(esim):
    status, account = _control(
        esim,
        "POST",
        "accounts",
        {"username": "hu@example.hu", "password": "pw", "platform": "emag_hu"},
    )
    assert status == 200 and account["currency"] == "HUF"
    offer = {
        "id": 7,
        "category_id": 3120,
        "name": "Kábel",
        "part_number": "K-7",
        "brand": "Conecta",
        "status": 1,
        "sale_price": 2000,
        "min_sale_price": 1500,
        "max_sale_price": 4000,
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 4}],
    }
    status, saved = _control(esim, "POST", "offers", {"username": "hu@example.hu", "offer": offer})
    assert status == 200 and saved["currency"] == "HUF"
    status, error = _control(
        esim, "POST", "offers", {"username": "hu@example.hu", "offer": {**offer, "sale_price": 1}}
    )
    assert status == 400 and "outside the interval" in error["error"]


@pytest.fixture
def standalone():
    lib = Path(emag_simulator.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(lib), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "emag_simulator", "--port", "0", "--no-rate-limits"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_standalone_runner_prints_credentials_and_answers(standalone):
    banner = standalone.stdout.readline()
    base_url = re.search(r"listening on (\S+)", banner).group(1)
    credentials = [standalone.stdout.readline() for _ in range(3)]
    found = dict(re.findall(r"user=(\S+)\s+password=(\S+)", "".join(credentials)))
    assert set(found) == {"demo-ro@example.ro", "demo-bg@example.bg", "demo-hu@example.hu"}
    for username, password in found.items():
        body = requests.post(
            f"{base_url}/order/count", json={}, auth=(username, password), timeout=5
        ).json()
        assert body["isError"] is False and body["results"]["noOfItems"] > 0
    root = base_url.removesuffix("/api-3")
    assert requests.get(f"{root}/_sim/health", timeout=5).json()["ok"] is True


def test_default_seed_file_ships_with_the_package():
    assert emag_simulator.DEFAULT_SEED_FILE.is_file()
