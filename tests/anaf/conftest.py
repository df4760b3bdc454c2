"""Fixtures of the ANAF SPV client and simulator tests (real HTTP on loopback)."""

import pytest

from anaf_simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnafSimulator
from anaf_spv import AnafClient, AnafEndpoints, AnafOAuth
from ciusro_validator import Validator


@pytest.fixture(scope="session")
def anaf_validator():
    """The bridge's validator with the official rules it ships (never skipped)."""
    return Validator()


@pytest.fixture
def anaf_sim():
    with AnafSimulator(processing_polls=1) as sim:
        yield sim


@pytest.fixture
def anaf_endpoints(anaf_sim):
    return AnafEndpoints.sandbox(anaf_sim.base_url, "test")


@pytest.fixture
def anaf_calls():
    """Every :class:`CallRecord` the clients built by these fixtures report."""
    return []


@pytest.fixture
def anaf_client(anaf_sim, anaf_endpoints, anaf_calls):
    tokens = anaf_sim.issue_tokens()
    return AnafClient(
        tokens["access_token"],
        endpoints=anaf_endpoints,
        timeout=(2, 5),
        call_hook=anaf_calls.append,
    )


@pytest.fixture
def anaf_oauth(anaf_sim, anaf_endpoints, anaf_calls):
    return AnafOAuth(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        endpoints=anaf_endpoints,
        timeout=5,
        call_hook=anaf_calls.append,
    )
