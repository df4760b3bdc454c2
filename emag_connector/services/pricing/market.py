"""What eMAG tells about the competition and the costs of an offer, cached on it.

* The buy-button rank, the number of offers, the best offer's prices come in
  the batched ``product_offer/read`` the status refresh already pages through
  (100 offers a call): :func:`market_values` turns one read-back into values.
* The commission estimate and the Smart Deals price cost one GET per offer:
  they are cached on the offer with their date and refreshed by a cron, the
  oldest first, at most ``budget`` calls a run, through the client's rate
  limiter (3 requests a second on the shared bucket, doc §6). The Smart Deals
  price is read only for offers whose rule aims at it.
"""

import logging

from odoo import fields

from ...lib.emag_api.errors import EmagError, EmagNotFoundError, EmagValidationError
from .economics import margin, margin_percent, price_floor
from .rules import SMART_DEALS

_logger = logging.getLogger(__name__)

STALE_AFTER_DAYS = 7  # commission estimates change with eMAG's category terms
REFRESH_BUDGET = 120  # calls per account and run: under a minute of the shared bucket
THIN_MARGIN_ABOVE_FLOOR = 0.03  # a price within 3 % of its floor is shown as thin


def market_values(reading):
    """Offer values from one ``OfferReadback`` (only the keys eMAG answered)."""
    values = {}
    if reading.buy_button_rank is not None:
        values["buy_button_rank"] = reading.buy_button_rank
    if reading.number_of_offers is not None:
        values["number_of_offers"] = reading.number_of_offers
    if reading.best_offer_sale_price is not None:
        values["best_offer_price"] = reading.best_offer_sale_price
    values["best_offer_recommended_price"] = reading.best_offer_recommended_price or 0.0
    if values:
        values["market_read_at"] = fields.Datetime.now()
    return values


def economics_values(offer, costs, price):
    """Stored economics of ``offer`` at ``price``: cost, margin, floor and how thin."""
    floor = price_floor(costs)
    values = {
        "cost_price": float(costs.cost),
        "floor_price": float(floor) if floor is not None else 0.0,
        "margin_amount": float(margin(price, costs)) if price else 0.0,
        "margin_percent": float(margin_percent(price, costs)) if price else 0.0,
    }
    if not price:
        values["margin_state"] = False
    elif values["margin_amount"] < 0:
        values["margin_state"] = "loss"
    elif floor is None or price < float(floor) * (1 + THIN_MARGIN_ABOVE_FLOOR):
        values["margin_state"] = "thin"
    else:
        values["margin_state"] = "ok"
    return values


def _stale_first(env, account, field, extra_domain=()):
    limit = fields.Datetime.subtract(fields.Datetime.now(), days=STALE_AFTER_DAYS)
    return env["emag.offer"].search(
        [
            ("account_id", "=", account.id),
            ("emag_created", "=", True),
            ("seller_product_id", "!=", 0),
            "|",
            (field, "=", False),
            (field, "<", limit),
            *extra_domain,
        ],
        order=f"{field} asc nulls first, id",
    )


def refresh_estimates(account, client=None, budget=REFRESH_BUDGET):
    """Refresh the oldest commission estimates, then the Smart Deals prices the
    rules need, ``budget`` calls in all. Returns ``(refreshed, errors)``.

    An offer eMAG does not answer for keeps its old estimate (and its date,
    so it is retried first next time); a failure of the connection stops the
    run, the rest waits for the next one.
    """
    env = account.env
    client = client or account._get_client()
    refreshed, errors = 0, 0
    smart_offers = _stale_first(env, account, "smart_deals_date").filtered(
        lambda offer: offer._reprice_rule().strategy == SMART_DEALS
    )
    tasks = [(offer, "commission") for offer in _stale_first(env, account, "commission_date")]
    tasks += [(offer, "smart_deals") for offer in smart_offers]
    for offer, kind in tasks[:budget]:
        try:
            if kind == "commission":
                value = client.read_commission_estimate(offer.seller_product_id)
                vals = {"commission_date": fields.Datetime.now()}
                if value is not None:
                    vals["commission_percent"] = float(value)
            else:
                value = client.read_smart_deals_price(offer.seller_product_id)
                vals = {"smart_deals_date": fields.Datetime.now()}
                vals["smart_deals_price"] = float(value) if value is not None else 0.0
        except (EmagNotFoundError, EmagValidationError) as error:
            errors += 1
            _logger.info("eMAG has no %s for offer %s: %s", kind, offer.part_number, error)
            continue
        except EmagError:
            _logger.warning("Estimates of %s stopped", account.name, exc_info=True)
            break
        offer.write(vals)
        refreshed += 1
    return refreshed, errors
