"""Helpers shared by the ANAF test modules (fixture documents, polling)."""

import time
from pathlib import Path

from anaf_spv import StatusState

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CIF = "18547290"
OTHER_CIF = "43567824"


def fixture_bytes(name):
    return (FIXTURES / name).read_bytes()


def variant(xml, old, new):
    """``xml`` with one textual change, failing loudly if ``old`` is not there."""
    assert old in xml, f"fixture no longer contains {old!r}"
    return xml.replace(old, new, 1)


def poll_until_final(client, index, timeout=20.0):
    """Poll ``stareMesaj`` like the bridge would (fast), return the first final result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = client.status(index)
        if result.is_final:
            return result
        assert result.state == StatusState.IN_PROGRESS, result
        time.sleep(0.05)
    raise AssertionError(f"upload {index} still not processed after {timeout}s")
