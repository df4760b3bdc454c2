"""A local ANAF SPV e-Factura service for tests and the demo sandbox.

>>> from anaf_simulator import AnafSimulator
>>> with AnafSimulator() as sim:           # doctest: +SKIP
...     tokens = sim.issue_tokens()
...     api = sim.api_url("test")           # like https://api.anaf.ro/test/FCTEL/rest

Standalone: ``python -m anaf_simulator --port 8098``.
"""

from .judge import VALIDATION_DIR_ENV, Finding
from .server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnafSimulator

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "VALIDATION_DIR_ENV",
    "AnafSimulator",
    "Finding",
]
