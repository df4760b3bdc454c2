"""Benchmark: a simulated day of three eMAG platforms selling from one warehouse.

Pure Python, replaying orders through the connector's own allocation function
(``emag_connector/services/offers/allocation.py``) for each policy, and through
the former formula (``floor(free / 3)`` per account, shares of 100 % each
scaled down to a third) as the baseline.

The shop (fixed seed):

- 5,000 SKUs; 90 % hold 1-5 free units (1: 30 %, 2: 25 %, 3: 20 %, 4: 15 %,
  5: 10 %), 10 % hold 20-200 (half of them among the 10 % best sellers: a
  seller stocks the best sellers deep);
- popularity follows Zipf (s = 0.9) over a shuffled catalogue, the same on
  every platform;
- orders of one unit arrive as a Poisson process over the day, heavier in the
  evening: eMAG RO 800 a day, BG 200, HU 150 (a mid-size seller);
- an order is placed only if the platform shows stock. eMAG lowers its own
  shown stock at once; the other platforms keep showing what Odoo pushed last
  until the next push. That push comes ``STALENESS_S`` after the sale: the
  order callback and its import (~1 s, an assumption: the callback imports at once), the debounce of
  the stock push (``STOCK_PUSH_DELAY`` = 10 s in ``emag_account_offer.py``)
  and the call itself (~1 s at 3 requests/s), so 12 s.

Prints on stdout, per policy (``whole_pool``, ``low_stock_priority``,
``fixed_shares``)::

    oversold_units_<policy>=  units sold that were no longer free (promised twice)
    hidden_units_<policy>=    units in stock offered on no platform, summed over
                              24 hourly looks at the catalogue (unit-hours)
    lost_orders_<policy>=     orders refused because the platform showed 0
                              while the warehouse had the unit
    pushes_<policy>=          offer stock updates sent (one offer, one account)

and ``hidden_units_today=`` (the former floor formula),
``lost_orders_today=``, ``staleness_s=``, ``default_policy=`` (the constant in
``offer_allocation``), ``default_target_met=`` (oversold 0 and hidden <= 1 % of
today's), and ``oversold_units_<policy>_30d=`` over 30 days with other seeds, plus
``oversold_units_<policy>_poll_30d=`` for a staleness of 300 s (callback
down, orders read by the 5-minute poll) and ``oversold_units_<policy>_peak_30d=``
at five times the orders (Black Friday), for the whole pool and the low-stock
priority: the honest cost of offering the same unit everywhere.

Run: ``.venv/bin/python tests/bench/bench_allocation.py``.
"""

import heapq
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "emag_connector"
# The allocation is pure Python: import it without the Odoo package around it.
sys.path.insert(0, str(ROOT / "services"))

from offer_allocation import (  # noqa: E402
    DEFAULT_LOW_STOCK_THRESHOLD,
    DEFAULT_POLICY,
    FIXED_SHARES,
    LOW_STOCK_PRIORITY,
    POLICIES,
    WHOLE_POOL,
    Claimant,
    allocate,
)

N_SKUS = 5000
DAY_S = 86400
ORDERS_PER_DAY = {"ro": 800, "bg": 200, "hu": 150}
# RO first under low-stock priority; a third each under fixed shares (the
# former default: 100 % each, scaled down).
CLAIMANTS = [
    Claimant("ro", share=100.0, priority=1),
    Claimant("bg", share=100.0, priority=2),
    Claimant("hu", share=100.0, priority=3),
]
STALENESS_S = 12
POLL_STALENESS_S = 300
PEAK = 5  # Black Friday: five times the orders
# Orders per hour of the day, relative: quiet night, evening peak.
HOURLY = [
    1,
    0.6,
    0.4,
    0.3,
    0.3,
    0.4,
    0.8,
    1.5,
    2.5,
    3,
    3,
    3,
    3.2,
    3.2,
    3,
    3,
    3.2,
    3.5,
    4,
    5,
    5.5,
    5,
    3.5,
    2,
]
TODAY = "today"


def log(message):
    print(message, file=sys.stderr, flush=True)


def allocation_of(policy):
    """``free -> {account: units}`` for a policy, or for the former floor formula."""
    if policy == TODAY:
        share = 1 / len(CLAIMANTS)
        return lambda free: {
            claimant.key: math.floor(max(free, 0) * share + 1e-6) for claimant in CLAIMANTS
        }

    def units(free):
        allocated = allocate(free, CLAIMANTS, policy, DEFAULT_LOW_STOCK_THRESHOLD)
        return {key: allocation.units for key, allocation in allocated.items()}

    return units


def make_shop(rng):
    """Free units per SKU and the popularity weights."""
    ranks = list(range(N_SKUS))
    rng.shuffle(ranks)
    weights = [1 / (rank + 1) ** 0.9 for rank in ranks]
    best = [sku for sku in range(N_SKUS) if ranks[sku] < N_SKUS // 10]
    rest = [sku for sku in range(N_SKUS) if ranks[sku] >= N_SKUS // 10]
    deep = set(rng.sample(best, N_SKUS // 20)) | set(rng.sample(rest, N_SKUS // 20))
    free = [
        rng.randint(20, 200)
        if sku in deep
        else rng.choices((1, 2, 3, 4, 5), (30, 25, 20, 15, 10))[0]
        for sku in range(N_SKUS)
    ]
    return free, weights


def make_orders(rng, weights, scale=1):
    """``[(second, platform, sku)]`` in time order; ``scale`` multiplies the rates."""
    total = sum(HOURLY)
    orders = []
    for platform, per_day in ORDERS_PER_DAY.items():
        for hour, weight in enumerate(HOURLY):
            rate = scale * per_day * weight / total / 3600  # orders per second in this hour
            second = hour * 3600 + rng.expovariate(rate)
            while second < (hour + 1) * 3600:
                orders.append((second, platform))
                second += rng.expovariate(rate)
    orders.sort()
    skus = rng.choices(range(N_SKUS), weights, k=len(orders))
    return [(second, platform, sku) for (second, platform), sku in zip(orders, skus, strict=True)]


def simulate(policy, free, orders, staleness):
    """Replay the day; returns the four figures of the policy."""
    units = allocation_of(policy)
    free = list(free)
    pushed = [units(quantity) for quantity in free]  # what Odoo last sent
    shown = [dict(allocation) for allocation in pushed]  # what eMAG shows
    due = []  # (second, sku): one debounced push per SKU
    waiting = set()
    oversold = lost = pushes = hidden = 0
    next_look = 0.0

    def push(sku):
        nonlocal pushes
        wanted = units(free[sku])
        for key, quantity in wanted.items():
            if quantity != pushed[sku][key]:
                pushes += 1
                pushed[sku][key] = quantity
            shown[sku][key] = quantity
        waiting.discard(sku)

    def look():
        # Units in stock that no platform offers (Odoo's target, not the stale view).
        total = 0
        for sku, quantity in enumerate(free):
            if quantity > 0:
                offered = sum(pushed[sku].values())
                total += quantity - min(quantity, offered)
        return total

    for second, platform, sku in orders:
        while due and due[0][0] <= second:
            push(heapq.heappop(due)[1])
        while next_look <= second:
            hidden += look()
            next_look += 3600
        if shown[sku][platform] <= 0:
            lost += free[sku] > 0
            continue
        shown[sku][platform] -= 1
        if free[sku] > 0:
            free[sku] -= 1
        else:
            oversold += 1
        if sku not in waiting:
            waiting.add(sku)
            heapq.heappush(due, (second + staleness, sku))
    while next_look < DAY_S:
        hidden += look()
        next_look += 3600
    return {
        "oversold_units": oversold,
        "hidden_units": hidden,
        "lost_orders": lost,
        "pushes": pushes,
    }


def day(seed, policy, staleness=STALENESS_S, scale=1):
    rng = random.Random(seed)
    free, weights = make_shop(rng)
    return simulate(policy, free, make_orders(rng, weights, scale), staleness)


def main():
    seed = 25
    figures = {policy: day(seed, policy) for policy in (TODAY, *POLICIES)}
    log(f"{sum(ORDERS_PER_DAY.values())} orders a day on {N_SKUS} SKUs, seed {seed}")
    for policy in POLICIES:
        for name, value in figures[policy].items():
            print(f"{name}_{policy}={value}")
    print(f"hidden_units_today={figures[TODAY]['hidden_units']}")
    print(f"lost_orders_today={figures[TODAY]['lost_orders']}")
    print(f"staleness_s={STALENESS_S}")
    print(f"default_policy={DEFAULT_POLICY}")
    default = figures[DEFAULT_POLICY]
    target = default["oversold_units"] == 0 and (
        default["hidden_units"] <= 0.01 * figures[TODAY]["hidden_units"]
    )
    print(f"default_target_met={int(target)}")
    month = range(100, 130)
    for policy in (WHOLE_POOL, LOW_STOCK_PRIORITY, FIXED_SHARES):
        oversold = sum(day(s, policy)["oversold_units"] for s in month)
        print(f"oversold_units_{policy}_30d={oversold}")
    for policy in (WHOLE_POOL, LOW_STOCK_PRIORITY):
        oversold = sum(day(s, policy, POLL_STALENESS_S)["oversold_units"] for s in month)
        print(f"oversold_units_{policy}_poll_30d={oversold}")
        oversold = sum(day(s, policy, scale=PEAK)["oversold_units"] for s in month)
        print(f"oversold_units_{policy}_peak_30d={oversold}")


if __name__ == "__main__":
    main()
