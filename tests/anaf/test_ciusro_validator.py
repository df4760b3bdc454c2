"""The bridge's own CIUS-RO validator and the official rule files it ships."""

import hashlib
import json
import shutil
import subprocess

import pytest
from anaf_testlib import FIXTURES, fixture_bytes, variant

from ciusro_validator import (
    RULES_DIR,
    RulePack,
    RulePackError,
    Validator,
    child_env,
    saxon_child_command,
)

SUMS = RULES_DIR / "SHA256SUMS"


def _listed_checksums():
    return dict(reversed(line.split(maxsplit=1)) for line in SUMS.read_text().splitlines())


def test_shipped_rule_files_are_the_published_ones():
    """Byte for byte: an edit, a reformat or a line-ending change fails here."""
    listed = _listed_checksums()
    for name, digest in listed.items():
        assert hashlib.sha256((RULES_DIR / name).read_bytes()).hexdigest() == digest, name
    shipped = {str(path.relative_to(RULES_DIR)) for path in RULES_DIR.rglob("*") if path.is_file()}
    assert shipped - {"NOTICE", "SHA256SUMS"} == set(listed), "every rule file is listed"


def test_notice_gives_source_version_and_licence_of_each_part():
    notice = (RULES_DIR / "NOTICE").read_text()
    for fact in (
        "docs.oasis-open.org/ubl/os-UBL-2.1",
        "Copyright (c) OASIS Open 2013",
        "mfinante.gov.ro/static/10/eFactura/ro16931-ubl-1.0.9.zip",
        "EUPL",
        "1.0.9",
    ):
        assert fact in notice


def test_shipped_pack_is_cius_ro_1_0_9():
    pack = RulePack.load()
    assert (pack.version, pack.shipped) == ("1.0.9", True)


def test_folder_without_rule_files_names_what_is_missing(tmp_path):
    (tmp_path / "validate_ciusro.py").write_text("")
    with pytest.raises(RulePackError) as refused:
        RulePack.load(tmp_path)
    assert refused.value.missing == [
        "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
        "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
        "cius-ro-*/compiled/validation.xsl",
    ]


def test_newest_cius_ro_version_of_a_pack_wins(tmp_path):
    shutil.copytree(RULES_DIR / "ubl-2.1", tmp_path / "ubl-2.1")
    for version in ("1.0.9", "1.0.10"):
        shutil.copytree(RULES_DIR / "cius-ro-1.0.9", tmp_path / f"cius-ro-{version}")
    pack = RulePack.load(tmp_path)
    assert (pack.version, pack.shipped) == ("1.0.10", False)
    assert pack.rules_xslt == tmp_path / "cius-ro-1.0.10" / "compiled" / "validation.xsl"


@pytest.fixture(scope="module")
def validator():
    return Validator()


def test_valid_document_passes_both_layers(validator):
    result = validator.validate(fixture_bytes("credit_note_b2b.xml"))
    assert result["ok"] and not result["xsd_errors"] and not result["rule_errors"], result


def _judge_variant(validator, old, new):
    """The verdict on the B2C invoice fixture with one change; it must fail."""
    result = validator.validate(
        variant(fixture_bytes("invoice_b2c.xml").decode(), old, new).encode()
    )
    assert not result["ok"]
    return result


def test_broken_rule_is_reported_by_id_with_its_text(validator):
    result = _judge_variant(
        validator,
        "<cbc:CountrySubentity>RO-B</cbc:CountrySubentity>",
        "<cbc:CountrySubentity>Bucuresti</cbc:CountrySubentity>",
    )
    broken = {error["id"]: error["text"] for error in result["rule_errors"]}
    assert "BR-RO-111" in broken
    assert not broken["BR-RO-111"].startswith("["), "the id is not repeated in the text"


def test_schema_error_is_an_xsd_error(validator):
    result = _judge_variant(validator, "<cbc:Note>", "<cbc:Remark>x</cbc:Remark><cbc:Note>")
    assert any("Remark" in error for error in result["xsd_errors"])


def _run_child(*args):
    """``python -m ciusro_validator`` in a child process, as the bridge starts it."""
    command = saxon_child_command("ciusro_validator", *args)
    return subprocess.run(
        command, capture_output=True, text=True, env=child_env(), timeout=300, check=False
    )


def test_child_process_judges_a_batch_as_odoo_runs_it(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(
        variant((FIXTURES / "invoice_b2c.xml").read_text(), "CIUS-RO:1.0.1", "CIUS-RO:1.0.0")
    )
    completed = _run_child("--json", FIXTURES / "invoice_b2c.xml", broken)
    assert completed.returncode == 1, completed.stderr
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [result["ok"] for result in results] == [True, False]
    assert "BR-RO-001" in {error["id"] for error in results[1]["rule_errors"]}


def test_child_process_refuses_a_folder_that_is_no_rule_pack(tmp_path):
    completed = _run_child("--rules", tmp_path, FIXTURES / "invoice_b2c.xml")
    assert completed.returncode == 2
    assert "is not a CIUS-RO rule pack" in completed.stderr
