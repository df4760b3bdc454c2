"""Offer economics and repricing rules: the floor is never crossed, the margin
at the floor reaches the minimum, the rules move prices as a seller expects.

Properties are checked against an independent reading of the same formulas in
exact fractions, on generated costs, commissions and margins.
"""

import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

# Pure Python inside the addon's services: import it without the Odoo package.
SERVICES = Path(__file__).resolve().parents[2] / "emag_connector" / "services"
sys.path.insert(0, str(SERVICES))

from pricing.economics import (  # noqa: E402 (after the path above)
    CEILING,
    FLOOR,
    MARGIN_AMOUNT,
    MARGIN_PERCENT,
    OfferCosts,
    margin,
    price_ceiling,
    price_floor,
    within_bounds,
)
from pricing.rules import (  # noqa: E402
    AT_FLOOR,
    DAILY_LIMIT,
    HOLDS_BUY_BUTTON,
    KEEP_LIST,
    MATCH_BEST,
    SMART_DEALS,
    WINS,
    Market,
    Rule,
    decide,
)

money = st.decimals(min_value="0", max_value="5000", places=2)
positive = st.decimals(min_value="0.01", max_value="5000", places=2)
percent = st.decimals(min_value="0", max_value="60", places=2)
costs_st = st.builds(
    OfferCosts.of,
    cost=money,
    commission_percent=percent,
    shipping=st.decimals(min_value="0", max_value="60", places=2),
    min_margin_kind=st.sampled_from([MARGIN_PERCENT, MARGIN_AMOUNT]),
    min_margin=st.decimals(min_value="0", max_value="39", places=2),
)


def exact_margin(price, costs):
    """The seller's margin in exact fractions: price minus commission, shipping, cost."""
    p = Fraction(price)
    return (
        p
        - p * Fraction(costs.commission_percent) / 100
        - Fraction(costs.shipping)
        - Fraction(costs.cost)
    )


def exact_required(price, costs):
    if costs.min_margin_kind == MARGIN_AMOUNT:
        return Fraction(costs.min_margin)
    return Fraction(price) * Fraction(costs.min_margin) / 100


@given(costs_st)
def test_floor_is_never_below_cost_and_keeps_the_minimum_margin(costs):
    floor = price_floor(costs)
    if floor is None:  # commission + margin percent reach 100 %: nothing can be earned
        assert costs.min_margin_kind == MARGIN_PERCENT
        assert costs.commission_percent + costs.min_margin >= 100
        return
    assert floor >= costs.cost
    assert floor == floor.quantize(Decimal("0.01"))
    assert exact_margin(floor, costs) >= exact_required(floor, costs)
    # the lowest such price: one cent less loses the margin, or goes under cost
    below = floor - Decimal("0.01")
    assert (
        below <= 0
        or below < costs.cost
        or exact_margin(below, costs) < exact_required(below, costs)
    )


@given(costs_st, positive)
def test_margin_matches_the_exact_reading(costs, price):
    assert Fraction(margin(price, costs)) == exact_margin(price, costs)


@given(positive, st.none() | positive, st.none() | positive)
def test_bounds_hold_the_price_and_the_floor_wins(price, floor, ceiling):
    bounded, bound = within_bounds(price, floor, ceiling)
    if floor is not None:
        assert bounded >= floor
    if ceiling is not None and (floor is None or floor <= ceiling):
        assert bounded <= ceiling
    if bound == "":
        assert bounded == price
    else:
        assert bounded == (floor if bound == FLOOR else ceiling)


def test_ceiling_is_the_lowest_known_bound():
    assert price_ceiling(None, 0, Decimal("120"), Decimal("99.5")) == Decimal("99.5")
    assert price_ceiling(None, 0) is None


def test_a_worked_example():
    # cost 60, commission 15 %, shipping 10, minimum margin 10 % of the price:
    # p - 0.15p - 10 - 60 >= 0.10p  =>  p >= 70 / 0.75 = 93.333.. => 93.34
    costs = OfferCosts.of(60, 15, 10, MARGIN_PERCENT, 10)
    assert price_floor(costs) == Decimal("93.34")
    # an amount: p - 0.15p - 70 >= 5  =>  p >= 88.235.. => 88.24
    assert price_floor(OfferCosts.of(60, 15, 10, MARGIN_AMOUNT, 5)) == Decimal("88.24")


rules_st = st.builds(
    Rule,
    strategy=st.sampled_from([MATCH_BEST, SMART_DEALS, KEEP_LIST]),
    undercut=st.decimals(min_value="0.01", max_value="5", places=2),
    max_change_percent=st.decimals(min_value="0", max_value="50", places=2),
)
markets_st = st.builds(
    Market,
    rank=st.integers(0, 5),
    offers=st.integers(0, 5),
    best_price=st.none() | positive,
    smart_deals_price=st.none() | positive,
)


@given(rules_st, markets_st, positive, positive, st.none() | positive, st.none() | positive)
def test_no_rule_ever_goes_under_the_floor(rule, market, current, list_price, floor, ceiling):
    decision = decide(rule, market, current, list_price, floor, ceiling)
    if floor is not None:
        assert decision.price >= floor
    if decision.bound == "" and rule.max_change_percent > 0:
        step = (current * rule.max_change_percent / 100).quantize(Decimal("0.01"))
        assert abs(decision.price - current) <= step


def test_match_best_undercuts_the_winner_above_the_floor():
    market = Market(rank=2, offers=3, best_price=Decimal("100.00"))
    rule = Rule(MATCH_BEST, undercut=Decimal("0.50"))
    decision = decide(rule, market, Decimal("110"), Decimal("110"), Decimal("80"), None)
    assert (decision.price, decision.reason, decision.bound) == (Decimal("99.50"), WINS, "")


def test_match_best_stays_at_the_floor_with_the_reason():
    market = Market(rank=2, offers=3, best_price=Decimal("70.00"))
    decision = decide(Rule(MATCH_BEST), market, Decimal("110"), Decimal("110"), Decimal("80"), None)
    assert (decision.price, decision.reason, decision.bound) == (Decimal("80"), AT_FLOOR, FLOOR)


def test_the_buy_button_holder_keeps_its_price():
    market = Market(rank=1, offers=3, best_price=Decimal("110"))
    decision = decide(Rule(MATCH_BEST), market, Decimal("110"), Decimal("120"), Decimal("80"), None)
    assert (decision.price, decision.reason) == (Decimal("110"), HOLDS_BUY_BUTTON)
    assert not decision.changes(Decimal("110"))


def test_the_daily_limit_holds_the_move_to_the_days_first_price():
    market = Market(rank=3, offers=3, best_price=Decimal("50"))
    rule = Rule(MATCH_BEST, max_change_percent=Decimal("10"))
    # started the day at 100, already moved to 95: at most 90 today
    decision = decide(
        rule, market, Decimal("95"), Decimal("100"), Decimal("10"), None, Decimal("100")
    )
    assert (decision.price, decision.reason) == (Decimal("90.00"), DAILY_LIMIT)


def test_smart_deals_and_keep_list_targets():
    market = Market(rank=2, offers=2, best_price=Decimal("90"), smart_deals_price=Decimal("95.999"))
    decision = decide(Rule(SMART_DEALS), market, Decimal("100"), Decimal("100"), None, None)
    assert decision.price == Decimal("95.99")
    decision = decide(Rule(KEEP_LIST), market, Decimal("100"), Decimal("130"), None, Decimal("120"))
    assert (decision.price, decision.bound) == (Decimal("120"), CEILING)
