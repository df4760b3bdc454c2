"""What one offer earns at a price, and the band its price must stay in.

Pure Python (no Odoo), in :class:`~decimal.Decimal` so that "the margin at
the floor is at least the minimum" holds to the cent, not to a float error.

At a net sale price ``p`` (eMAG prices are without VAT) an offer earns::

    margin(p) = p - commission% × p - shipping - cost

``cost`` is the product's cost in the account currency, ``shipping`` the
account's shipping cost per order (one unit per order: the cautious reading),
and the commission is eMAG's estimate for the offer, a percent of the net
price.

The *floor* is the lowest price, to the cent, whose margin reaches the
account's minimum (a percent of the price, or an amount), and never below the
cost. The *ceiling* is the lowest of the known upper bounds (eMAG's recommended
price, the account's ceiling); none means no ceiling. When the floor is above
the ceiling, the floor wins: selling at a loss is worse than selling high.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MARGIN_PERCENT = "percent"
MARGIN_AMOUNT = "amount"
FLOOR = "floor"
CEILING = "ceiling"


def dec(value):
    """``value`` (float, int, str, Decimal, None) as a Decimal; None is 0."""
    if value is None or value is False:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class OfferCosts:
    """What selling one unit of an offer costs, in the account currency."""

    cost: Decimal
    commission_percent: Decimal
    shipping: Decimal
    min_margin_kind: str = MARGIN_PERCENT  # MARGIN_PERCENT or MARGIN_AMOUNT
    min_margin: Decimal = Decimal(0)

    @classmethod
    def of(cls, cost, commission_percent, shipping, min_margin_kind=MARGIN_PERCENT, min_margin=0):
        return cls(
            dec(cost), dec(commission_percent), dec(shipping), min_margin_kind, dec(min_margin)
        )


def margin(price, costs):
    """What the seller keeps of one sale at net ``price``, after commission, shipping, cost."""
    price = dec(price)
    return price - price * costs.commission_percent / HUNDRED - costs.shipping - costs.cost


def margin_percent(price, costs):
    """:func:`margin` in percent of ``price`` (0 for a price of 0)."""
    price = dec(price)
    return margin(price, costs) * HUNDRED / price if price > 0 else Decimal(0)


def required_margin(price, costs):
    """The account's minimum margin at ``price``."""
    if costs.min_margin_kind == MARGIN_AMOUNT:
        return costs.min_margin
    return dec(price) * costs.min_margin / HUNDRED


def price_floor(costs):
    """The lowest net price (to the cent) that keeps the minimum margin; never below cost.

    ``None`` when no price can: the commission plus a percent margin reach 100 %.
    """
    keep = Decimal(1) - costs.commission_percent / HUNDRED
    fixed = costs.cost + costs.shipping
    if costs.min_margin_kind == MARGIN_AMOUNT:
        fixed += costs.min_margin
    else:
        keep -= costs.min_margin / HUNDRED
    if keep <= 0:
        return None
    floor = (fixed / keep).quantize(CENT, rounding=ROUND_CEILING)
    return max(floor, costs.cost.quantize(CENT, rounding=ROUND_CEILING), CENT)


def price_ceiling(*bounds):
    """The lowest of the positive ``bounds``; ``None`` when there is none."""
    known = [dec(bound) for bound in bounds if bound and dec(bound) > 0]
    return min(known) if known else None


def within_bounds(price, floor, ceiling):
    """``(price, bound)``: ``price`` held between floor and ceiling, and the bound
    that moved it (:data:`FLOOR`, :data:`CEILING` or ``""``). The floor wins
    over a lower ceiling."""
    price = dec(price)
    if ceiling is not None and price > ceiling:
        price, bound = dec(ceiling), CEILING
    else:
        bound = ""
    if floor is not None and price < floor:
        price, bound = dec(floor), FLOOR
    return price, bound


def round_down(price):
    """A target price to the cent, never above ``price`` (an undercut stays an undercut)."""
    return dec(price).quantize(CENT, rounding=ROUND_FLOOR)
