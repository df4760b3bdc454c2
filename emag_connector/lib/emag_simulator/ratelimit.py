"""eMAG's gateway rate limits (doc §6): sliding windows per account and bucket.

Order routes (everything under ``order/``) share one bucket of 12 requests per
second and 720 per minute; all other routes together share 3/s and 180/min.
Invalid requests count too; refused (429) requests do not. The key is the
Basic-auth user name as sent, so a wrong password still spends quota.
"""

import math
import threading
import time
from collections import defaultdict, deque

DEFAULT_LIMITS = {
    "orders": ((1, 12), (60, 720)),
    "other": ((1, 3), (60, 180)),
}
WINDOW_NAMES = {1: "Second", 60: "Minute"}


def bucket_for(route):
    return "orders" if route.split("/", 1)[0] == "order" else "other"


class RateLimiter:
    """Sliding-window counters; ``limits`` maps bucket -> ((seconds, max), ...)."""

    def __init__(self, enabled=True, limits=None, monotonic=time.monotonic):
        self.enabled = enabled
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self._monotonic = monotonic
        self._hits = defaultdict(deque)
        self._lock = threading.Lock()

    def reset(self):
        with self._lock:
            self._hits.clear()

    def hit(self, key, bucket):
        """Count one request. Returns ``(allowed, headers)``; headers include
        ``Retry-After`` when refused."""
        if not self.enabled:
            return True, {}
        windows = self.limits[bucket]
        longest = max(seconds for seconds, _limit in windows)
        now = self._monotonic()
        with self._lock:
            hits = self._hits[(key, bucket)]
            while hits and hits[0] <= now - longest:
                hits.popleft()
            headers, retry_after = {}, 0.0
            counts = []
            for seconds, limit in windows:
                recent = [t for t in hits if t > now - seconds]
                counts.append((seconds, limit, len(recent)))
                if len(recent) >= limit:
                    retry_after = max(retry_after, recent[0] + seconds - now)
            allowed = retry_after == 0.0
            if allowed:
                hits.append(now)
            for seconds, limit, used in counts:
                name = WINDOW_NAMES.get(seconds, f"{seconds}second")
                remaining = max(limit - used - int(allowed), 0)
                headers[f"X-RateLimit-Limit-{name}"] = str(limit)
                headers[f"X-RateLimit-Remaining-{name}"] = str(remaining)
            if not allowed:
                headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
            return allowed, headers
