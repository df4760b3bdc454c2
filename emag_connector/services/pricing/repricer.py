"""A repricing round of one account: decide, record, then (for real) push.

The round reads nothing from eMAG: it decides from what the last batched
read-back left on the offers (rank, best offer, Smart Deals price). Each offer
gets a history line (old price, new price, rule, reason, bound, rank before;
the rank after is filled by the next read-back). A dry run stops there: it
sends nothing and changes no offer. A real round stores the new price on the
offer (``repriced_price``); the push itself goes through ``sync_offers``,
where the floor is enforced again, like every push.

Offers the repricer leaves alone, with the reason: offers in an active
stock-in-site campaign (eMAG refuses their price changes), offers with a
manual price, offers eMAG does not sell yet.
"""

from dataclasses import dataclass, field

from odoo import fields

from ..offers.pricing import offer_prices
from .bounds import bound_label, frozen_offer_ids, offer_band
from .economics import dec
from .rules import (
    AT_FLOOR,
    DAILY_LIMIT,
    HOLDS_BUY_BUTTON,
    LIST_PRICE,
    NO_MARKET_DATA,
    NO_SMART_DEALS_PRICE,
    SMART_DEALS_TARGET,
    WINS,
    Market,
    decide,
)

SKIPPED_CAMPAIGN = "campaign"
SKIPPED_MANUAL = "manual"
SKIPPED_NO_FLOOR = "no_floor"


@dataclass
class RoundResult:
    logs: object = None  # emag.reprice.log records of the round
    changed: list = field(default_factory=list)  # offer ids whose price moved


def reason_text(env, reason, decision=None, offer=None):
    """The reason of a decision in the user's language."""
    _ = env._
    if reason == AT_FLOOR:
        return _(
            "Stays at the floor %(floor)s: the best offer %(best)s is below it.",
            floor=f"{decision.price:.2f}",
            best=f"{offer.best_offer_price:.2f}",
        )
    if reason == WINS:
        return _(
            "Undercuts the best offer %(best)s to win the buy button.",
            best=f"{offer.best_offer_price:.2f}",
        )
    texts = {
        HOLDS_BUY_BUTTON: _("Already holds the buy button."),
        DAILY_LIMIT: _("Held by the maximum change per day."),
        SMART_DEALS_TARGET: _("Reaches the Smart Deals price."),
        NO_SMART_DEALS_PRICE: _("No Smart Deals price known yet."),
        LIST_PRICE: _("Keeps the list price."),
        NO_MARKET_DATA: _("eMAG's buy-button data is not read yet."),
        SKIPPED_CAMPAIGN: _("In an active campaign: eMAG refuses price changes."),
        SKIPPED_MANUAL: _("Has a manual price: the repricer leaves it."),
        SKIPPED_NO_FLOOR: _("No price keeps the minimum margin."),
    }
    text = texts.get(reason, reason)
    if decision is not None and decision.bound and reason != AT_FLOOR:
        text = _(
            "%(text)s Held at the %(bound)s.", text=text, bound=bound_label(env, decision.bound)
        )
    return text


def repricable_offers(account):
    return account.env["emag.offer"].search(
        [
            ("account_id", "=", account.id),
            ("publish", "=", True),
            ("emag_created", "=", True),
            ("state", "=", "published"),
        ]
    )


def _day_start_prices(env, offers):
    """The price each offer had at its first real repricing of today."""
    start = fields.Datetime.to_datetime(fields.Date.context_today(offers[:1] or env.user))
    firsts = {}
    for log in env["emag.reprice.log"].search(
        [("offer_id", "in", offers.ids), ("dry_run", "=", False), ("create_date", ">=", start)],
        order="id",
    ):
        firsts.setdefault(log.offer_id.id, log.old_price)
    return firsts


def reprice_account(account, dry_run=False, offers=None):
    """Decide the next price of the account's offers; record every decision.

    Returns a :class:`RoundResult`; on a real round the offers that moved
    carry their new ``repriced_price`` and wait for the push.
    """
    env = account.env
    offers = offers if offers is not None else repricable_offers(account)
    result = RoundResult(logs=env["emag.reprice.log"])
    if not offers:
        return result
    list_prices = offer_prices(env, offers)
    frozen = frozen_offer_ids(env, offers)
    day_start = _day_start_prices(env, offers)
    run_at = fields.Datetime.now()
    lines = []
    for offer in offers:
        rule = offer._reprice_rule()
        current = offer.pushed_price or list_prices[offer.id].sale_price
        line = {
            "account_id": account.id,
            "offer_id": offer.id,
            "run_at": run_at,
            "dry_run": dry_run,
            "strategy": rule.strategy,
            "old_price": current,
            "new_price": current,
            "rank_before": offer.buy_button_rank,
        }
        if offer.id in frozen:
            lines.append({**line, "reason": reason_text(env, SKIPPED_CAMPAIGN)})
            continue
        if offer.price_override:
            lines.append({**line, "reason": reason_text(env, SKIPPED_MANUAL)})
            continue
        floor, ceiling = offer_band(offer, list_prices[offer.id].list_price)
        if floor is None:
            lines.append({**line, "reason": reason_text(env, SKIPPED_NO_FLOOR)})
            continue
        market = Market(
            rank=offer.buy_button_rank,
            offers=offer.number_of_offers,
            best_price=dec(offer.best_offer_price) if offer.best_offer_price else None,
            smart_deals_price=dec(offer.smart_deals_price) if offer.smart_deals_price else None,
        )
        decision = decide(
            rule,
            market,
            current,
            list_prices[offer.id].list_price,
            floor,
            ceiling,
            day_start.get(offer.id),
        )
        new_price = float(decision.price)
        lines.append(
            {
                **line,
                "new_price": new_price,
                "target_price": float(decision.target) if decision.target is not None else 0.0,
                "floor_price": float(floor),
                "bound": decision.bound or "none",
                "reason": reason_text(env, decision.reason, decision, offer),
            }
        )
        if not dry_run and decision.changes(dec(current)):
            offer.repriced_price = new_price
            result.changed.append(offer.id)
    result.logs = env["emag.reprice.log"].create(lines)
    return result
