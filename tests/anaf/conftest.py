"""Fixtures of the ANAF SPV client and simulator tests (real HTTP on loopback)."""

import importlib.util

import pytest

from anaf_simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnafSimulator
from anaf_simulator.judge import locate_validation_dir
from anaf_spv import AnafClient, AnafEndpoints, AnafOAuth


@pytest.fixture(scope="session")
def anaf_validation_dir():
    """The shared official validation folder, or skip the official-rules assertions."""
    folder = locate_validation_dir()
    if folder is None:
        pytest.skip(
            "official CIUS-RO validation folder absent (/work/shared/validation, "
            "<repo>/../shared/validation or $ANAF_SIM_VALIDATION_DIR)"
        )
    return folder


@pytest.fixture(scope="session")
def anaf_validator(anaf_validation_dir):
    """The shared ``validate_ciusro`` module, imported by path."""
    spec = importlib.util.spec_from_file_location(
        "tests_anaf_validate_ciusro", anaf_validation_dir / "validate_ciusro.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
