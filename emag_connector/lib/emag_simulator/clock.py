"""The simulator's notion of "now".

eMAG rules depend on elapsed time (48-hour windows after finalization or
cancellation, the customer return period), so tests need to move time forward
without sleeping. The clock follows the real UTC time shifted by an offset that
tests can advance, or stays frozen at a chosen instant. Rate limiting and
callbacks deliberately keep using real monotonic time: they are about the
wall-clock pace of HTTP traffic, not about business dates.
"""

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


class SimClock:
    """A shiftable, freezable UTC clock rendering eMAG's naive local timestamps."""

    def __init__(self, frozen_at=None):
        self._lock = threading.Lock()
        self._offset = timedelta()
        self._frozen = self._as_utc(frozen_at) if frozen_at else None

    @staticmethod
    def _as_utc(moment):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)

    def utcnow(self):
        """Current simulated instant, timezone-aware (UTC)."""
        with self._lock:
            base = self._frozen or datetime.now(timezone.utc)
            return base + self._offset

    def local_now(self, tz_name):
        """Current simulated time as a naive datetime in the platform's zone."""
        return self.utcnow().astimezone(ZoneInfo(tz_name)).replace(tzinfo=None, microsecond=0)

    def advance(self, seconds=0, minutes=0, hours=0, days=0):
        """Move simulated time forward (negative values move it back)."""
        delta = timedelta(seconds=seconds, minutes=minutes, hours=hours, days=days)
        with self._lock:
            self._offset += delta

    def freeze(self, moment):
        """Stop the clock at ``moment`` (naive values are taken as UTC)."""
        with self._lock:
            self._frozen = self._as_utc(moment)
            self._offset = timedelta()

    def unfreeze(self):
        """Let the clock follow real time again, keeping the current offset."""
        with self._lock:
            self._frozen = None
