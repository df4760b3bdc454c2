"""The e-Factura round trip: upload → in prelucrare → ok/nok → download, with the official rules."""

import base64
import hashlib
import io
import zipfile

import pytest
from anaf_testlib import CIF, FIXTURES, fixture_bytes, poll_until_final, variant
from lxml import etree

from anaf_spv import AnafUploadRejected, StatusState

DSIG = "{http://www.w3.org/2000/09/xmldsig#}"


@pytest.mark.parametrize("name", ["invoice_b2c.xml", "credit_note_b2b.xml"])
def test_fixtures_pass_the_official_rules(anaf_validator, name):
    """The fixtures are proven valid, so a nok of a variant comes from the change alone."""
    result = anaf_validator.validate_file(FIXTURES / name)
    assert result["ok"], result


def test_b2c_invoice_accepted_and_signed_archive_downloaded(anaf_sim, anaf_client):
    xml = fixture_bytes("invoice_b2c.xml")

    index = anaf_client.upload(xml, "RO" + CIF, b2c=True)

    first = anaf_client.status(index)
    assert first.state == StatusState.IN_PROGRESS
    final = poll_until_final(anaf_client, index)
    assert final.state == StatusState.OK and final.download_id

    download = anaf_client.download(final.download_id)
    assert download.index == index
    assert download.errors == () and not download.is_error_document
    assert download.document == xml
    assert download.invoice_number == "EMAG-2026-00042"
    names = set(zipfile.ZipFile(io.BytesIO(download.zip_bytes)).namelist())
    assert names == {f"{index}.xml", f"semnatura_{index}.xml"}
    signature = etree.fromstring(download.signature)
    digest = signature.findtext(f".//{DSIG}DigestValue")
    assert digest == base64.b64encode(hashlib.sha256(xml).digest()).decode()
    assert signature.findtext(f".//{DSIG}X509Certificate")
    uploaded = anaf_sim.upload(index)
    assert uploaded["b2c"] is True and uploaded["cif"] == CIF


def test_credit_note_goes_with_standard_cn(anaf_sim, anaf_client):
    index = anaf_client.upload(fixture_bytes("credit_note_b2b.xml"), CIF, standard="CN")
    assert poll_until_final(anaf_client, index).state == StatusState.OK
    assert anaf_sim.upload(index)["standard"] == "CN"


@pytest.mark.parametrize(
    ("old", "new", "rule_id"),
    [
        # county written as text instead of the ISO 3166-2:RO code
        (
            "<cbc:CountrySubentity>RO-B</cbc:CountrySubentity>",
            "<cbc:CountrySubentity>Bucuresti</cbc:CountrySubentity>",
            "BR-RO-111",
        ),
        # the swagger-era specification identifier
        ("CIUS-RO:1.0.1", "CIUS-RO:1.0.0", "BR-RO-001"),
        # a tax exclusive total that is not the sum of the lines
        (
            'TaxExclusiveAmount currencyID="RON">150.00',
            'TaxExclusiveAmount currencyID="RON">151.00',
            "BR-CO-13",
        ),
    ],
)
def test_broken_invoice_is_nok_with_official_rule_ids(anaf_sim, anaf_client, old, new, rule_id):
    assert anaf_sim.validation_mode == "official"
    xml = variant(fixture_bytes("invoice_b2c.xml").decode(), old, new).encode()

    index = anaf_client.upload(xml, CIF, b2c=True)
    final = poll_until_final(anaf_client, index)

    assert final.state == StatusState.NOK
    download = anaf_client.download(final.download_id)
    assert download.is_error_document and download.index == index
    assert rule_id in {error.rule_id for error in download.errors}
    error = next(error for error in download.errors if error.rule_id == rule_id)
    assert error.text.startswith(f"E: validari globale  SCHEMATRON   eroare: [{rule_id}]-")
    assert download.signature  # ANAF signs error documents too


def test_schema_error_is_refused_at_upload_with_its_message(anaf_sim, anaf_client):
    xml = variant(
        fixture_bytes("invoice_b2c.xml").decode(),
        "<cbc:Note>",
        "<cbc:Remark>x</cbc:Remark><cbc:Note>",
    ).encode()

    with pytest.raises(AnafUploadRejected) as refused:
        anaf_client.upload(xml, CIF, b2c=True)

    assert refused.value.messages[0].startswith("Fisierul transmis nu este valid.")
    assert "Remark" in refused.value.messages[0]
    assert anaf_sim.uploads() == []


def test_unknown_root_is_refused_at_upload_even_with_builtin_rules(anaf_client):
    xml = variant(fixture_bytes("invoice_b2c.xml").decode(), "<Invoice ", "<Invoice1 ")
    xml = variant(xml, "</Invoice>", "</Invoice1>").encode()
    with pytest.raises(AnafUploadRejected) as refused:
        anaf_client.upload(xml, CIF)
    assert "Cannot find the declaration of element 'Invoice1'" in refused.value.message


def test_invoice_sent_as_credit_note_is_xml_errors_not_taken(anaf_client):
    index = anaf_client.upload(fixture_bytes("invoice_b2c.xml"), CIF, standard="CN")
    final = poll_until_final(anaf_client, index)
    assert final.state == StatusState.XML_ERRORS_NOT_TAKEN
    assert final.download_id is None


def test_forced_verdict_and_builtin_rules_when_official_folder_absent(caplog, tmp_path):
    from anaf_simulator import AnafSimulator
    from anaf_spv import AnafClient, AnafEndpoints

    with caplog.at_level("WARNING", logger="anaf_simulator"):
        sim = AnafSimulator(use_official_rules=False, processing_polls=0)
    assert sim.validation_mode == "builtin"
    assert "using built-in checks" in caplog.text
    with sim:
        client = AnafClient(
            sim.issue_tokens()["access_token"],
            endpoints=AnafEndpoints.sandbox(sim.base_url),
            timeout=5,
        )
        broken = variant(
            fixture_bytes("invoice_b2c.xml").decode(),
            "<cbc:CountrySubentity>RO-B</cbc:CountrySubentity>",
            "<cbc:CountrySubentity>Bucuresti</cbc:CountrySubentity>",
        ).encode()
        index = client.upload(broken, CIF, b2c=True)
        final = poll_until_final(client, index)
        assert final.state == StatusState.NOK
        assert [e.rule_id for e in client.download(final.download_id).errors] == ["BR-RO-111"]

        sim.force_verdict("nok", errors=[("BR-RO-120", "Cumparator fara identificator")])
        index = client.upload(fixture_bytes("invoice_b2c.xml"), CIF, b2c=True)
        final = poll_until_final(client, index)
        errors = client.download(final.download_id).errors
        assert [(e.rule_id, e.text.endswith("fara identificator")) for e in errors] == [
            ("BR-RO-120", True)
        ]
