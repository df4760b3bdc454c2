"""Fixtures of the eMAG client tests: a simulator on loopback and a client of it.

Most contract tests run the simulator with its rate limits off and the client
with :class:`Unpaced` (no client-side pacing) so the suite stays fast; the
rate-limit tests switch both on explicitly.
"""

import pytest
from emag_api_support import PASSWORD, USER, Unpaced, catalogue_offer

from emag_api import EmagClient
from emag_simulator import EmagSimulator


@pytest.fixture
def api_sim():
    with EmagSimulator(seed=1, rate_limits=False) as sim:
        sim.add_account(USER, PASSWORD, platform="emag_ro")
        for offer_id in range(1, 6):
            sim.add_offer(USER, catalogue_offer(offer_id))
        yield sim


@pytest.fixture
def api_calls():
    """Call records received by ``api_client``'s hook."""
    return []


@pytest.fixture
def api_slept():
    """Back-off delays ``api_client`` asked for, in seconds."""
    return []


@pytest.fixture
def api_client(api_sim, api_calls, api_slept):
    client = EmagClient(
        api_sim.base_url,
        USER,
        PASSWORD,
        platform="emag_ro",
        limiter=Unpaced(),
        call_hook=api_calls.append,
        timeout=(2, 5),
        # Back-off delays are recorded instead of slept: the retry logic is
        # exercised against real HTTP without slowing the suite down.
        sleep=api_slept.append,
    )
    yield client
    client.close()
