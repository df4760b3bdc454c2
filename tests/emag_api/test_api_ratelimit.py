"""Pacing of requests under eMAG's per-account limits."""

import threading
import time

from emag_api.ratelimit import (
    BUCKET_LIMITS,
    InProcessLimiter,
    RateLimit,
    bucket_for_route,
    pacing_interval,
)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_routes_map_to_buckets():
    for route in (
        "order/read",
        "order/count",
        "order/save",
        "order/acknowledge/12",
        "order/attachments/save",
        "order/12/unlock-courier",
    ):
        assert bucket_for_route(route) == "orders", route
    for route in (
        "offer/save",
        "product_offer/read",
        "offer_stock/5",
        "awb/save",
        "vat/read",
        "rma/save",
        "category/read",
    ):
        assert bucket_for_route(route) == "other", route


def test_pacing_interval_respects_every_window():
    assert pacing_interval(BUCKET_LIMITS["other"], safety_margin=0) == 1 / 3
    assert pacing_interval(BUCKET_LIMITS["orders"], safety_margin=0) == 1 / 12
    # A tight per-minute limit wins over a loose per-second one.
    assert pacing_interval((RateLimit(10, 1), RateLimit(60, 60)), safety_margin=0) == 1.0


def test_requests_never_exceed_limit_in_any_sliding_window():
    clock = FakeClock()
    limiter = InProcessLimiter(clock=clock, sleep=clock.sleep)
    stamps = []
    for _ in range(400):
        limiter.acquire("acct:other", BUCKET_LIMITS["other"])
        stamps.append(clock.now)
    for limit in BUCKET_LIMITS["other"]:
        for i in range(len(stamps) - limit.count):
            assert stamps[i + limit.count] - stamps[i] >= limit.period
    # ...while staying within 4 % of the ceiling.
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert 3 * 0.96 <= rate <= 3


def test_keys_are_independent():
    clock = FakeClock()
    limiter = InProcessLimiter(clock=clock, sleep=clock.sleep)
    limiter.acquire("a:other", BUCKET_LIMITS["other"])
    start = clock.now
    limiter.acquire("b:other", BUCKET_LIMITS["other"])
    limiter.acquire("a:orders", BUCKET_LIMITS["orders"])
    assert clock.now == start


def test_penalize_pauses_the_bucket():
    clock = FakeClock()
    limiter = InProcessLimiter(clock=clock, sleep=clock.sleep)
    limiter.acquire("a:other", BUCKET_LIMITS["other"])
    limiter.penalize("a:other", 5)
    before = clock.now
    limiter.acquire("a:other", BUCKET_LIMITS["other"])
    assert clock.now - before >= 5


def test_threads_share_one_schedule():
    limiter = InProcessLimiter(safety_margin=0)
    limits = (RateLimit(20, 1.0),)
    stamps = []
    lock = threading.Lock()

    def worker():
        for _ in range(5):
            limiter.acquire("shared", limits)
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps.sort()
    assert len(stamps) == 20
    # 20 requests at 20/s: the last one cannot start before ~0.95 s.
    assert stamps[-1] - stamps[0] >= 0.9
