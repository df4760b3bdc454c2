"""A rate limiter shared by every Odoo worker and job runner of a database.

It implements the limiter interface of ``lib/emag_api/ratelimit.py`` with the
same arithmetic as the in-process one (each request reserves the next free
instant of its bucket, ``start = max(now, next_free)`` and ``next_free = start +
interval``), but keeps ``next_free`` in the table ``emag_rate_limit``. One
``INSERT ... ON CONFLICT DO UPDATE`` reserves a slot atomically, so two workers
can never take the same one, and the statement commits at once on a cursor of
its own: no lock is held while the caller sleeps or while its job runs.
Those transactions run at READ COMMITTED (Odoo's cursors default to REPEATABLE
READ), so a worker that meets a concurrent reservation waits for it and builds
on it instead of failing with a serialization error.
"""

import time

from odoo.sql_db import Cursor

from ...lib.emag_api.ratelimit import DEFAULT_SAFETY_MARGIN, pacing_interval

_RESERVE = """
    INSERT INTO emag_rate_limit AS bucket (key, next_free)
         VALUES (%(key)s, EXTRACT(EPOCH FROM clock_timestamp()) + %(interval)s)
    ON CONFLICT (key) DO UPDATE
            SET next_free = GREATEST(bucket.next_free, EXTRACT(EPOCH FROM clock_timestamp()))
                            + %(interval)s
      RETURNING next_free - %(interval)s, EXTRACT(EPOCH FROM clock_timestamp())
"""

_PENALIZE = """
    INSERT INTO emag_rate_limit AS bucket (key, next_free)
         VALUES (%(key)s, EXTRACT(EPOCH FROM clock_timestamp()) + %(seconds)s)
    ON CONFLICT (key) DO UPDATE
            SET next_free = GREATEST(bucket.next_free,
                                     EXTRACT(EPOCH FROM clock_timestamp()) + %(seconds)s)
"""


class PostgresLimiter:
    """Even pacing of requests per bucket key, across processes."""

    def __init__(self, registry, *, safety_margin=DEFAULT_SAFETY_MARGIN, sleep=time.sleep):
        self.registry = registry
        self.safety_margin = safety_margin
        self._sleep = sleep

    def acquire(self, key, limits):
        """Reserve the next slot of ``key``, wait for it and return its epoch."""
        interval = pacing_interval(limits, self.safety_margin)
        with self._cursor() as cr:
            cr.execute(_RESERVE, {"key": key, "interval": interval})
            start, now = (float(value) for value in cr.fetchone())
        if start > now:
            self._sleep(start - now)
        return start

    def penalize(self, key, seconds):
        with self._cursor() as cr:
            cr.execute(_PENALIZE, {"key": key, "seconds": max(0.0, float(seconds))})

    def _cursor(self):
        cr = self.registry.cursor()
        # Only a real cursor starts a transaction of its own. A registry under
        # test lends pseudo-cursors on the test's transaction, begun already:
        # its isolation level can no longer change, and nothing races there.
        if isinstance(cr, Cursor):
            cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        return cr
