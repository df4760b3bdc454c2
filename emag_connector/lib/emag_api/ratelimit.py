"""Client-side pacing for eMAG's per-account rate limits.

eMAG counts requests per account in two buckets (doc v4.4.7+): every route
under ``order/`` (read, count, save, acknowledge, attachments, unlock-courier)
may be called 12 times a second and 720 times a minute; all other routes
*together* 3 times a second and 180 times a minute. Invalid requests count
too. A request over the limit gets HTTP 429.

Limiter interface
-----------------
A limiter is any object with these two methods (see :class:`Limiter`)::

    acquire(key: str, limits: Sequence[RateLimit]) -> None
        Block until one request may be sent under ``key`` and reserve it.
    penalize(key: str, seconds: float) -> None
        No request under ``key`` may start for ``seconds`` (eMAG answered
        429, possibly with ``Retry-After``).

``key`` identifies one account's bucket (``"emag:<account>:orders"``); all
clients, threads or processes calling the same account must share it. The
default :class:`InProcessLimiter` shares it between the threads of one
process; a limiter shared between processes (e.g. backed by a PostgreSQL row
per key holding the next free instant) implements the same two methods with
the same arithmetic: ``start = max(now, next_free); next_free = start +
pacing_interval(limits)``.

Why even pacing rather than bursts: eMAG measures sliding windows. A token
bucket that bursts 3 requests and then sends one every third of a second puts
4 requests inside one second and gets throttled; spacing requests evenly at
slightly below the rate never does, and still reaches ~97 % of the ceiling.
"""

import threading
import time
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` requests in any ``period`` seconds."""

    count: int
    period: float


ORDER_BUCKET = "orders"
OTHER_BUCKET = "other"

BUCKET_LIMITS = {
    ORDER_BUCKET: (RateLimit(12, 1.0), RateLimit(720, 60.0)),
    OTHER_BUCKET: (RateLimit(3, 1.0), RateLimit(180, 60.0)),
}

# Headroom over the exact rate: absorbs the jitter between the instant a
# request is paced here and the instant eMAG's gateway counts it.
DEFAULT_SAFETY_MARGIN = 0.03


def bucket_for_route(route):
    """Return the bucket name of an API route such as ``"order/acknowledge/12"``."""
    return ORDER_BUCKET if route.strip("/").split("/", 1)[0] == "order" else OTHER_BUCKET


def pacing_interval(limits, safety_margin=DEFAULT_SAFETY_MARGIN):
    """Return the spacing between two requests that respects every limit.

    Spacing requests ``period / count`` apart satisfies that limit in every
    window, so the strictest ratio wins.
    """
    return max(limit.period / limit.count for limit in limits) * (1 + safety_margin)


class Limiter(Protocol):
    def acquire(self, key: str, limits) -> None: ...

    def penalize(self, key: str, seconds: float) -> None: ...


class InProcessLimiter:
    """Thread-safe even pacing of requests, one schedule per key.

    Each caller reserves the next free slot under the lock and sleeps outside
    it, so concurrent threads queue up in order without holding the lock.
    """

    def __init__(self, *, safety_margin=DEFAULT_SAFETY_MARGIN, clock=time.monotonic, sleep=None):
        self.safety_margin = safety_margin
        self._clock = clock
        self._sleep = sleep or time.sleep
        self._lock = threading.Lock()
        self._next_free = {}

    def acquire(self, key, limits):
        interval = pacing_interval(limits, self.safety_margin)
        with self._lock:
            now = self._clock()
            start = max(now, self._next_free.get(key, now))
            self._next_free[key] = start + interval
        if start > now:
            self._sleep(start - now)

    def penalize(self, key, seconds):
        with self._lock:
            resume = self._clock() + max(0.0, seconds)
            self._next_free[key] = max(self._next_free.get(key, resume), resume)


# Shared by every client of the process that was not given a limiter, so two
# clients of the same account (two jobs, two threads) pace together.
DEFAULT_LIMITER = InProcessLimiter()
