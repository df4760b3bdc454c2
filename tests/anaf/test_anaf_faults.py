"""Failures on the way must never look like rejections; lost answers must be reconcilable."""

import time

import pytest
from anaf_testlib import CIF, OTHER_CIF, fixture_bytes, poll_until_final

from anaf_simulator import AnafSimulator
from anaf_spv import (
    AnafClient,
    AnafEndpoints,
    AnafOutcomeUnknown,
    AnafRequestRefused,
    AnafRightsError,
    AnafTemporaryError,
    AnafUploadRejected,
    StatusState,
)


def _accepted_upload(client):
    index = client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
    return index, poll_until_final(client, index)


def test_daily_limit_on_status_is_temporary_and_the_document_stays_queued(anaf_sim, anaf_client):
    index = anaf_client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
    anaf_sim.set_fault("stareMesaj", "daily_limit")

    limited = anaf_client.status(index)

    assert limited.state == StatusState.TEMPORARY_ERROR
    assert limited.reason == "daily_limit"
    assert limited.messages[0].startswith("S-au facut deja")
    assert poll_until_final(anaf_client, index).state == StatusState.OK


def test_real_download_quota_is_counted_per_message():
    with AnafSimulator(processing_polls=0, limits={"descarcare": 2}) as sim:
        client = AnafClient(
            sim.issue_tokens()["access_token"],
            endpoints=AnafEndpoints.sandbox(sim.base_url),
            timeout=5,
        )
        _index, final = _accepted_upload(client)
        client.download(final.download_id)
        client.download(final.download_id)
        with pytest.raises(AnafTemporaryError) as limited:
            client.download(final.download_id)
    assert limited.value.reason == "daily_limit"
    assert limited.value.message == "S-au facut deja 2 descarcari de mesaj in cursul zilei"


def test_daily_limit_on_upload_is_temporary_not_a_rejection(anaf_sim, anaf_client):
    anaf_sim.set_fault("uploadb2c", "daily_limit")
    with pytest.raises(AnafTemporaryError) as limited:
        anaf_client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
    assert limited.value.reason == "daily_limit"
    assert not isinstance(limited.value, AnafUploadRejected)
    assert anaf_sim.uploads() == []


def test_http_5xx_is_temporary_and_nothing_is_registered(anaf_sim, anaf_client):
    anaf_sim.set_fault("upload", "http_error", status=503)
    with pytest.raises(AnafTemporaryError) as failed:
        anaf_client.upload(fixture_bytes("credit_note_b2b.xml"), CIF, standard="CN")
    assert (failed.value.reason, failed.value.http_status) == ("server_error", 503)
    assert anaf_sim.uploads() == []

    index = anaf_client.upload(fixture_bytes("credit_note_b2b.xml"), CIF, standard="CN")
    anaf_sim.set_fault("stareMesaj", "http_error", status=500)
    assert anaf_client.status(index).state == StatusState.TEMPORARY_ERROR
    assert poll_until_final(anaf_client, index).state == StatusState.OK


def test_rate_limit_429_is_temporary(anaf_sim, anaf_client):
    anaf_sim.set_fault("listaMesajeFactura", "rate_limit")
    with pytest.raises(AnafTemporaryError) as limited:
        anaf_client.list_messages(1, CIF)
    assert (limited.value.reason, limited.value.http_status) == ("rate_limit", 429)


def test_status_timeout_is_temporary(anaf_sim, anaf_endpoints):
    client = AnafClient(
        anaf_sim.issue_tokens()["access_token"], endpoints=anaf_endpoints, timeout=(2, 0.3)
    )
    index = client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
    anaf_sim.set_fault("stareMesaj", "timeout", seconds=1.0)

    result = client.status(index)

    assert (result.state, result.reason) == (StatusState.TEMPORARY_ERROR, "timeout")


def test_upload_timeout_is_outcome_unknown_because_anaf_may_have_registered_it(
    anaf_sim, anaf_endpoints
):
    client = AnafClient(
        anaf_sim.issue_tokens()["access_token"], endpoints=anaf_endpoints, timeout=(2, 0.3)
    )
    anaf_sim.set_fault("uploadb2c", "timeout", seconds=0.8)

    with pytest.raises(AnafOutcomeUnknown):
        client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)

    deadline = time.monotonic() + 5
    while not anaf_sim.uploads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(anaf_sim.uploads()) == 1


def test_unreachable_server_is_temporary_for_uploads_too(anaf_sim, anaf_endpoints):
    tokens = anaf_sim.issue_tokens()
    anaf_sim.stop()  # nothing listens any more: the request cannot have arrived
    client = AnafClient(tokens["access_token"], endpoints=anaf_endpoints, timeout=(1, 1))
    with pytest.raises(AnafTemporaryError) as failed:
        client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
    assert failed.value.reason == "connection"


def test_lost_upload_answer_is_reconciled_through_the_message_list(anaf_sim, anaf_client):
    known_index, _final = _accepted_upload(anaf_client)  # an earlier, unrelated invoice
    anaf_sim.set_fault("uploadb2c", "lost_answer")
    other = fixture_bytes("invoice_b2c.xml").replace(b"EMAG-2026-00042", b"EMAG-2026-00043")

    with pytest.raises(AnafOutcomeUnknown):
        anaf_client.upload(other, CIF, b2c=True)

    registered = [u for u in anaf_sim.uploads() if u["invoice_number"] == "EMAG-2026-00043"]
    assert len(registered) == 1  # ANAF has it, the caller has no index
    assert anaf_sim.wait_idle()
    # Still "in prelucrare" for the first look: nothing to match yet, do not resend.
    assert anaf_client.reconcile_upload(CIF, "EMAG-2026-00043", known_indexes=[known_index]) is None
    match = anaf_client.reconcile_upload(CIF, "EMAG-2026-00043", known_indexes=[known_index])
    assert match.index == registered[0]["index"]
    assert match.message.is_sent_invoice
    assert match.download.invoice_number == "EMAG-2026-00043"
    assert anaf_client.reconcile_upload(CIF, "EMAG-2026-00099") is None


def test_upload_refusal_messages_are_read_in_the_upload_namespace(anaf_client):
    broken = fixture_bytes("credit_note_b2b.xml").replace(b"<CreditNote ", b"<CreditNote1 ", 1)
    broken = broken.replace(b"</CreditNote>", b"</CreditNote1>")
    with pytest.raises(AnafUploadRejected) as refused:
        anaf_client.upload(broken, CIF, standard="CN")
    assert len(refused.value.messages) == 1
    assert refused.value.messages[0].startswith("Fisierul transmis nu este valid.")


def test_missing_spv_rights_are_typed_on_every_route():
    """No right on the CIF is the company's authorisation to fix, never a document verdict."""
    with AnafSimulator(cifs=[CIF], processing_polls=0) as sim:
        client = AnafClient(
            sim.issue_tokens()["access_token"],
            endpoints=AnafEndpoints.sandbox(sim.base_url),
            timeout=5,
        )
        with pytest.raises(AnafRightsError) as refused:
            client.upload(fixture_bytes("credit_note_b2b.xml"), OTHER_CIF, standard="CN")
        assert refused.value.messages == [f"Nu aveti drept in SPV pentru CIF={OTHER_CIF}"]

        index = client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
        status = poll_until_final(client, index)
        sim.cifs = {"1"}  # the person behind the token lost the right on CIF
        with pytest.raises(AnafRightsError) as refused:
            client.status(index)
        assert (
            refused.value.message == f"Nu aveti dreptul de inteorgare pentru id_incarcare= {index}"
        )
        with pytest.raises(AnafRightsError):
            client.download(status.download_id)
        with pytest.raises(AnafRightsError):
            client.list_messages(1, CIF)

        sim.cifs = set()
        with pytest.raises(AnafRightsError) as refused:
            client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
        assert refused.value.message.startswith("Nu exista niciun CIF pentru care sa aveti drept")


def test_status_query_errors_are_temporary_and_failed_downloads_are_typed(anaf_client):
    unknown = anaf_client.status("5999999999")
    assert (unknown.state, unknown.reason) == (StatusState.TEMPORARY_ERROR, "query_error")
    assert unknown.messages == ("Nu exista factura cu id_incarcare= 5999999999",)

    with pytest.raises(AnafRequestRefused) as refused:
        anaf_client.download("3999999999")
    assert refused.value.message == "Pentru id=3999999999 nu exista inregistrata nici o factura"
    assert not refused.value.expired
