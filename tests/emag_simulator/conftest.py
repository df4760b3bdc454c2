"""Fixtures for the simulator tests: a started simulator and a tiny API caller.

Every test gets its own simulator on an ephemeral loopback port, so state,
rate-limit counters, faults and the clock never leak between tests.
"""

import pytest
from emag_sim_support import Api, make_simulator


@pytest.fixture
def esim():
    sim = make_simulator()
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def esim_api(esim):
    api = Api(esim)
    yield api
    api.session.close()
