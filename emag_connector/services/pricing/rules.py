"""Repricing rules: from what eMAG shows of the competition to the next price.

Pure Python (no Odoo). One decision per offer:

1. the rule gives a target: *match the best offer minus X* (only when another
   seller holds the buy button), *reach the Smart Deals price*, or *keep the
   list price*;
2. the maximum change per day holds the target within a percent of the price
   the offer had at the start of the day (several rounds a day cannot walk
   the price further);
3. floor and ceiling (:mod:`.economics`) hold it last: no rule and no daily
   allowance ever takes a price under the floor.

The decision says why, in a code the caller turns into the user's language.
"""

from dataclasses import dataclass
from decimal import Decimal

from .economics import CENT, FLOOR, HUNDRED, dec, round_down, within_bounds

MATCH_BEST = "match_best"
SMART_DEALS = "smart_deals"
KEEP_LIST = "keep_list"

# Reason codes of a decision
HOLDS_BUY_BUTTON = "holds_buy_button"
WINS = "wins"  # the new price is below the best competing offer
AT_FLOOR = "at_floor"  # the target is under the floor: the offer stays at the floor
DAILY_LIMIT = "daily_limit"  # the maximum change per day stopped the move
SMART_DEALS_TARGET = "smart_deals_target"
NO_SMART_DEALS_PRICE = "no_smart_deals_price"
LIST_PRICE = "list_price"
NO_MARKET_DATA = "no_market_data"


@dataclass(frozen=True)
class Market:
    """What the batched ``product_offer/read`` (and the Smart Deals check) tell."""

    rank: int = 0  # 1 holds the buy button; 0 unknown
    offers: int = 0
    best_price: Decimal = None
    smart_deals_price: Decimal = None


@dataclass(frozen=True)
class Rule:
    strategy: str = KEEP_LIST
    undercut: Decimal = CENT  # "best offer minus X", in the account currency
    max_change_percent: Decimal = Decimal(0)  # per day, of the day's first price; 0: no limit


@dataclass(frozen=True)
class Decision:
    price: Decimal  # the price to push (may equal the current one)
    reason: str
    bound: str = ""  # FLOOR / CEILING when a bound set the price
    target: Decimal = None  # what the rule wanted, before limits

    def changes(self, current):
        return self.price != dec(current)


def _target(rule, market, current, list_price):
    if rule.strategy == MATCH_BEST:
        if not market.rank or market.best_price is None:
            return dec(current), NO_MARKET_DATA
        if market.rank == 1:
            return dec(current), HOLDS_BUY_BUTTON
        return round_down(dec(market.best_price) - dec(rule.undercut)), WINS
    if rule.strategy == SMART_DEALS:
        if market.smart_deals_price is None:
            return dec(current), NO_SMART_DEALS_PRICE
        return round_down(market.smart_deals_price), SMART_DEALS_TARGET
    return dec(list_price), LIST_PRICE


def decide(rule, market, current, list_price, floor, ceiling, day_start=None):
    """The :class:`Decision` for one offer.

    :param current: the price eMAG has now
    :param list_price: the price the pricelist gives (the *keep list price* target)
    :param floor, ceiling: from :mod:`.economics` (``None``: none)
    :param day_start: the price at the start of the day, for the daily limit
        (default: ``current``)
    """
    current = dec(current)
    target, reason = _target(rule, market, current, list_price)
    price = target
    limit = dec(rule.max_change_percent)
    if limit > 0:
        start = dec(day_start if day_start is not None else current)
        step = (start * limit / HUNDRED).quantize(CENT)
        low, high = start - step, start + step
        if price < low or price > high:
            price, reason = min(max(price, low), high), DAILY_LIMIT
    price, bound = within_bounds(price, floor, ceiling)
    if bound == FLOOR and target < price:
        reason = AT_FLOOR
    return Decision(price=price, reason=reason, bound=bound, target=target)
