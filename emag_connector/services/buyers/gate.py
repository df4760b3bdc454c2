"""When a buyer is checked, and what its answer holds.

- After an order is imported (the company's setting "check on import", the
  default): a check job is queued for its company buyer unless the cached
  answer is fresh. The job parks the buyer's orders not invoiced yet when
  ANAF does not know the CUI or lists it inactive, and releases them
  (Retry) once a later check confirms the buyer.
- Before the fulfilment pipeline invoices a delivery (both "on import" and
  "before invoicing only"): :func:`invoice_hold` checks the buyer when its
  answer is not fresh (the pipeline runs in a job) and says whether the
  invoice must wait — the registry cannot answer now (the step waits and
  runs again), or the buyer's data is wrong (the step fails with the reason,
  shown in the exception report, Retry after fixing it).

A line eMAG charged without VAT (``reversible_vat_charging``) is only
invoiced that way when the registry confirms the buyer: VIES for a buyer of
another member state, ANAF's VAT payer status for a Romanian one.
"""

from odoo.tools.translate import LazyTranslate

from ...lib.registries import RegistryUnavailableError
from .check import (
    ANAF,
    BAD_STATES,
    CONFIRMED,
    STATS,
    BuyerChecker,
    is_fresh,
    queue_check,
    registry_for,
)

_lt = LazyTranslate(__name__)

IMPORT, INVOICE, OFF = "import", "invoice", "off"
# What ANAF says of the buyer that parks its orders at once (the others hold at invoicing).
PARKING_STATES = ("unknown", "inactive", "invalid")


def mode(company):
    return company.emag_buyer_check or IMPORT


def after_import(sale_orders):
    """Queue the check of the company buyers of newly imported ``sale_orders``."""
    to_check = sale_orders.partner_id.browse()
    for sale_order in sale_orders:
        if mode(sale_order.company_id) != IMPORT:
            continue
        partner = sale_order.partner_id.commercial_partner_id
        if not registry_for(partner):
            continue
        if is_fresh(partner):
            STATS["buyer_check_cache_hits"] += 1
        else:
            to_check |= partner
    if to_check:
        queue_check(to_check)


def _reason(partner):
    """The partner's stored reason, in each reader's language."""
    return lambda env: partner.with_env(env).emag_registry_message or ""


def _open_bindings(partner):
    """The buyer's eMAG orders imported and not invoiced yet."""
    return (
        partner.env["emag.order"]
        .search(
            [
                ("sale_order_id.partner_id", "child_of", partner.id),
                ("state", "=", "imported"),
                ("sale_order_id.state", "!=", "cancel"),
            ]
        )
        .filtered(
            lambda b: (
                not b.sale_order_id.invoice_ids.filtered(
                    lambda m: m.move_type == "out_invoice" and m.state == "posted"
                )
            )
        )
    )


def follow_up(partner, before, state):
    """After a check: park the buyer's open orders, or release them."""
    env = partner.env
    if state in PARKING_STATES and partner.emag_registry_source == ANAF:
        for binding in _open_bindings(partner):
            binding._emag_park(_reason(partner))
        return
    if state == CONFIRMED and before and before != CONFIRMED:
        held = env["emag.order"].search(
            [("sale_order_id.partner_id", "child_of", partner.id), ("state", "=", "exception")]
        )
        held.action_retry()
        env["emag.fulfilment"].search(
            [("sale_order_id.partner_id", "child_of", partner.id), ("state", "=", "failed")]
        ).filtered(lambda f: f._current_step().code == "invoice").action_retry()


def invoice_hold(sale_order, order=None):
    """Why the invoice of ``sale_order`` must wait: ``("waiting" | "failed",
    deferred text)``, or ``None`` when it may be made.

    :param order: the parsed eMAG order (its lines say which are reverse charge)
    """
    company = sale_order.company_id
    if mode(company) == OFF:
        return None
    partner = sale_order.partner_id.commercial_partner_id
    reverse = bool(order) and any(line.active and line.reverse_charge for line in order.lines)
    source = registry_for(partner)
    if source is None:
        if not reverse:
            return None
        return "failed", _lt(
            "eMAG charged order %(order)s without VAT (reverse charge), but %(name)s has no EU "
            "VAT number to confirm it with. Add the buyer's VAT number on the customer and "
            "Check Again, or ask eMAG to correct the VAT of the order.",
            order=sale_order.client_order_ref or sale_order.name,
            name=partner.name,
        )
    try:
        state = BuyerChecker(company).ensure(partner)
    except RegistryUnavailableError as error:
        return "waiting", _lt(
            "The buyer's registry (%(service)s) cannot answer now (%(code)s); the invoice "
            "waits and the check runs again.",
            service=error.service.upper(),
            code=error.code or error.message,
        )
    if state in PARKING_STATES:
        return "failed", _reason(partner)
    if reverse and not (state == CONFIRMED and _reverse_charge_justified(partner, source)):
        return "failed", [
            _lt(
                "eMAG charged order %(order)s without VAT (reverse charge) for a buyer the "
                "registry does not confirm.",
                order=sale_order.client_order_ref or sale_order.name,
            ),
            _reason(partner),
        ]
    return None


def _reverse_charge_justified(partner, source):
    """VIES's confirmation abroad; in Romania, the buyer's VAT payer status."""
    return source != ANAF or partner.emag_registry_vat_payer


def recheck_held(bindings):
    """Retry of parked orders: their company buyers the registry did not
    confirm are asked again (the check job releases or parks them)."""
    partners = bindings.sale_order_id.partner_id.commercial_partner_id.filtered(
        lambda partner: partner.emag_registry_state in BAD_STATES
    )
    if partners:
        queue_check(partners, force=True)
