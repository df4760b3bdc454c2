"""Push offers to eMAG: create what is new, update only what changed.

One run for one account and a set of its offers:

1. compute prices and stock for all of them at once (batched queries);
2. check each offer locally; a doomed one is marked "needs attention" with
   the reasons and not sent;
3. sort the others: offers eMAG does not know yet, and offers whose
   documentation changed, go through ``product_offer/save`` (full entity);
   the rest go through the light ``offer/save`` carrying only the values that
   differ from the last push eMAG accepted. An offer whose values equal the
   last accepted push, or the last refused one, is not sent at all: an
   unchanged catalogue costs no call, and a refused offer is not resent until
   something about it changes;
4. store eMAG's answer per offer. An offer that was not sent because the run
   stopped (rate limit, eMAG unreachable) keeps its old fingerprint, so the
   next run sends it: nothing is lost, nothing is sent twice for nothing.
"""

import logging
from dataclasses import dataclass, field

from odoo import fields

from ...lib.emag_api.batching import NOT_SENT, OK
from ...lib.emag_api.errors import EmagValidationError
from ..pricing.bounds import bounded_prices, frozen_offer_ids, hold_during_campaign, record_bounds
from .payload import (
    changed_values,
    documentation,
    fingerprint,
    full_entity,
    light_entity,
    offer_values,
)
from .readback import read_offer
from .stock import offer_quantities
from .takeover import adopt_existing_offer, existing_offer_id
from .validation import offer_problems

_logger = logging.getLogger(__name__)

SELLABLE_VALIDATION = {3, 9, 11, 12}


@dataclass
class SyncResult:
    """Counts of one run (the benchmark and the tests read them)."""

    api_calls: int = 0
    created: int = 0
    updated: int = 0
    refused: int = 0
    attention: int = 0
    unchanged: int = 0
    aborted_by: Exception = None
    offers_created: list = field(default_factory=list)
    # (offer, eMAG id, documentation fingerprint): refused because the seller
    # already has that offer on eMAG
    existing: list = field(default_factory=list)
    linked: int = 0


def sync_offers(account, offers, client=None):
    """Push ``offers`` (all of one account) to eMAG; return a :class:`SyncResult`."""
    env = account.env
    result = SyncResult()
    # Offers taken over from eMAG wait for the seller's first-sync choice.
    offers = offers.filtered(
        lambda offer: (offer.publish or offer.emag_created) and not offer.takeover_hold
    )
    if not offers:
        return result
    active = offers.filtered("publish")
    # Pricing flow: every pushed price is held within the offer's floor and
    # ceiling, and an offer in a stock-in-site campaign keeps what eMAG has.
    prices = bounded_prices(env, active)
    record_bounds(active, prices)
    frozen = frozen_offer_ids(env, active)
    stocks = offer_quantities(env, active.ids)
    handling_times = (
        set(env["emag.handling.time"].search([("platform", "=", account.platform)]).mapped("days"))
        or None
    )

    full, light = [], []
    for offer in offers:
        if not offer.publish:
            changes = changed_values({"status": 0}, offer.pushed_values)
            if changes:
                light.append((offer, {"status": 0}, changes))
            else:
                result.unchanged += 1
            continue
        price = prices[offer.id]
        problems = offer_problems(offer, price, handling_times)
        if problems:
            offer._set_state("attention", "\n".join(problems))
            result.attention += 1
            continue
        values = hold_during_campaign(
            offer, offer_values(offer, price, stocks.get(offer.id, 0)), frozen
        )
        doc = documentation(offer)
        doc_print = fingerprint(doc)
        if not offer.emag_created or doc_print != offer.doc_fingerprint:
            if doc_print == offer.failed_fingerprint:
                result.unchanged += 1
                continue
            if not offer.seller_product_id:
                offer.seller_product_id = offer.id
            full.append((offer, values, doc, doc_print))
            continue
        changes = changed_values(values, offer.pushed_values)
        if not changes or fingerprint(values) == offer.failed_fingerprint:
            result.unchanged += 1
            if offer.state == "attention":
                offer._set_state(offer._state_from_validation(), "")
            continue
        light.append((offer, values, changes))

    client = client or account._get_client()
    if full:
        entities = [full_entity(offer, values, doc) for offer, values, doc, _print in full]
        report = client.save_product_offers(entities)
        result.api_calls += report.api_calls
        for (offer, values, _doc, doc_print), outcome in zip(full, report.outcomes, strict=True):
            _record_full(offer, values, doc_print, outcome, result)
        result.aborted_by = report.aborted_by
    if result.existing and not result.aborted_by:
        _link_existing(client, result)
    if light and not result.aborted_by:
        entities = [light_entity(offer, changes) for offer, _values, changes in light]
        report = client.save_offers(entities)
        result.api_calls += report.api_calls
        for (offer, values, changes), outcome in zip(light, report.outcomes, strict=True):
            _record_light(offer, values, changes, outcome, result)
        result.aborted_by = report.aborted_by
    elif light:
        for offer, _values, _changes in light:
            offer._record_answer(_not_sent(env, result.aborted_by))
    return result


def _answer(env, outcome):
    if outcome.messages:
        return "\n".join(str(message) for message in outcome.messages)
    if outcome.error:
        return str(outcome.error)
    return env._("Accepted.")


def _not_sent(env, error):
    return env._("Not sent, will be retried: %(error)s", error=error)


def _refused(outcome):
    return outcome.status != OK and isinstance(outcome.error, EmagValidationError)


def _record_full(offer, values, doc_print, outcome, result):
    env = offer.env
    if outcome.status == OK:
        first = not offer.emag_created
        offer.write(
            {
                "emag_created": True,
                "pushed_values": values,
                "doc_fingerprint": doc_print,
                "failed_fingerprint": False,
                "pushed_at": fields.Datetime.now(),
            }
        )
        offer._record_answer(_answer(env, outcome))
        if first:
            result.created += 1
            result.offers_created.append(offer.id)
            offer._set_state("pending", env._("Sent to eMAG, waiting for its validation."))
        else:
            result.updated += 1
    elif _refused(outcome) and not offer.emag_created and existing_offer_id(outcome.messages):
        # eMAG keeps one offer per product per seller: take over that one.
        result.existing.append((offer, existing_offer_id(outcome.messages), doc_print))
    elif _refused(outcome):
        result.refused += 1
        answer = _answer(env, outcome)
        offer.write({"failed_fingerprint": doc_print})
        offer._record_answer(answer)
        if offer.emag_created:
            offer._set_state("attention", env._("eMAG refused the update: %s", answer))
        else:
            offer._set_state("rejected", answer)
            result.offers_created.append(offer.id)  # eMAG may have kept the offer part
    else:
        offer._record_answer(_not_sent(env, outcome.error))


def _link_existing(client, result):
    """Link each offer eMAG refused as a duplicate to the seller's existing offer."""
    for offer, emag_id, doc_print in result.existing:
        items = client.read_product_offers(id=emag_id)
        try:
            if not items:
                raise ValueError(
                    offer.env._("eMAG names your offer %s, but does not return it.", emag_id)
                )
            with offer.env.cr.savepoint():
                adopt_existing_offer(offer, items[0])
            result.linked += 1
        except ValueError as error:
            result.refused += 1
            offer.write({"failed_fingerprint": doc_print})  # not resent until it changes
            offer._record_answer(str(error))
            offer._set_state("rejected", str(error))


def _record_light(offer, values, changes, outcome, result):
    env = offer.env
    if outcome.status == OK:
        result.updated += 1
        offer.write(
            {
                "pushed_values": {**(offer.pushed_values or {}), **changes},
                "failed_fingerprint": False,
                "pushed_at": fields.Datetime.now(),
            }
        )
        offer._record_answer(_answer(env, outcome))
        if not offer.publish:
            offer._set_state("inactive", env._("Deactivated on eMAG."))
        elif offer.state in ("attention", "inactive"):
            offer._set_state(offer._state_from_validation(), "")
    elif _refused(outcome):
        result.refused += 1
        answer = _answer(env, outcome)
        offer.write({"failed_fingerprint": fingerprint(values)})
        offer._record_answer(answer)
        offer._set_state("attention", env._("eMAG refused the update: %s", answer))
    elif outcome.status == NOT_SENT or outcome.error:
        offer._record_answer(_not_sent(env, outcome.error))


def refresh_offer_status(account, client=None):
    """Read eMAG's view of the account's offers and update their states.

    Pages through ``product_offer/read`` (100 offers a call). Offers are
    matched by eMAG id only: an offer created outside Odoo is linked by the
    takeover (:mod:`.offer_takeover`), which sends nothing before the seller
    chose, never here in passing. Returns the number of offers whose state
    changed.
    """
    env = account.env
    offers = env["emag.offer"].search([("account_id", "=", account.id)])
    by_id = {offer.seller_product_id: offer for offer in offers if offer.seller_product_id}
    client = client or account._get_client()
    changed = 0
    for item in client.iter_product_offers():
        reading = read_offer(item)
        if reading is None:
            continue
        offer = by_id.get(reading.emag_id)
        if offer is None:
            continue
        changed += offer._apply_emag_status(reading)
    return changed
