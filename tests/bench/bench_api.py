"""Benchmark: push 5,000 light offers (offer/save, 50 per request) to the simulator.

Rate limits are ON in the simulator (3 requests/s, 180/min for offer routes),
so the ceiling is 3 × 50 = 150 offers/s. The client's default limiter must get
close to it without a single 429. Prints exactly these lines on stdout::

    push_offers_per_s=<float>
    push_ceiling_per_s=150
    push_ratio=<offers_per_s / 150>
    api_calls=<HTTP requests made, retries included>
    api_calls_min=<ceil(N / 50)>
    offers_lost=<offers not saved as sent>
    unhandled_429=<offers that ended on a rate-limit error>

Diagnostics go to stderr. Run: ``.venv/bin/python tests/bench/bench_api.py [N]``.
"""

import math
import sys
import time
from pathlib import Path

LIB = Path(__file__).resolve().parents[2] / "emag_connector" / "lib"
sys.path.insert(0, str(LIB))

from emag_api import EmagClient, EmagRateLimitedError  # noqa: E402
from emag_simulator import EmagSimulator  # noqa: E402

USER, PASSWORD = "bench@example.ro", "bench-secret"
CEILING = 150  # 3 requests/s × 50 offers per request


def catalogue_offer(offer_id):
    return {
        "id": offer_id,
        "category_id": 3120,
        "name": f"Cablu USB-C {offer_id}",
        "part_number": f"USBC-{offer_id}",
        "brand": "Exemplu",
        "status": 1,
        "sale_price": 20.0,
        "min_sale_price": 5.0,
        "max_sale_price": 100.0,
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 1}],
        "handling_time": [{"warehouse_id": 1, "value": 1}],
    }


def pushed_offer(offer_id):
    return {
        "id": offer_id,
        "sale_price": round(10 + (offer_id % 700) / 10, 2),
        "stock": [{"warehouse_id": 1, "value": offer_id % 90 + 1}],
        "status": 1,
        "vat_id": 1,
    }


def main(count):
    calls = []
    with EmagSimulator(seed=1, rate_limits=True) as sim:
        sim.add_account(USER, PASSWORD, platform="emag_ro")
        for offer_id in range(1, count + 1):
            sim.add_offer(USER, catalogue_offer(offer_id))
        client = EmagClient(
            sim.base_url, USER, PASSWORD, platform="emag_ro", call_hook=calls.append
        )
        offers = [pushed_offer(offer_id) for offer_id in range(1, count + 1)]

        started = time.monotonic()
        report = client.save_offers(offers)
        elapsed = time.monotonic() - started

        lost = 0
        for sent in offers:
            stored = sim.get_offer(USER, sent["id"])
            if (
                float(stored["sale_price"]) != sent["sale_price"]
                or stored["stock"][0]["value"] != sent["stock"][0]["value"]
            ):
                lost += 1
        unhandled_429 = sum(
            1 for outcome in report.outcomes if isinstance(outcome.error, EmagRateLimitedError)
        )
        server_429 = sum(1 for request in sim.received() if request.status == 429)
        client.close()

    rate = count / elapsed
    print(
        f"elapsed={elapsed:.2f}s failed={len(report.failed)} server_429={server_429}",
        file=sys.stderr,
    )
    print(f"push_offers_per_s={rate:.2f}")
    print(f"push_ceiling_per_s={CEILING}")
    print(f"push_ratio={rate / CEILING:.3f}")
    print(f"api_calls={len(calls)}")
    print(f"api_calls_min={math.ceil(count / 50)}")
    print(f"offers_lost={lost}")
    print(f"unhandled_429={unhandled_429}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
