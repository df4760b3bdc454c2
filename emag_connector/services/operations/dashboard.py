"""The figures of the account dashboard, counted for many accounts at once.

Every figure is one ``_read_group`` over all the accounts shown, whatever
their number: the kanban of ten accounts costs the same handful of queries as
the kanban of one. A figure is a domain on a model that has an ``account_id``;
the same domain counts the figure and opens its list when it is clicked, so
what the card says and what the list shows cannot drift apart.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytz

from odoo import fields

from ...compat import env_tz
from ..orders import status as order_status
from .exception_report import ERROR, WARNING

ATTACHMENT_WINDOW = timedelta(days=30)
# Routes whose successful call carries the offers' stock to eMAG.
STOCK_ROUTES = ("offer/save", "product_offer/save")
STOCK_ROUTE_PREFIX = "offer_stock/"
# An order poll is late when it has not succeeded for this many poll intervals.
LATE_POLL_INTERVALS = 3
LATE_POLL_GRACE = timedelta(minutes=15)

HEALTHY, WARNINGS, ERRORS = "healthy", "warnings", "errors"


@dataclass(frozen=True)
class Figure:
    """A count per account: ``model`` records matching ``domain(now, env)``."""

    model: str
    action: str
    domain: object  # callable(now, env) -> list

    def account_domain(self, accounts, now, env):
        return [("account_id", "in", accounts.ids), *self.domain(now, env)]


def day_start(now, env, days_back=0):
    """Midnight (UTC, naive) of the user's day ``days_back`` days before ``now``."""
    tz = env_tz(env)
    local_day = pytz.utc.localize(now).astimezone(tz).date() - timedelta(days=days_back)
    midnight = tz.localize(datetime.combine(local_day, time.min))
    return midnight.astimezone(pytz.utc).replace(tzinfo=None)


ORDER_ACTION = "emag_connector.emag_order_action"
OFFER_ACTION = "emag_connector.emag_offer_action"
FULFILMENT_ACTION = "emag_connector.emag_fulfilment_action"

FIGURES = {
    "orders_today": Figure(
        "emag.order",
        ORDER_ACTION,
        lambda now, env: [("emag_date", ">=", day_start(now, env))],
    ),
    "orders_week": Figure(
        "emag.order",
        ORDER_ACTION,
        lambda now, env: [("emag_date", ">=", day_start(now, env, days_back=6))],
    ),
    "orders_waiting_ack": Figure(
        "emag.order",
        ORDER_ACTION,
        lambda now, env: [
            ("order_type", "=", "seller"),
            ("emag_status", "=", str(order_status.NEW)),
            ("acknowledged_at", "=", False),
        ],
    ),
    # Accepted seller orders none of whose deliveries has an AWB yet.
    "orders_waiting_awb": Figure(
        "emag.order",
        ORDER_ACTION,
        lambda now, env: [
            ("order_type", "=", "seller"),
            ("emag_status", "in", (str(order_status.IN_PROGRESS), str(order_status.PREPARED))),
            "!",
            ("fulfilment_ids.awb_number", "!=", False),
        ],
    ),
    # The invoices of the last 30 days that are not on their eMAG order.
    "invoices_unattached": Figure(
        "emag.fulfilment",
        FULFILMENT_ACTION,
        lambda now, env: [
            ("create_date", ">=", now - ATTACHMENT_WINDOW),
            ("invoice_id", "!=", False),
            ("invoice_attached_at", "=", False),
        ],
    ),
}
OFFER_STATES = ("draft", "attention", "pending", "published", "rejected", "inactive")
for _state in OFFER_STATES:
    FIGURES[f"offers_{_state}"] = Figure(
        "emag.offer", OFFER_ACTION, lambda now, env, state=_state: [("state", "=", state)]
    )


def count(accounts, key, now):
    """``{account id: count}`` of figure ``key``, in one query."""
    figure = FIGURES[key]
    groups = accounts.env[figure.model]._read_group(
        figure.account_domain(accounts, now, accounts.env), ["account_id"], ["__count"]
    )
    return {account.id: total for account, total in groups}


def offer_states(accounts):
    """``{account id: {state: count}}``, in one query."""
    result = {account.id: dict.fromkeys(OFFER_STATES, 0) for account in accounts}
    groups = accounts.env["emag.offer"]._read_group(
        [("account_id", "in", accounts.ids)], ["account_id", "state"], ["__count"]
    )
    for account, state, total in groups:
        result[account.id][state] = total
    return result


def invoice_counts(accounts, now):
    """``{account id: (invoices, attached)}`` of the deliveries of the last 30 days.

    The attachment rate is ``attached / invoices``; an account without any
    invoice in the window has no rate, which is not the same as 0 %.
    """
    groups = accounts.env["emag.fulfilment"]._read_group(
        [
            ("account_id", "in", accounts.ids),
            ("create_date", ">=", now - ATTACHMENT_WINDOW),
            ("invoice_id", "!=", False),
        ],
        ["account_id"],
        ["__count", "invoice_attached_at:count"],
    )
    return {account.id: (total, attached) for account, total, attached in groups}


def last_stock_pushes(accounts):
    """``{account id: datetime}`` of the last call that carried stock to eMAG and succeeded.

    The API log is for managers; the moment of a call is not a secret, so it
    is read as superuser for the accounts the user sees.
    """
    groups = (
        accounts.env["emag.api.log"]
        .sudo()
        ._read_group(
            [
                ("account_id", "in", accounts.ids),
                ("success", "=", True),
                "|",
                ("route", "in", STOCK_ROUTES),
                ("route", "=like", f"{STOCK_ROUTE_PREFIX}%"),
            ],
            ["account_id"],
            ["create_date:max"],
        )
    )
    return {account.id: last for account, last in groups}


def action(account, key, now=None):
    """The list behind figure ``key`` of ``account``."""
    figure = FIGURES[key]
    env = account.env
    result = env["ir.actions.act_window"]._for_xml_id(figure.action)
    result["domain"] = figure.account_domain(account, now or fields.Datetime.now(), env)
    result["context"] = {"create": False}
    return result


def health(account, problems, now):
    """``(state, summary)`` of an account from its exception lines and its own facts.

    ``problems`` are the account's exception report lines; the account adds
    what only it knows: a failing connection, and order polls that stopped
    succeeding.
    """
    env = account.env
    severities = [line.severity for line in problems]
    if account.connection_state not in ("ok", "unknown"):
        severities.append(ERROR)
    checkpoint = account.order_checkpoint
    if (
        account.active
        and checkpoint
        and now - checkpoint
        > LATE_POLL_INTERVALS * timedelta(minutes=account.order_poll_interval) + LATE_POLL_GRACE
    ):
        severities.append(WARNING)
    errors, warnings = severities.count(ERROR), severities.count(WARNING)
    if errors:
        state = ERRORS
    elif warnings:
        state = WARNINGS
    else:
        return HEALTHY, env._("Healthy")
    parts = []
    if errors:
        parts.append(env._("Errors: %(count)s", count=errors))
    if warnings:
        parts.append(env._("Warnings: %(count)s", count=warnings))
    return state, " · ".join(parts)
