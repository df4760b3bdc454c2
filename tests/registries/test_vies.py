"""VIES through zeep against the sandbox's WSDL and SOAP endpoint."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.eu import vat as eu_vat

from registries import RegistryInputError, RegistryUnavailableError, ViesClient, vies_parts

VALID_BG = "BG175074752"


def test_valid_number_with_name_and_address(registry_sim, vies):
    registry_sim.add_vat_number(VALID_BG, True, "FIRMA EOOD", "ul. Vitosha 1, Sofia")
    answer = vies.check(VALID_BG)
    assert answer.valid and answer.vat == VALID_BG
    assert answer.name == "FIRMA EOOD" and answer.address == "ul. Vitosha 1, Sofia"
    assert answer.request_date


def test_number_without_prefix_takes_the_buyers_country(registry_sim, vies):
    registry_sim.add_vat_number(VALID_BG, True, "FIRMA EOOD")
    assert vies.check("175074752", "BG").valid


def test_unknown_number_is_not_valid_not_an_error(vies):
    answer = vies.check("BG831650349")
    assert not answer.valid and answer.name == "" and answer.address == ""


def test_consultation_number_with_our_own_vat(registry_sim):
    registry_sim.add_vat_number(VALID_BG, True, "FIRMA EOOD")
    client = ViesClient(registry_sim.vies_wsdl_url, requester="RO14399840", timeout=5)
    answer = client.check(VALID_BG)
    assert answer.valid and answer.request_identifier.startswith("WAPI")


def test_greece_is_asked_as_el():
    assert vies_parts("GR094259216") == ("EL", "094259216")
    assert vies_parts("094259216", "GR") == ("EL", "094259216")


@pytest.mark.parametrize(
    "fault",
    ["MS_UNAVAILABLE", "SERVICE_UNAVAILABLE", "TIMEOUT", "GLOBAL_MAX_CONCURRENT_REQ", "down"],
)
def test_busy_or_down_is_unavailable(registry_sim, vies, fault):
    registry_sim.add_vat_number(VALID_BG, True, "FIRMA EOOD")
    registry_sim.add_fault("vies", fault)
    with pytest.raises(RegistryUnavailableError) as caught:
        vies.check(VALID_BG)
    assert caught.value.service == "vies"
    assert vies.check(VALID_BG).valid


def test_member_state_unavailable(registry_sim, vies):
    registry_sim.unavailable_states = {"BG"}
    with pytest.raises(RegistryUnavailableError) as caught:
        vies.check(VALID_BG)
    assert caught.value.code == "MS_UNAVAILABLE"


def test_invalid_input_is_the_buyers_data(registry_sim, vies):
    registry_sim.add_fault("vies", "INVALID_INPUT")
    with pytest.raises(RegistryInputError):
        vies.check(VALID_BG)


def test_unreachable_wsdl_is_unavailable(registry_sim):
    url = registry_sim.vies_wsdl_url
    registry_sim.stop()
    with pytest.raises(RegistryUnavailableError):
        ViesClient(url, timeout=2).check(VALID_BG)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["BG", "HU", "DE", "AT", "PL", "GR", "EL", "FR"]),
    st.text(alphabet="0123456789", min_size=1, max_size=12),
)
def test_number_shapes_agree_with_stdnum(registry_sim, vies, country, digits):
    """A number stdnum validates reaches VIES (answer: not valid); one it refuses
    is refused before any call."""
    text = f"{country}{digits}"
    stdnum_text = "GR" + digits if country == "EL" else text
    calls = registry_sim.calls["vies"]
    if eu_vat.is_valid(stdnum_text):
        answer = vies.check(text)
        assert not answer.valid
        assert answer.country_code == ("EL" if country in ("GR", "EL") else country)
        assert registry_sim.calls["vies"] == calls + 1
    else:
        with pytest.raises(RegistryInputError):
            vies.check(text)
        assert registry_sim.calls["vies"] == calls
