import threading
import uuid

from odoo.tests import TransactionCase, tagged

from ..lib.emag_api.ratelimit import BUCKET_LIMITS, pacing_interval
from ..services.common.rate_limiter import PostgresLimiter


@tagged("post_install", "-at_install")
class TestPostgresLimiter(TransactionCase):
    """The limiter shared by workers: every slot is reserved in PostgreSQL."""

    def setUp(self):
        super().setUp()
        self.key = f"emag:test-{uuid.uuid4().hex}:other"
        self.addCleanup(self._forget_key)

    def _forget_key(self):
        # The limiter commits on cursors of its own; remove what it wrote.
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM emag_rate_limit WHERE key = %s", [self.key])

    def test_concurrent_workers_never_share_a_slot(self):
        """Three workers, each with its own database connection, pace as one."""
        limits = BUCKET_LIMITS["other"]
        starts, errors = [], []

        def worker():
            limiter = PostgresLimiter(self.registry, sleep=lambda seconds: None)
            try:
                for _ in range(5):
                    starts.append(limiter.acquire(self.key, limits))
            except Exception as error:  # reported below, in the test thread
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertFalse(errors)
        starts.sort()
        self.assertEqual(len(starts), 15)
        gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
        interval = pacing_interval(limits)
        self.assertGreaterEqual(min(gaps), interval * 0.999, "no two requests closer than 1/3 s")
        # 15 requests at 3 per second span at least 14 intervals: never a burst.
        self.assertGreaterEqual(starts[-1] - starts[0], 14 * interval * 0.999)

    def test_penalty_after_429_delays_the_next_request(self):
        slept = []
        limiter = PostgresLimiter(self.registry, sleep=slept.append)
        limiter.acquire(self.key, BUCKET_LIMITS["orders"])
        limiter.penalize(self.key, 5)
        limiter.acquire(self.key, BUCKET_LIMITS["orders"])
        self.assertGreater(slept[-1], 4.5, "Retry-After of 5 s is honoured by every worker")
