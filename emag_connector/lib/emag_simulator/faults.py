"""Fault injection: make chosen routes slow, failing, silent or rate limited.

Kinds:

``latency``
    wait ``delay`` seconds, then answer normally;
``error``
    answer HTTP ``status`` (500, 502, 503 or 504) without touching state;
``rate_limit``
    answer 429 with the Kong body, as in a 429 storm;
``timeout``
    hold the connection ``delay`` seconds, then close it unanswered (nothing
    committed) — use a delay longer than the client's read timeout;
``drop``
    close the connection at once without an answer (nothing committed);
``commit_then_timeout``
    process the request (state changes!), then hold ``delay`` seconds and
    close without answering: the client cannot know its call succeeded.

A fault matches a route key exactly (``"awb/save"``), by prefix
(``"order/*"``) or everything (``"*"``), optionally one account, applies with
``probability`` and ``times`` times at most (None = until cleared).
"""

import itertools
import random
import threading
from dataclasses import asdict, dataclass

FAULT_KINDS = ("latency", "error", "rate_limit", "timeout", "drop", "commit_then_timeout")
GATEWAY_MESSAGES = {
    500: "An unexpected error occurred",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Fault:
    id: int
    kind: str
    route: str = "*"
    username: str = None
    times: int = None
    probability: float = 1.0
    delay: float = 0.0
    status: int = 500

    def matches(self, route, username):
        if self.username and self.username != username:
            return False
        if self.route == "*" or self.route == route:
            return True
        return self.route.endswith("/*") and route.startswith(self.route[:-1])

    def as_dict(self):
        return asdict(self)


class FaultPlan:
    """The active faults; thread-safe, seeded for reproducible probabilities."""

    def __init__(self, seed=0):
        self._faults = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._rng = random.Random(seed)

    def add(
        self, kind, route="*", username=None, times=None, probability=1.0, delay=0.0, status=500
    ):
        if kind not in FAULT_KINDS:
            raise ValueError(f"Unknown fault kind {kind!r}; known: {FAULT_KINDS}")
        if kind == "error" and status not in GATEWAY_MESSAGES:
            raise ValueError(f"Error faults use one of {sorted(GATEWAY_MESSAGES)}")
        fault = Fault(
            next(self._ids), kind, route, username, times, probability, float(delay), int(status)
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._faults.clear()

    def list(self):
        with self._lock:
            return [fault.as_dict() for fault in self._faults]

    def triggered(self, route, username):
        """Faults firing for this request (consuming their ``times``), in order added."""
        fired = []
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(route, username):
                    continue
                if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                    continue
                fired.append(fault)
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
        return fired
