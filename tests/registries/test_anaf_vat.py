"""ANAF's VAT registry client against the sandbox: answers, and who must act on failures."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.ro import cui as ro_cui

from registries import AnafVatClient, RegistryInputError, RegistryUnavailableError


def test_found_company_reads_name_seat_and_statuses(registry_sim, anaf):
    registry_sim.add_company(
        "RO14399840",
        "DANTE INTERNATIONAL SA",
        vat_payer=True,
        vat_on_cash=True,
        efactura=True,
        street="Sos. Virtutii",
        number="148",
        city="Sector 6",
        county="MUNICIPIUL BUCURESTI",
        county_code="B",
        zip="060787",
        nr_reg="J40/372/2002",
    )
    company = anaf.check(["RO14399840"])["14399840"]
    assert company.found and company.name == "DANTE INTERNATIONAL SA"
    assert company.vat_payer and company.vat_on_cash and company.efactura and not company.inactive
    assert company.registry_number == "J40/372/2002"
    assert company.address["street"] == "Sos. Virtutii 148"
    assert company.address["county_code"] == "B" and company.address["zip"] == "060787"


def test_not_a_vat_payer_and_inactive(registry_sim, anaf):
    registry_sim.add_company("18547290", "MICA FIRMA SRL", vat_payer=False, inactive=True)
    company = anaf.check(["18547290"])["18547290"]
    assert not company.vat_payer and company.inactive


def test_unknown_cui_is_not_found_not_an_error(anaf):
    answer = anaf.check(["1234567897"])
    assert list(answer) == ["1234567897"] and not answer["1234567897"].found


def test_more_than_100_cuis_go_in_several_requests(registry_sim, anaf):
    cuis = [str(1000 + n) for n in range(150)]
    answers = anaf.check(cuis)
    assert set(answers) == set(cuis)
    assert registry_sim.calls["anaf"] == 2


@pytest.mark.parametrize("kind", ["down", "html", "rate_limited"])
def test_service_trouble_is_unavailable_never_not_found(registry_sim, anaf, kind):
    registry_sim.add_company("14399840", "DANTE INTERNATIONAL SA")
    registry_sim.add_fault("anaf", kind)
    with pytest.raises(RegistryUnavailableError) as caught:
        anaf.check(["14399840"])
    assert caught.value.service == "anaf"
    if kind == "rate_limited":
        assert caught.value.retry_after == 1
    # The next call goes through: nothing was recorded as the buyer's fault.
    assert anaf.check(["14399840"])["14399840"].found


def test_unreachable_is_unavailable(registry_sim):
    url = registry_sim.anaf_url
    registry_sim.stop()
    with pytest.raises(RegistryUnavailableError):
        AnafVatClient(url, min_interval=0, timeout=2).check(["14399840"])


def test_refused_request_is_an_input_error(registry_sim, anaf):
    registry_sim.add_fault("anaf", "invalid_request")
    with pytest.raises(RegistryInputError):
        anaf.check(["14399840"])


def test_a_cui_anaf_cannot_read_is_refused_before_any_call(registry_sim, anaf):
    with pytest.raises(RegistryInputError):
        anaf.check(["RO12AB"])
    assert registry_sim.calls["anaf"] == 0


def test_pacing_keeps_one_request_a_second(registry_sim):
    # The sandbox refuses (429) a request less than 0.25 s after the previous one.
    limited = type(registry_sim)(anaf_min_interval=0.25).start()
    try:
        client = AnafVatClient(limited.anaf_url, min_interval=0.3, timeout=5)
        started = time.monotonic()
        for _ in range(3):
            client.check(["14399840"])  # a faster caller would get 429
        assert time.monotonic() - started >= 0.6
    finally:
        limited.stop()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet="RO0123456789 ", min_size=1, max_size=14))
def test_cui_shapes_agree_with_stdnum(registry_sim, anaf, text):
    """Every CUI python-stdnum accepts is asked about; a refused shape never reaches ANAF."""
    compact = text.replace(" ", "").upper()
    calls = registry_sim.calls["anaf"]
    if ro_cui.is_valid(compact.removeprefix("RO")) and compact.count("RO") <= 1:
        number = ro_cui.compact(compact.removeprefix("RO"))
        assert not anaf.check([number])[number].found
    elif not compact.removeprefix("RO").isdigit():
        with pytest.raises(RegistryInputError):
            anaf.check([compact])
        assert registry_sim.calls["anaf"] == calls
