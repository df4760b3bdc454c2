"""eMAG's return (RMA) status machine: the one place that says which change is legal.

The permissions of the API (doc §12.2, rows = current status, columns = the
status a seller may request through ``rma/save``) are kept as data. Every
status push of the returns flow asks :func:`plan` for the steps leading to
the status it wants and sends nothing the table refuses. Pure Python: no
Odoo import.
"""

from dataclasses import dataclass

from ..common.labels import selection_label

INCOMPLETE, NEW, ACKNOWLEDGED, REFUSED, CANCELED, RECEIVED, FINALIZED = 1, 2, 3, 4, 5, 6, 7

STATUS_NAMES = {
    INCOMPLETE: "Incomplete",
    NEW: "New",
    ACKNOWLEDGED: "Acknowledged",
    REFUSED: "Refused",
    CANCELED: "Canceled",
    RECEIVED: "Received",
    FINALIZED: "Finalized",
}
STATUS_SELECTION = [(str(code), name) for code, name in STATUS_NAMES.items()]


def status_label(env, status):
    """The status's name in the user's language (the selection of ``emag.rma``)."""
    return selection_label(env, "emag.rma", "emag_status", status)


# current status -> statuses a seller may set (the diagonal is a no-op).
# Status 1 is eMAG's own and has no row: nothing may be pushed from it.
TRANSITIONS = {
    NEW: frozenset({NEW, ACKNOWLEDGED, CANCELED}),
    ACKNOWLEDGED: frozenset({ACKNOWLEDGED, CANCELED, RECEIVED}),
    REFUSED: frozenset({REFUSED}),
    CANCELED: frozenset({CANCELED}),
    RECEIVED: frozenset({REFUSED, RECEIVED, FINALIZED}),
    FINALIZED: frozenset({FINALIZED}),
}

# Statuses after which eMAG has nothing more to hear about the return.
CLOSED = frozenset({REFUSED, CANCELED, FINALIZED})

# Statuses the returns flow may pass through on its way to another one, and
# the fact that must hold for each: a return is acknowledged as soon as it is
# being handled, it is "received" only when the goods are in the warehouse.
WAYPOINT_CONDITIONS = {ACKNOWLEDGED: None, RECEIVED: "received"}


@dataclass(frozen=True)
class Plan:
    """The answer of :func:`plan`.

    :ivar steps: statuses to send, in order (empty for a no-op or a refusal)
    :ivar reason: why the target cannot be reached, in plain words (empty when it can)
    """

    steps: tuple = ()
    reason: str = ""

    @property
    def allowed(self):
        return not self.reason


def is_allowed(current, requested):
    """Whether eMAG accepts ``requested`` for a return in ``current`` status."""
    return requested in TRANSITIONS.get(current, ())


def plan(current, target, facts=()):
    """The legal statuses to send, one after the other, to go from ``current``
    to ``target``.

    A direct change is used when the table allows it; otherwise the shortest
    path through the waypoints whose condition is among ``facts`` (e.g.
    ``{"received"}`` once the goods are in), so that eMAG is never told
    something that did not happen.
    """
    if current == target:
        return Plan()
    frontier = [(current, ())]
    seen = {current}
    while frontier:
        following = []
        for status, steps in frontier:
            for nxt in sorted(TRANSITIONS.get(status, ())):
                if nxt in seen:
                    continue
                if nxt == target:
                    return Plan(steps=(*steps, nxt))
                condition = WAYPOINT_CONDITIONS.get(nxt, False)
                if condition is False or (condition and condition not in facts):
                    continue
                seen.add(nxt)
                following.append((nxt, (*steps, nxt)))
        frontier = following
    return Plan(
        reason=f"eMAG does not allow changing a return from {name(current)} to {name(target)}."
    )


def name(status):
    return f"{STATUS_NAMES.get(status, 'unknown')} ({status})"
