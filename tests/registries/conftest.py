"""Fixtures of the registry clients' tests: the sandbox on loopback, real HTTP."""

import pytest

from registries import AnafVatClient, ViesClient
from registry_simulator import RegistrySimulator


@pytest.fixture
def registry_sim():
    sim = RegistrySimulator().start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def anaf(registry_sim):
    # No pacing between requests: the pacing itself has its own test.
    return AnafVatClient(registry_sim.anaf_url, min_interval=0, timeout=5)


@pytest.fixture
def vies(registry_sim):
    return ViesClient(registry_sim.vies_wsdl_url, timeout=5)
