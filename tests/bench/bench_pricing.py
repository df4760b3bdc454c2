"""Benchmark: one repricing round over 5,000 offers with seeded competitors.

The simulator holds a catalogue of 5,000 offers, each with 0-4 competitors
drawn from the simulator seed, with eMAG's rate limits ON (3 requests a
second on the shared bucket). The round does what the Odoo job does, through
the same pure code (``services/pricing``): read the competition in the batched
``product_offer/read`` (100 offers a call), decide each price with the rule
"match the best offer minus 0.01" within the floor (cost drawn per offer at
55-85 % of its price, eMAG's commission estimate of the category, 5 shipping,
5 % minimum margin), push the changed prices in ``offer/save`` batches of 50,
then read back.

Prints exactly these lines on stdout::

    buy_button_won_ratio_before=<offers holding the buy button before / all>
    buy_button_won_ratio=<the same after one round>
    buy_button_winnable_ratio=<offers that can hold it at or above their floor / all>
    floor_violations=<offers eMAG holds below their floor after the round> [0]
    reprice_calls=<offer/save calls of the round>
    reprice_calls_min=<the minimum: changed offers / 50, rounded up>
    reprice_s=<seconds to decide and push, rate limits included>
    reprice_read_s=<seconds of one batched read-back of every offer>

Run: ``.venv/bin/python tests/bench/bench_pricing.py [N]``.
"""

import math
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "emag_connector"
sys.path.insert(0, str(ROOT / "lib"))
# The economics and rules are pure Python: import them without the Odoo package.
sys.path.insert(0, str(ROOT / "services"))

from pricing.economics import OfferCosts, price_floor  # noqa: E402
from pricing.rules import MATCH_BEST, Market, Rule, decide  # noqa: E402

from emag_api import EmagClient  # noqa: E402
from emag_simulator import EmagSimulator  # noqa: E402

RATE_LIMITS = True
USER, PASSWORD = "pricing@example.ro", "pricing-secret"
SHIPPING, MIN_MARGIN = Decimal(5), Decimal(5)
RULE = Rule(MATCH_BEST, undercut=Decimal("0.01"))


def read_all(client):
    return {int(item["id"]): item for item in client.iter_product_offers()}


def costs_of(offer_id, price, commission):
    rng = random.Random(f"cost:{offer_id}")
    cost = (Decimal(price) * Decimal(str(rng.uniform(0.55, 0.85)))).quantize(Decimal("0.01"))
    return OfferCosts.of(cost, commission, SHIPPING, "percent", MIN_MARGIN)


def won(items):
    return sum(1 for item in items.values() if int(item["buy_button_rank"]) == 1) / len(items)


def main(count=5000):
    with EmagSimulator(seed=7, rate_limits=RATE_LIMITS) as sim:
        sim.add_account(USER, PASSWORD, platform="emag_ro")
        sim.seed_catalogue(USER, count)
        client = EmagClient(sim.base_url, USER, PASSWORD, platform="emag_ro")
        started = time.perf_counter()
        before = read_all(client)
        read_s = time.perf_counter() - started
        # one estimate per category: the catalogue has one
        commission = client.read_commission_estimate(next(iter(before)))

        started = time.perf_counter()
        floors, changes = {}, []
        for offer_id, item in before.items():
            current = Decimal(item["sale_price"])
            floor = price_floor(costs_of(offer_id, current, commission))
            floors[offer_id] = floor
            market = Market(
                rank=int(item["buy_button_rank"]),
                offers=int(item["number_of_offers"]),
                best_price=Decimal(item["best_offer_sale_price"]),
            )
            decision = decide(RULE, market, current, current, floor, None)
            if decision.changes(current):
                changes.append({"id": offer_id, "sale_price": str(decision.price)})
        report = client.save_offers(changes)
        reprice_s = time.perf_counter() - started
        if not report.ok:
            print(f"!! {len(report.failed)} offers refused", file=sys.stderr)

        # the simulator's truth: can a price at or above the floor beat every competitor?
        winnable = 0
        for offer_id, floor in floors.items():
            rivals = [Decimal(str(c["price"])) for c in sim.competitors(USER, offer_id)]
            winnable += not rivals or min(rivals) - RULE.undercut >= floor
        after = read_all(client)
        violations = sum(
            1 for offer_id, item in after.items() if Decimal(item["sale_price"]) < floors[offer_id]
        )
        print(f"buy_button_won_ratio_before={won(before):.3f}")
        print(f"buy_button_won_ratio={won(after):.3f}")
        print(f"buy_button_winnable_ratio={winnable / len(before):.3f}")
        print(f"floor_violations={violations}")
        print(f"reprice_calls={report.api_calls}")
        print(f"reprice_calls_min={math.ceil(len(changes) / 50)}")
        print(f"reprice_s={reprice_s:.2f}")
        print(f"reprice_read_s={read_s:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
