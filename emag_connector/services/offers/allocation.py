"""How the free units of one warehouse are promised to the accounts sharing it.

Pure Python (no Odoo): ``offer_stock`` calls it for every product, and the
allocation benchmark (``tests/bench/bench_allocation.py``) replays a day of
orders through the very same function.

Three policies, chosen per warehouse on the accounts that share it:

``whole_pool`` (the default)
    Every account offers the whole free quantity. A sale anywhere reserves
    the unit in Odoo and the debounced stock push lowers the other platforms
    within seconds. Nothing is hidden; the last unit can be sold twice only if
    two platforms sell it within that window.
``low_stock_priority``
    Above the threshold, as the whole pool. At or below it, the remaining
    units are offered only on the first account in priority order that sells
    the product, so the last unit is never promised twice.
``fixed_shares``
    Each account gets its share of the free quantity (shares adding up to
    more than 100 % are scaled down), allocated by largest remainder so the
    units promised add up to what the shares cover: one unit at 60/20/20 goes
    to the 60 % account instead of to nobody.

Buffers are not the allocation's business: the caller subtracts them from
what is returned here.
"""

import math
from dataclasses import dataclass

WHOLE_POOL = "whole_pool"
LOW_STOCK_PRIORITY = "low_stock_priority"
FIXED_SHARES = "fixed_shares"
POLICIES = (WHOLE_POOL, LOW_STOCK_PRIORITY, FIXED_SHARES)
DEFAULT_POLICY = WHOLE_POOL
DEFAULT_LOW_STOCK_THRESHOLD = 1

# 2.9999999 units of float noise still count as 3.
_EPSILON = 1e-6


@dataclass(frozen=True)
class Claimant:
    """One account drawing on the warehouse, as the allocation sees it.

    :param key: anything hashable naming the account (its id in Odoo)
    :param share: configured share in percent (``fixed_shares`` only)
    :param priority: lower is served first (``low_stock_priority``); ties by key
    :param sells: whether the account has a live offer of the product; units
        are never given to an account that cannot show them
    """

    key: object
    share: float = 100.0
    priority: int = 10
    sells: bool = True


@dataclass(frozen=True)
class Allocation:
    """Units promised to one account, and why (the account's preview words the
    reason in the user's language): ``whole_pool``, ``priority_first``,
    ``priority_held`` (low stock kept for an account first in priority),
    ``share``, or ``not_sold`` (no live offer of the product)."""

    units: int
    reason: str


def allocate(free, claimants, policy=DEFAULT_POLICY, threshold=DEFAULT_LOW_STOCK_THRESHOLD):
    """Units each claimant may promise of ``free`` units: ``{key: Allocation}``.

    :param free: free quantity of the product in the shared warehouse (may be
        fractional or negative; only whole units are promised)
    :param claimants: every account sharing the warehouse, including those
        that do not sell the product (their share still counts under fixed
        shares, as configured)
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown allocation policy {policy!r}")
    units = math.floor(free + _EPSILON) if free > 0 else 0
    claimants = list(claimants)
    if policy == FIXED_SHARES:
        return _fixed_shares(units, claimants)
    if policy == LOW_STOCK_PRIORITY and units <= max(threshold, 0):
        return _priority(units, claimants)
    return {
        claimant.key: (
            Allocation(units, "whole_pool") if claimant.sells else Allocation(0, "not_sold")
        )
        for claimant in claimants
    }


def _priority(units, claimants):
    sellers = sorted(
        (claimant for claimant in claimants if claimant.sells),
        key=lambda claimant: (claimant.priority, str(claimant.key)),
    )
    first = sellers[0].key if sellers else None
    return {
        claimant.key: (
            Allocation(units, "priority_first")
            if claimant.key == first
            else Allocation(0, "priority_held" if claimant.sells else "not_sold")
        )
        for claimant in claimants
    }


def _fixed_shares(units, claimants):
    """Largest remainder (Hamilton): floors first, then the leftover units one
    by one to the largest fractional parts (ties: larger share, then priority)."""
    shares = {claimant.key: max(claimant.share, 0.0) for claimant in claimants}
    priorities = {claimant.key: claimant.priority for claimant in claimants}
    total = max(100.0, sum(shares.values()))
    covered = math.floor(units * sum(shares.values()) / total + _EPSILON)
    exact = {key: units * share / total for key, share in shares.items()}
    result = {key: math.floor(value + _EPSILON) for key, value in exact.items()}
    by_remainder = sorted(
        shares,
        key=lambda key: (-(exact[key] - result[key]), -shares[key], priorities[key], str(key)),
    )
    for key in by_remainder[: max(covered - sum(result.values()), 0)]:
        result[key] += 1
    return {claimant.key: Allocation(result[claimant.key], "share") for claimant in claimants}
