"""The one place every price push passes through: floor, ceiling and campaign freeze.

``sync_offers`` (manual publish, retry, cron, stock push, repricer) takes its
prices from :func:`bounded_prices`, so no path sends a price under the floor:

* the price is the seller's override when set, else the repricer's price when
  a round set one, else the pricelist's (``offers.pricing.offer_prices``);
* it is then held between the offer's floor and ceiling
  (:mod:`.economics`); ``bound`` says which one set it, and the offer shows it;
* a price that ends outside eMAG's min/max band is not sent (the offer waits
  in "needs attention" with the reason), as for any other price problem.

:func:`hold_during_campaign` keeps the values eMAG already has for an offer in
an active stock-in-site campaign, where eMAG refuses price and stock updates
(doc §13.1, §13.4); the moved stock stays flagged and goes after the campaign.
"""

from dataclasses import replace

from odoo import fields

from ..offers.pricing import PRICE_DIGITS, offer_prices
from .economics import CEILING, FLOOR, MARGIN_AMOUNT, OfferCosts, price_ceiling, price_floor
from .economics import within_bounds as _within

# Values eMAG refuses to change during a stock-in-site campaign.
FROZEN_VALUES = ("sale_price", "min_sale_price", "max_sale_price", "stock", "status")


def offer_costs(offer, cost=None):
    """The :class:`~.economics.OfferCosts` of ``offer`` from its cached estimates and
    its account's settings; ``cost`` overrides the product's cost."""
    account = offer.account_id
    commission = offer.commission_percent or account.default_commission_percent
    return OfferCosts.of(
        offer_cost(offer) if cost is None else cost,
        commission,
        account.shipping_cost,
        MARGIN_AMOUNT if account.min_margin_kind == "amount" else "percent",
        account.min_margin,
    )


def offer_cost(offer):
    """The product's cost in the account currency (net, per unit)."""
    account = offer.account_id
    product = offer.product_id.with_company(account.company_id)
    return product.cost_currency_id._convert(
        product.standard_price,
        account.currency_id,
        account.company_id,
        fields.Date.context_today(account),
    )


def offer_band(offer, list_price):
    """``(floor, ceiling)`` of ``offer`` (Decimals; ``None`` where there is none).

    ``list_price`` is the pricelist's net price: the account's ceiling is a
    percent above it. eMAG's recommended price caps too, when the account says so.
    """
    account = offer.account_id
    floor = price_floor(offer_costs(offer))
    above_list = (
        list_price * (1 + account.price_ceiling_percent / 100.0)
        if account.price_ceiling_percent
        else None
    )
    recommended = offer.best_offer_recommended_price if account.ceiling_from_recommended else None
    return floor, price_ceiling(above_list, recommended)


def bounded_prices(env, offers):
    """``{offer_id: OfferPrice}`` as pushed: the chosen price held within floor and ceiling.

    Each ``OfferPrice`` carries ``bound`` (``"floor"``, ``"ceiling"`` or ``""``)
    and ``floor``/``ceiling`` for the offer to show.
    """
    _ = env._
    prices = offer_prices(env, offers)
    for offer in offers:
        price = prices[offer.id]
        if price.problem:
            continue
        chosen = price.sale_price
        if not offer.price_override and offer.repriced_price:
            chosen = offer.repriced_price
        floor, ceiling = offer_band(offer, price.list_price)
        if floor is None:
            prices[offer.id] = replace(
                price,
                problem=_(
                    "No price keeps the minimum margin: eMAG's commission and the minimum "
                    "margin take the whole price. Lower the account's minimum margin."
                ),
            )
            continue
        bounded, bound = _within(chosen, floor, ceiling)
        bounded = round(float(bounded), PRICE_DIGITS)
        problem = ""
        if not price.min_sale_price <= bounded <= price.max_sale_price:
            problem = _(
                "The price %(price)s, held at the %(bound)s, is outside eMAG's band "
                "%(low)s – %(high)s: widen the offer's minimum and maximum price.",
                price=bounded,
                bound=bound_label(env, bound) or _("price chosen"),
                low=price.min_sale_price,
                high=price.max_sale_price,
            )
        prices[offer.id] = replace(
            price,
            sale_price=bounded,
            problem=problem,
            bound=bound,
            floor=float(floor),
            ceiling=float(ceiling) if ceiling is not None else 0.0,
        )
    return prices


def bound_label(env, bound):
    return {FLOOR: env._("floor"), CEILING: env._("ceiling")}.get(bound, "")


def record_bounds(offers, prices):
    """Show on each offer the bound its pushed price used (written only when it moved)."""
    for offer in offers:
        price = prices.get(offer.id)
        if price is None or price.problem:
            continue
        vals = {"price_bound": price.bound or "none", "floor_price": price.floor}
        if any(offer[name] != value for name, value in vals.items()):
            offer.write(vals)


def frozen_offer_ids(env, offers):
    """Ids of ``offers`` in an active stock-in-site campaign (one query)."""
    if not offers:
        return set()
    now = fields.Datetime.now()
    proposals = env["emag.campaign.proposal"].search(
        [
            ("offer_id", "in", offers.ids),
            ("state", "=", "accepted"),
            ("campaign_id.stock_in_site", "=", True),
            ("campaign_id.date_start", "<=", now),
            ("campaign_id.date_end", ">", now),
        ]
    )
    return set(proposals.offer_id.ids)


def hold_during_campaign(offer, values, frozen_ids):
    """``values`` with what eMAG has now for the values it would refuse to change."""
    if offer.id not in frozen_ids or not offer.pushed_values:
        return values
    held = dict(values)
    for key in FROZEN_VALUES:
        if key in offer.pushed_values:
            held[key] = offer.pushed_values[key]
    if held.get("stock") != values.get("stock") and not offer.stock_dirty:
        offer.stock_dirty = True  # sent by the first push after the campaign
    return held
