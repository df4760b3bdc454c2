"""Simulator behaviour the bridge relies on: lists, delays, control API, standalone mode."""

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
import requests
from anaf_testlib import CIF, OTHER_CIF, fixture_bytes, poll_until_final

from anaf_simulator import AnafSimulator
from anaf_spv import AnafClient, AnafEndpoints, AnafRequestRefused, StatusState

LIB = os.path.join(os.path.dirname(__file__), "..", "..", "l10n_ro_efactura_bridge", "lib")


@pytest.fixture
def quick_sim():
    """A simulator that shows verdicts at the first look, with pages of two messages."""
    with AnafSimulator(processing_polls=0, page_size=2) as sim:
        yield sim


def _client(sim, calls=None):
    return AnafClient(
        sim.issue_tokens()["access_token"],
        endpoints=AnafEndpoints.sandbox(sim.base_url, "prod"),
        timeout=5,
        call_hook=calls.append if calls is not None else None,
    )


def test_paginated_list_walks_every_page_and_filters(quick_sim):
    calls = []
    client = _client(quick_sim, calls)
    start = datetime.now().astimezone() - timedelta(minutes=5)
    invoice = fixture_bytes("invoice_b2c.xml")
    for number in (1, 2, 3):
        numbered = invoice.replace(b"EMAG-2026-00042", f"EMAG-2026-1000{number}".encode())
        client.upload(numbered, CIF, b2c=True)
    quick_sim.force_verdict("nok")
    client.upload(invoice, CIF, b2c=True)
    credit_index = client.upload(fixture_bytes("credit_note_b2b.xml"), CIF, standard="CN")
    assert quick_sim.wait_idle()
    end = datetime.now().astimezone()

    sent = client.list_messages_between(CIF, start, end, filter="T")
    everything = client.list_messages_between(CIF, start, end)

    assert len(sent) == 4 and all(message.is_sent_invoice for message in sent)
    assert [m.kind for m in everything].count("ERORI FACTURA") == 1
    assert len(everything) == 5
    pages = [c.params["pagina"] for c in calls if c.route == "listaMesajePaginatieFactura"]
    assert pages == ["1", "2", "1", "2", "3"]
    credit = next(m for m in sent if m.upload_index == credit_index)
    assert (credit.issuer_cif, credit.buyer_cif) == (CIF, OTHER_CIF)
    # The B2B buyer sees the credit note as received; B2C documents reach no buyer.
    received = client.list_messages(1, OTHER_CIF, filter="P")
    assert [m.upload_index for m in received] == [credit_index]


def test_a_supplier_invoice_reaches_its_buyer_as_received():
    """What a buyer's "Synchronize with ANAF" imports: FACTURA PRIMITA, downloadable by it."""
    with AnafSimulator(cifs=[OTHER_CIF], processing_polls=0) as sim:
        buyer = _client(sim)
        # The supplier (CIF) files the credit note to OTHER_CIF; the buyer holds no right on CIF.
        index = sim.file_supplier_invoice(fixture_bytes("credit_note_b2b.xml"))
        over_http = requests.post(
            f"{sim.base_url}/_sim/supplier-invoices",
            json={"xml": fixture_bytes("invoice_b2c.xml").decode()},
            timeout=5,
        )

        received = buyer.list_messages(1, OTHER_CIF, filter="P")
        assert [(m.upload_index, m.kind) for m in received] == [(index, "FACTURA PRIMITA")]
        assert buyer.list_messages(1, OTHER_CIF, filter="T") == []
        download = buyer.download(received[0].id)
        assert download.document == fixture_bytes("credit_note_b2b.xml")
        assert download.signature
        assert sim.upload(index)["standard"] == "CN"
        # A document addressed to someone else is not in this buyer's list.
        assert over_http.json()["index"] not in [m.upload_index for m in received]


def test_list_refusals_and_empty_lists(quick_sim):
    client = _client(quick_sim)
    assert client.list_messages(60, CIF) == []
    with pytest.raises(AnafRequestRefused) as refused:
        client.list_messages(61, CIF)
    assert refused.value.message == "Numarul de zile trebuie sa fie intre 1 si 60"
    future = datetime.now().astimezone() + timedelta(hours=1)
    with pytest.raises(AnafRequestRefused) as refused:
        client.list_messages_between(CIF, future - timedelta(hours=2), future)
    assert "nu poate in viitor" in refused.value.message


def test_delay_in_seconds_keeps_the_document_in_prelucrare(quick_sim):
    client = _client(quick_sim)
    quick_sim.set_delay(seconds=0.4, polls=0)
    index = client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
    assert quick_sim.wait_idle()
    assert client.status(index).state == StatusState.IN_PROGRESS
    time.sleep(0.45)
    assert client.status(index).state == StatusState.OK


def test_upload_parameter_errors_use_anaf_texts(quick_sim):
    client = _client(quick_sim)
    api = AnafEndpoints.sandbox(quick_sim.base_url).api_url
    headers = {"Authorization": f"Bearer {client.access_token}"}
    bare = requests.post(f"{api}/upload", data=b"<a/>", headers=headers, timeout=5)
    assert bare.status_code == 400
    assert bare.json()["message"] == "Parametrii standard si cif sunt obligatorii"
    bad_flag = requests.post(
        f"{api}/upload?standard=UBL&cif={CIF}&extern=NU", data=b"<a/>", headers=headers, timeout=5
    )
    assert 'ExecutionStatus="1"' in bad_flag.text
    assert "Daca parametrul extern trebuie completat, valoarea acceptata este DA" in bad_flag.text


def test_control_api_over_http(quick_sim):
    client = _client(quick_sim)
    control = f"{quick_sim.base_url}/_sim"
    assert requests.get(f"{control}/health", timeout=5).json()["status"] == "ok"
    armed = requests.post(
        f"{control}/faults",
        json={"route": "upload", "kind": "http_error", "status": 502},
        timeout=5,
    )
    assert armed.status_code == 200
    answer = requests.post(
        f"{AnafEndpoints.sandbox(quick_sim.base_url).api_url}/upload?standard=CN&cif={CIF}",
        data=fixture_bytes("credit_note_b2b.xml"),
        headers={"Authorization": f"Bearer {client.access_token}"},
        timeout=5,
    )
    assert answer.status_code == 502

    index = client.upload(fixture_bytes("credit_note_b2b.xml"), CIF, standard="CN")
    verdict = {"verdict": "nok", "index": index, "errors": [{"rule_id": "BR-X", "text": "t"}]}
    assert requests.post(f"{control}/verdict", json=verdict, timeout=5).status_code == 200
    final = poll_until_final(client, index)
    assert final.state == StatusState.NOK
    uploads = requests.get(f"{control}/uploads", timeout=5).json()["uploads"]
    assert [(u["index"], u["verdict"], u["forced"]) for u in uploads] == [(index, "nok", True)]
    detail = requests.get(f"{control}/uploads/{index}", timeout=5).json()
    assert detail["xml"].startswith("<?xml") and "EMAGCN-2026-00007" in detail["xml"]
    refused = requests.post(f"{control}/faults", json={"route": "upload", "kind": "x"}, timeout=5)
    assert refused.status_code == 400


def test_standalone_entry_point_serves_until_terminated():
    env = {**os.environ, "PYTHONPATH": os.path.abspath(LIB)}
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "anaf_simulator", "--port", "0", "--builtin-rules"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        banner = process.stdout.readline()
        assert banner.startswith("ANAF SPV simulator on http://127.0.0.1:")
        base_url = banner.split()[4]
        health = requests.get(f"{base_url}/_sim/health", timeout=5).json()
        assert health == {"status": "ok", "validation": "builtin"}
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
