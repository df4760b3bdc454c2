"""The marketplace around a seller's offers: competitors, the buy button,
Smart Deals, commission per category and campaigns with their freeze.

What eMAG documents (doc §13.6, §13.7, §13.8, §7) and how the simulator fills
the gaps:

* ``product_offer/read`` returns ``buy_button_rank``, ``number_of_offers``,
  ``best_offer_sale_price`` and ``best_offer_recommended_price``. Here every
  offer has 0-4 competitors, drawn once from a generator seeded with the
  simulator seed, the account and the offer id (so a run is reproducible),
  around the offer's first known price. The buy button goes to the lowest
  price; a tie goes to the better seller rank (1 is best), and a tie of both to
  the competitor. ``best_offer_*`` are the prices of the offer holding the buy
  button, which may be the seller's own.
* ``GET smart-deals-price-check?productId=`` answers the price that earns the
  Smart Deals badge; its shape is undocumented, the simulator answers
  ``results: {productId, targetPrice, currentPrice}``.
* The commission estimate lives "in Swagger" only; one client uses
  ``commission/estimate/{id}`` (low trust). The simulator serves that route with
  ``results: {id, value, type: "percent"}``, the percent of the category.
* Campaigns: ``campaign_proposals/save`` is documented; the list of campaigns
  is not. The simulator serves ``campaign/read`` (undocumented, the
  connector's client keeps it in one place). A proposal is accepted before
  the campaign starts, with a price at least the campaign's minimum discount
  below the current price. During a stock-in-site campaign an accepted offer
  is frozen: price and stock updates are refused (doc §13.1, §13.4).
"""

import random
from datetime import datetime

from .protocol import ApiError, as_decimal, as_int, money, ok, save_each

DEFAULT_COMMISSION_PERCENT = 15.0
COMMISSION_PERCENT_BY_CATEGORY = {3120: 12.0, 506: 8.0, 2450: 18.0}
MAX_COMPETITORS = 4
# Fields a campaign freeze protects: the offer keeps its campaign price and stock.
FROZEN_KEYS = ("sale_price", "stock", "min_sale_price", "max_sale_price", "status")
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


# ---------------------------------------------------------------- competitors


def _rng(state, account, offer_id, purpose):
    return random.Random(f"{state.seed}:{account.username}:{offer_id}:{purpose}")


def competitors(state, account, offer):
    """The other sellers' offers on this product: ``[{"price", "rank"}]``.

    Drawn once per offer (then kept), around the first price the offer had,
    so that repricing moves the seller, not the competition.
    """
    if "_competitors" not in offer:
        rng = _rng(state, account, offer["id"], "competitors")
        base = float(offer["sale_price"])
        offer["_competitors"] = [
            {"price": round(base * rng.uniform(0.8, 1.15), 2), "rank": rng.randint(1, 9)}
            for _index in range(rng.randint(0, MAX_COMPETITORS))
        ]
    return offer["_competitors"]


def smart_deals_price(state, account, offer):
    """The price that earns the Smart Deals badge (kept once drawn)."""
    if "_smart_deals_price" not in offer:
        rng = _rng(state, account, offer["id"], "smart-deals")
        offer["_smart_deals_price"] = round(float(offer["sale_price"]) * rng.uniform(0.85, 0.97), 2)
    return offer["_smart_deals_price"]


def buy_button(state, account, offer):
    """The read-back keys of doc §13.6 about the competition on ``offer``."""
    own = (float(offer["sale_price"]), account.seller_rank, 1, offer.get("recommended_price"))
    others = [(c["price"], c["rank"], 0, None) for c in competitors(state, account, offer)]
    ranking = sorted([own, *others], key=lambda entry: entry[:3])
    best = ranking[0]
    return {
        "number_of_offers": len(ranking),
        "buy_button_rank": ranking.index(own) + 1,
        "best_offer_sale_price": money(best[0]),
        "best_offer_recommended_price": money(best[3]) if best[3] else None,
    }


def commission_percent(offer):
    return COMMISSION_PERCENT_BY_CATEGORY.get(
        int(offer.get("category_id") or 0), DEFAULT_COMMISSION_PERCENT
    )


# ------------------------------------------------------------------- campaigns


def add_campaign(account, campaign_id, name, start, end, stock_in_site=True, min_discount=5.0):
    """Register a campaign (``start``/``end`` naive platform-local datetimes)."""
    account.campaigns[int(campaign_id)] = {
        "id": int(campaign_id),
        "name": name,
        "start_date": start,
        "end_date": end,
        "stock_in_site": bool(stock_in_site),
        "min_discount_percent": float(min_discount),
    }
    return account.campaigns[int(campaign_id)]


def frozen_by(account, offer):
    """The name of the stock-in-site campaign freezing ``offer`` now, or None."""
    if offer.get("_campaign"):
        return offer["_campaign"]
    now = account.now()
    for campaign_id in offer.get("_campaign_ids", ()):
        campaign = account.campaigns.get(campaign_id)
        if (
            campaign
            and campaign["stock_in_site"]
            and campaign["start_date"] <= now < campaign["end_date"]
        ):
            return campaign["name"]
    return None


def check_freeze(account, stored, entity, label):
    """Refuse an update of a frozen offer's price or stock (doc §13.1)."""
    campaign = frozen_by(account, stored)
    if not campaign:
        return
    changed = [key for key in FROZEN_KEYS if key in entity and entity[key] != stored.get(key)]
    if "sale_price" in changed and money(entity["sale_price"]) == stored.get("sale_price"):
        changed.remove("sale_price")
    if changed:
        raise ApiError(
            f"{label}: the offer is included in the active campaign {campaign}, thus "
            f"{', '.join(changed)} has NOT been changed."
        )


def _campaign_view(campaign):
    return {
        **campaign,
        "start_date": campaign["start_date"].strftime(DATE_FORMAT),
        "end_date": campaign["end_date"].strftime(DATE_FORMAT),
    }


def save_proposal(account, entity):
    """Check and store one ``campaign_proposals/save`` entity (doc §13.7)."""
    offer_id = as_int(entity.get("id"), "id", 1, 16777215)
    label = f"Product id {offer_id}"
    offer = account.offers.get(offer_id)
    if offer is None:
        raise ApiError(f"{label}: the offer does not exist")
    campaign = account.campaigns.get(as_int(entity.get("campaign_id"), "campaign_id"))
    if campaign is None:
        raise ApiError(f"{label}: campaign {entity.get('campaign_id')} does not exist")
    if account.now() >= campaign["start_date"]:
        raise ApiError(f"{label}: campaign {campaign['name']} has started, proposals are closed")
    price = as_decimal(entity.get("sale_price"), "sale_price")
    current = as_decimal(offer["sale_price"], "sale_price")
    ceiling = current * (1 - as_decimal(campaign["min_discount_percent"], "discount") / 100)
    if price <= 0 or price > ceiling:
        raise ApiError(
            f"{label}: the campaign price {money(price)} must be at least "
            f"{campaign['min_discount_percent']:g}% below your current price {money(current)}"
        )
    stock = as_int(entity.get("stock"), "stock", 0, 255)
    if campaign["stock_in_site"]:
        if stock < 1:
            raise ApiError(f"{label}: a stock-in-site campaign needs a campaign stock")
        as_int(entity.get("max_qty_per_order"), "max_qty_per_order", 1)
    if entity.get("voucher_discount") not in (None, ""):
        as_int(entity["voucher_discount"], "voucher_discount", 10, 100)
    post_price = entity.get("post_campaign_sale_price")
    if post_price not in (None, "") and as_decimal(post_price, "post_campaign_sale_price") <= 0:
        raise ApiError(f"{label}: post_campaign_sale_price must be greater than 0")
    offer.setdefault("_campaign_ids", [])
    if campaign["id"] not in offer["_campaign_ids"]:
        offer["_campaign_ids"].append(campaign["id"])
    account.proposals[(campaign["id"], offer_id)] = dict(entity)
    return []


# ---------------------------------------------------------------------- routes


def campaign_proposals_save(ctx):
    return save_each(ctx, lambda _state, account, entity: save_proposal(account, entity))


def campaign_read(ctx):
    campaigns = sorted(ctx.account.campaigns.values(), key=lambda c: c["start_date"])
    return ok([_campaign_view(c) for c in campaigns])


def _offer_from_query(ctx, name):
    offer_id = as_int(ctx.params.get("id") or ctx.query.get(name), name)
    offer = ctx.account.offers.get(offer_id)
    if offer is None:
        raise ApiError(f"Offer {offer_id} does not exist")
    return offer


def smart_deals_price_check(ctx):
    offer = _offer_from_query(ctx, "productId")
    return ok(
        {
            "productId": offer["id"],
            "targetPrice": money(smart_deals_price(ctx.state, ctx.account, offer)),
            "currentPrice": offer["sale_price"],
        }
    )


def commission_estimate(ctx):
    offer = _offer_from_query(ctx, "id")
    return ok({"id": offer["id"], "value": money(commission_percent(offer)), "type": "percent"})


def parse_campaign_date(value):
    """Campaign windows given as text by the control API."""
    return value if isinstance(value, datetime) else datetime.strptime(value, DATE_FORMAT)


ROUTES = {
    "campaign_proposals/save": (("POST",), campaign_proposals_save),
    "campaign/read": (("POST",), campaign_read),
    "smart-deals-price-check": (("GET",), smart_deals_price_check),
    "commission/estimate": (("GET",), commission_estimate),
}
