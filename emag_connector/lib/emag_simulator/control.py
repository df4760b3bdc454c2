"""The ``/_sim/...`` JSON control API, for processes that cannot call Python.

Each endpoint maps onto an ``EmagSimulator`` method (see the README table).
Answers are plain JSON (not the eMAG envelope): the payload on success,
``{"error": "..."}`` with 400 (bad input) or 404 (unknown account/object).
"""

import json
import re
from datetime import datetime
from urllib.parse import parse_qs

from .protocol import DATETIME_FORMAT, Response, json_response

ORDER_EVENTS = {
    "customer_cancel": lambda sim, user, oid, body: sim.customer_cancel(user, oid, **body),
    "complete": lambda sim, user, oid, body: sim.complete_order(user, oid),
    "emag_cancel": lambda sim, user, oid, body: sim.emag_cancel(user, oid, **body),
    "edit_lines": lambda sim, user, oid, body: sim.edit_order_lines(user, oid, **body),
    "paid": lambda sim, user, oid, body: sim.mark_order_paid(user, oid, **body),
    "status": lambda sim, user, oid, body: sim.set_order_status(user, oid, body["status"]),
    "refund": lambda sim, user, oid, body: sim.refund_order(user, oid, **body),
}


def _state(sim, match, query, body):
    return {
        "base_url": sim.base_url,
        "accounts": [a.summary() for a in sim.state.accounts.values()],
        "faults": sim.faults.list(),
        "rate_limits": sim.rate_limiter.enabled,
        "strict": sim.state.strict,
        "utc_now": sim.clock.utcnow().isoformat(timespec="seconds"),
    }


def _add_account(sim, match, query, body):
    body = dict(body)
    account = sim.add_account(
        body.pop("username"), body.pop("password"), body.pop("platform", "emag_ro"), **body
    )
    return account.summary()


def _configure_account(sim, match, query, body):
    return sim.configure_account(match["user"], **body).summary()


def _create_order(sim, match, query, body):
    body = dict(body)
    if isinstance(body.get("date"), str):
        body["date"] = datetime.strptime(body["date"], DATETIME_FORMAT)
    return sim.create_order(body.pop("username"), **body)


def _order_event(sim, match, query, body):
    event = ORDER_EVENTS.get(match["event"])
    if event is None:
        raise ValueError(f"Unknown order event {match['event']!r}; known: {sorted(ORDER_EVENTS)}")
    return event(sim, match["user"], int(match["id"]), body)


def _create_return(sim, match, query, body):
    body = dict(body)
    return sim.create_return(body.pop("username"), body.pop("order_id"), **body)


def _clock(sim, match, query, body):
    if body.get("freeze"):
        sim.clock.freeze(datetime.fromisoformat(body["freeze"]))
    if body.get("unfreeze"):
        sim.clock.unfreeze()
    sim.clock.advance(
        seconds=float(body.get("advance_seconds", 0)),
        hours=float(body.get("advance_hours", 0)),
        days=float(body.get("advance_days", 0)),
    )
    return {"utc_now": sim.clock.utcnow().isoformat(timespec="seconds")}


def _received(sim, match, query, body):
    return [r.as_dict() for r in sim.received(query.get("route"), query.get("username"))]


def _campaign_view(campaign):
    return {
        key: value.isoformat(sep=" ") if hasattr(value, "isoformat") else value
        for key, value in campaign.items()
    }


def _rate_limits(sim, match, query, body):
    sim.set_rate_limits(body["enabled"])
    return {"rate_limits": sim.rate_limiter.enabled}


ENDPOINTS = [
    ("GET", r"/_sim/health", lambda sim, m, q, b: {"ok": True, "base_url": sim.base_url}),
    ("GET", r"/_sim/state", _state),
    ("POST", r"/_sim/accounts", _add_account),
    ("PATCH", r"/_sim/accounts/(?P<user>[^/]+)", _configure_account),
    ("POST", r"/_sim/offers", lambda sim, m, q, b: sim.add_offer(b["username"], b["offer"])),
    (
        "POST",
        r"/_sim/catalogue",
        lambda sim, m, q, b: sim.seed_catalogue(
            b["username"], b["count"], b.get("start_id", 1), b.get("prefix", "EXT")
        ),
    ),
    (
        "GET",
        r"/_sim/offers/(?P<user>[^/]+)/(?P<id>\d+)",
        lambda sim, m, q, b: sim.get_offer(m["user"], m["id"]),
    ),
    (
        "POST",
        r"/_sim/offers/(?P<user>[^/]+)/(?P<id>\d+)/campaign",
        lambda sim, m, q, b: sim.set_offer_campaign(m["user"], m["id"], b.get("campaign")),
    ),
    (
        "POST",
        r"/_sim/offers/(?P<user>[^/]+)/(?P<id>\d+)/competitors",
        lambda sim, m, q, b: sim.set_competitors(m["user"], m["id"], b["competitors"]),
    ),
    (
        "POST",
        r"/_sim/campaigns/(?P<user>[^/]+)",
        lambda sim, m, q, b: _campaign_view(sim.add_campaign(m["user"], **b)),
    ),
    (
        "POST",
        r"/_sim/catalog",
        lambda sim, m, q, b: {"part_number_key": sim.add_catalog_product(**b)},
    ),
    ("POST", r"/_sim/orders", _create_order),
    (
        "POST",
        r"/_sim/orders/generate",
        lambda sim, m, q, b: sim.generate_orders(
            b["username"], b.get("count", 10), b.get("hours", 24)
        ),
    ),
    ("GET", r"/_sim/orders/(?P<user>[^/]+)", lambda sim, m, q, b: sim.orders(m["user"])),
    (
        "GET",
        r"/_sim/orders/(?P<user>[^/]+)/(?P<id>\d+)",
        lambda sim, m, q, b: sim.get_order(m["user"], m["id"]),
    ),
    ("POST", r"/_sim/orders/(?P<user>[^/]+)/(?P<id>\d+)/(?P<event>[a-z_]+)", _order_event),
    ("POST", r"/_sim/returns", _create_return),
    (
        "GET",
        r"/_sim/returns/(?P<user>[^/]+)/(?P<id>\d+)",
        lambda sim, m, q, b: sim.get_return(m["user"], m["id"]),
    ),
    (
        "POST",
        r"/_sim/returns/(?P<user>[^/]+)/(?P<id>\d+)/status",
        lambda sim, m, q, b: sim.set_return_status(m["user"], m["id"], b["status"]),
    ),
    (
        "GET",
        r"/_sim/awbs/(?P<user>[^/]+)/(?P<id>\d+)",
        lambda sim, m, q, b: sim.get_awb(m["user"], m["id"]),
    ),
    (
        "POST",
        r"/_sim/awbs/(?P<user>[^/]+)/(?P<id>\d+)/status",
        lambda sim, m, q, b: sim.set_awb_status(m["user"], m["id"], b["code"]),
    ),
    (
        "POST",
        r"/_sim/invoices",
        lambda sim, m, q, b: sim.issue_invoice(
            b["username"], b["category"], b["lines"], number=b.get("number")
        ),
    ),
    (
        "POST",
        r"/_sim/invoices/commission",
        lambda sim, m, q, b: sim.issue_commission_invoice(b["username"], b.get("rate", "0.1")),
    ),
    (
        "POST",
        r"/_sim/invoices/storno",
        lambda sim, m, q, b: sim.storno_invoice(b["username"], b["number"], b.get("lines")),
    ),
    (
        "POST",
        r"/_sim/money/settle",
        lambda sim, m, q, b: sim.settle_money(b["username"], b.get("cod_after_days", 3)),
    ),
    ("GET", r"/_sim/faults", lambda sim, m, q, b: sim.faults.list()),
    ("POST", r"/_sim/faults", lambda sim, m, q, b: sim.add_fault(**b)),
    ("DELETE", r"/_sim/faults", lambda sim, m, q, b: sim.clear_faults() or []),
    ("POST", r"/_sim/rate_limits", _rate_limits),
    ("GET", r"/_sim/requests", _received),
    ("DELETE", r"/_sim/requests", lambda sim, m, q, b: sim.clear_received() or []),
    ("GET", r"/_sim/callbacks", lambda sim, m, q, b: sim.callback_log),
    ("POST", r"/_sim/clock", _clock),
    ("POST", r"/_sim/seed", lambda sim, m, q, b: {"accounts": sim.load_seed(b)}),
]
_COMPILED = [(method, re.compile(pattern + "$"), func) for method, pattern, func in ENDPOINTS]


def handle(sim, method, path, query_string, raw):
    """Run one control call and return its JSON ``Response``."""
    query = {k: v[0] for k, v in parse_qs(query_string).items()}
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return json_response({"error": "Body must be JSON"}, 400)
    path_matched = False
    for endpoint_method, pattern, func in _COMPILED:
        match = pattern.match(path)
        if not match:
            continue
        path_matched = True
        if endpoint_method != method:
            continue
        try:
            return json_response(func(sim, match.groupdict(), query, body))
        except KeyError as exc:
            return json_response({"error": f"Not found: {exc}"}, 404)
        except (ValueError, TypeError) as exc:
            return json_response({"error": str(exc)}, 400)
    status = 405 if path_matched else 404
    return Response(status, json.dumps({"error": f"No control endpoint {method} {path}"}).encode())
