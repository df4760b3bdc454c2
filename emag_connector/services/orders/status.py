"""eMAG's order status machine: the one place that says which change is legal.

The transition matrix of the API (doc §9.2) is kept as data. Everything that
changes an order's status on eMAG (the prepared push, the cancellation
wizard, the fulfilment and returns flows) asks :func:`check_transition`
first and never sends a change it refuses; changes Odoo makes by itself ask
:func:`check_automatic`, which only moves orders forward; the order form
lists :func:`allowed_statuses`. Pure Python: no Odoo import.
"""

from dataclasses import dataclass
from datetime import timedelta

from ..common.labels import selection_label

CANCELED, NEW, IN_PROGRESS, PREPARED, FINALIZED, RETURNED = 0, 1, 2, 3, 4, 5

STATUS_NAMES = {
    CANCELED: "Canceled",
    NEW: "New",
    IN_PROGRESS: "In progress",
    PREPARED: "Prepared",
    FINALIZED: "Finalized",
    RETURNED: "Returned",
}
STATUS_SELECTION = [(str(code), name) for code, name in STATUS_NAMES.items()]


def status_label(env, status):
    """The status's name in the user's language (the selection of ``emag.order``)."""
    return selection_label(env, "emag.order", "emag_status", status)


# Days added by eMAG to the customer return period for the 4 -> 5 change.
RETURN_GRACE_DAYS = 5


@dataclass(frozen=True)
class Transition:
    """One allowed (current, requested) cell of the matrix.

    :ivar via: the only API route able to make the change
    :ivar since: the event the time limit counts from ("finalization" or
        "cancellation"), ``None`` when unlimited
    :ivar hours: length of the window in hours; ``None`` with ``since`` set
        means the customer return period plus :data:`RETURN_GRACE_DAYS`
    :ivar noop: the diagonal: allowed, nothing to send
    """

    via: str = "order/save"
    since: str = None
    hours: int = None
    noop: bool = False


TRANSITIONS = {
    (NEW, IN_PROGRESS): Transition(via="order/acknowledge"),
    (IN_PROGRESS, IN_PROGRESS): Transition(noop=True),
    (IN_PROGRESS, PREPARED): Transition(),
    (IN_PROGRESS, FINALIZED): Transition(),
    (IN_PROGRESS, CANCELED): Transition(),
    (PREPARED, PREPARED): Transition(noop=True),
    (PREPARED, FINALIZED): Transition(),
    (PREPARED, CANCELED): Transition(),
    (FINALIZED, PREPARED): Transition(since="finalization", hours=48),
    (FINALIZED, FINALIZED): Transition(noop=True),
    (FINALIZED, CANCELED): Transition(since="finalization", hours=48),
    (FINALIZED, RETURNED): Transition(since="finalization"),
    (CANCELED, IN_PROGRESS): Transition(since="cancellation", hours=48),
    (CANCELED, PREPARED): Transition(since="cancellation", hours=48),
    (CANCELED, FINALIZED): Transition(since="cancellation", hours=48),
    (CANCELED, CANCELED): Transition(noop=True),
}


@dataclass(frozen=True)
class Verdict:
    """The answer of :func:`check_transition`.

    :ivar allowed: the change may be requested (or is a no-op)
    :ivar noop: the order already has the requested status: send nothing
    :ivar reason: why it is refused, in plain English (empty when allowed);
        :func:`explain` says it in the user's language
    :ivar refusal: which refusal it is (one of :data:`REFUSALS`), with the
        statuses concerned and the API route the change needs
    """

    allowed: bool
    noop: bool = False
    reason: str = ""
    refusal: str = ""
    current: int | None = None
    requested: int | None = None
    route: str = ""


REFUSALS = (
    "not_in_matrix",
    "other_route",
    "finalization_unknown",
    "cancellation_unknown",
    "finalization_window_passed",
    "cancellation_window_passed",
    "canceled_for_automatic",
)


def _refused(refusal, reason, current, requested, route=""):
    return Verdict(
        False, reason=reason, refusal=refusal, current=current, requested=requested, route=route
    )


def reason_text(verdict):
    """The reason of a refusal as a deferred text (``services/common/labels.py``):
    said by :func:`explain` in each reader's language."""
    if not verdict.refusal:
        return verdict.reason
    return lambda env: explain(env, verdict)


def explain(env, verdict):
    """The reason of a refusal in the user's language (status names included)."""
    if not verdict.refusal:
        return verdict.reason
    names = {
        "current": _label(env, verdict.current),
        "requested": _label(env, verdict.requested),
        "route": verdict.route,
    }
    refusal = verdict.refusal
    if refusal == "not_in_matrix":
        return env._(
            "eMAG does not allow changing an order from %(current)s to %(requested)s.", **names
        )
    if refusal == "other_route":
        return env._("%(requested)s can only be set through %(route)s.", **names)
    if refusal == "finalization_unknown":
        return env._(
            "The finalization time of the order is unknown, so the time allowed to change it "
            "to %(requested)s cannot be checked.",
            **names,
        )
    if refusal == "cancellation_unknown":
        return env._(
            "The cancellation time of the order is unknown, so the time allowed to change it "
            "to %(requested)s cannot be checked.",
            **names,
        )
    if refusal == "finalization_window_passed":
        return env._(
            "The time allowed after finalization to change the order to %(requested)s has passed.",
            **names,
        )
    if refusal == "cancellation_window_passed":
        return env._(
            "The time allowed after cancellation to change the order to %(requested)s has passed.",
            **names,
        )
    return env._(
        "The order is canceled on eMAG; only a person may set it to %(requested)s again.",
        **names,
    )


def _label(env, status):
    return f"{status_label(env, status)} ({status})"


def window(transition, return_period_days):
    """The time limit of a transition as a timedelta, ``None`` when unlimited."""
    if not transition.since:
        return None
    if transition.hours is not None:
        return timedelta(hours=transition.hours)
    return timedelta(days=return_period_days + RETURN_GRACE_DAYS)


def check_transition(
    current,
    requested,
    *,
    now,
    finalized_at=None,
    canceled_at=None,
    return_period_days=30,
    via="order/save",
):
    """Whether an order in ``current`` status may be moved to ``requested``.

    Datetimes are naive UTC (as Odoo stores them). A windowed change whose
    starting event is unknown (``None``, or ``False`` as an empty Odoo field
    reads) is refused: guessing could send an illegal one.
    """
    transition = TRANSITIONS.get((current, requested))
    if transition is None:
        return _refused(
            "not_in_matrix",
            f"eMAG does not allow changing an order from {_name(current)} to {_name(requested)}.",
            current,
            requested,
        )
    if transition.noop:
        return Verdict(True, noop=True)
    if transition.via != via:
        return _refused(
            "other_route",
            f"{_name(requested)} can only be set through {transition.via}.",
            current,
            requested,
            route=transition.via,
        )
    limit = window(transition, return_period_days)
    if limit is not None:
        started = finalized_at if transition.since == "finalization" else canceled_at
        if not started:
            return _refused(
                f"{transition.since}_unknown",
                f"The {transition.since} time of the order is unknown, so the time allowed "
                f"to change it to {_name(requested)} cannot be checked.",
                current,
                requested,
            )
        if now > started + limit:
            return _refused(
                f"{transition.since}_window_passed",
                f"The time allowed after {transition.since} to change the order to "
                f"{_name(requested)} has passed.",
                current,
                requested,
            )
    return Verdict(True)


# The road an order travels; canceled stands apart from it.
FORWARD = (NEW, IN_PROGRESS, PREPARED, FINALIZED, RETURNED)


def check_automatic(current, requested, *, delivery_validated=False, **timing):
    """The verdict on a change Odoo sends by itself, not at a person's request
    (prepared when the delivery is picked or validated).

    Such a change only ever moves an order forward. The matrix also lets a
    finalized order go back to prepared and a canceled one be reopened within
    48 hours: corrections a person makes on purpose. A push queued while the
    order was in progress and run after the AWB finalized it (or after eMAG
    canceled it) must not make them. So: already there or past it, or not
    acknowledged yet (the fulfilment pipeline takes over from there) is a
    no-op; so is "prepared" once the delivery is validated
    (``delivery_validated``): the fulfilment pipeline then sets it itself,
    before the AWB. A canceled order is refused; the rest is the matrix's
    answer.
    """
    if requested == PREPARED and delivery_validated:
        return Verdict(True, noop=True)
    if requested != CANCELED and current in FORWARD:
        if current == NEW or FORWARD.index(current) >= FORWARD.index(requested):
            return Verdict(True, noop=True)
    elif current == CANCELED and requested != CANCELED:
        return _refused(
            "canceled_for_automatic",
            f"The order is canceled on eMAG; only a person may set it to {_name(requested)} again.",
            current,
            requested,
        )
    return check_transition(current, requested, **timing)


def allowed_statuses(current, **timing):
    """The statuses an order may be moved to through ``order/save`` now (no-ops excluded)."""
    result = []
    for requested in STATUS_NAMES:
        verdict = check_transition(current, requested, **timing)
        if verdict.allowed and not verdict.noop:
            result.append(requested)
    return result


def _name(status):
    return f"{STATUS_NAMES.get(status, 'unknown')} ({status})"


# eMAG's cancellation reasons (doc §9.7), offered when an order is canceled in Odoo.
CANCELLATION_REASONS = {
    1: "Out of stock",
    2: "Canceled by the client",
    3: "Client cannot be contacted",
    15: "Courier delivery term too long",
    16: "Transport fee too high",
    17: "Long delivery term until the product reaches the warehouse",
    18: "Better offer in another store",
    19: "Payment order not paid",
    20: "Undelivered order - courier reasons",
    21: "Others",
    22: "Incomplete order - automatic cancellation",
    23: "Customer changed his mind",
    24: "At customer's request",
    25: "Failed delivery",
    26: "Late shipment",
    27: "Irrelevant order",
    28: "Canceled by SuperAdmin at seller request",
    29: "Blacklisted customer",
    30: "No VAT invoice",
    31: "Marketplace partner requested the cancellation",
    32: "Delivery estimate too long",
    33: "Product no longer in the partner's stock",
    34: "Other reasons",
    35: "Delivery too expensive",
    36: "Customer found a better price elsewhere",
    37: "Customer placed another eMAG order with a similar product",
    38: "Customer changed his mind, does not need the product",
    39: "Customer can buy the product only in installments",
    40: "Other reasons (EIS)",
    41: "Out of stock - installments",
    42: "Product no longer in partner's stock - installments",
    43: "Delivery estimate too long",
}
# Reason sent when Odoo accepts a customer's cancellation request.
CUSTOMER_REQUEST_REASON = 24
