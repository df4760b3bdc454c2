"""Stock allocation across accounts sharing a warehouse: nothing hidden, nothing promised twice."""

import sys
from pathlib import Path

import pytest

# Pure Python inside the addon's services: import it without the Odoo package.
OFFERS = Path(__file__).resolve().parents[2] / "emag_connector" / "services" / "offers"
sys.path.insert(0, str(OFFERS))

from allocation import (  # noqa: E402 (after the path above)
    FIXED_SHARES,
    LOW_STOCK_PRIORITY,
    WHOLE_POOL,
    Claimant,
    allocate,
)

RO, BG, HU = "ro", "bg", "hu"


def units(free, claimants, policy, **kwargs):
    return {key: a.units for key, a in allocate(free, claimants, policy, **kwargs).items()}


def three(shares=(100, 100, 100), priorities=(1, 2, 3)):
    return [
        Claimant(key, share=share, priority=priority)
        for key, share, priority in zip((RO, BG, HU), shares, priorities, strict=True)
    ]


def test_whole_pool_offers_everything_everywhere():
    assert units(1, three(), WHOLE_POOL) == {RO: 1, BG: 1, HU: 1}
    assert units(7.9999999, three(), WHOLE_POOL) == {RO: 8, BG: 8, HU: 8}
    assert units(-2, three(), WHOLE_POOL) == {RO: 0, BG: 0, HU: 0}


def test_whole_pool_skips_accounts_without_an_offer():
    claimants = [Claimant(RO), Claimant(BG, sells=False)]
    result = allocate(3, claimants, WHOLE_POOL)
    assert (result[RO].units, result[BG].units, result[BG].reason) == (3, 0, "not_sold")


def test_low_stock_last_unit_goes_to_the_first_priority_only():
    assert units(1, three(priorities=(2, 1, 3)), LOW_STOCK_PRIORITY, threshold=2) == {
        RO: 0,
        BG: 1,
        HU: 0,
    }
    assert units(2, three(), LOW_STOCK_PRIORITY, threshold=2) == {RO: 2, BG: 0, HU: 0}
    # Above the threshold: the whole pool.
    assert units(3, three(), LOW_STOCK_PRIORITY, threshold=2) == {RO: 3, BG: 3, HU: 3}


def test_low_stock_priority_passes_over_an_account_that_does_not_sell_it():
    claimants = [Claimant(RO, priority=1, sells=False), Claimant(BG, priority=2)]
    assert units(1, claimants, LOW_STOCK_PRIORITY) == {RO: 0, BG: 1}


@pytest.mark.parametrize(
    ("free", "shares", "expected"),
    [
        (1, (60, 20, 20), {RO: 1, BG: 0, HU: 0}),
        (1, (100, 100, 100), {RO: 1, BG: 0, HU: 0}),  # ties: by priority
        (2, (100, 100, 100), {RO: 1, BG: 1, HU: 0}),
        (10, (60, 40, 0), {RO: 6, BG: 4, HU: 0}),
        (10, (60, 100, 0), {RO: 4, BG: 6, HU: 0}),  # 160 %: scaled down
    ],
)
def test_fixed_shares_by_largest_remainder(free, shares, expected):
    assert units(free, three(shares=shares), FIXED_SHARES) == expected


def test_fixed_shares_sum_to_the_free_quantity():
    for free in range(0, 200):
        for shares in ((60, 20, 20), (33.3, 33.3, 33.4), (100, 100, 100), (50, 30, 70)):
            assert sum(units(free, three(shares=shares), FIXED_SHARES).values()) == free


def test_fixed_shares_below_100_percent_keep_the_rest_back():
    assert sum(units(10, three(shares=(30, 20, 10)), FIXED_SHARES).values()) == 6


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="unknown allocation policy"):
        allocate(1, three(), "random")
