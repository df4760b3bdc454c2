"""The exception report: everything of the eMAG channel that waits for a person.

The channel is healthy when this report is empty. Each problem is one
:class:`ExceptionLine` pointing at the record to look at and the action that
moves it on. Lines are derived from the records' own state every time they
are collected, so a problem that is fixed (the order re-imported, the offer
accepted, the job done) is simply not collected again.

Public API (stable; the dashboard's health badge calls it)::

    collect(env, accounts=None, now=None) -> list[ExceptionLine]

* ``accounts``: the ``emag.account`` records to report on; ``None`` means
  every account the user of ``env`` can see (record rules apply), plus the
  failed eMAG jobs of their companies that belong to no account.
* ``now``: the moment thresholds are measured from (tests); default now.
* Lines are sorted errors first, then oldest first. Records in a line are
  read as superuser (an eMAG user must see the jobs that failed for them).

Each line carries ``kind`` (see :data:`KINDS`), ``severity`` (``"error"``
or ``"warning"``), ``account`` (an ``emag.account``, empty for a job of no
account), ``record`` (the record to open; ``record._name``/``record.id``),
``message`` (short, plain words), ``action_label`` and ``action_method``
(the method of ``record`` that is the next step: an ``action_*`` one, or
``requeue`` for a job; ``None`` when the next step is for a person on the
record itself) and
``since`` (when the problem began, as far as it is known).

Other addons add kinds by extending ``emag.exception._exception_collectors``
(see ``l10n_ro_efactura_bridge``): a collector is a callable
``collector(scope) -> iterable of ExceptionLine`` given a :class:`Scope`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from odoo import fields

from ..common.labels import selection_label
from ..offers.stock import live_offers, product_allocations
from ..orders import status as order_status
from ..orders import sync as order_sync
from ..returns import status as rma_status

ERROR, WARNING = "error", "warning"

KINDS = [
    ("offer", "Offer rejected or needing attention"),
    ("offer_unlinked", "Offer on eMAG unknown to Odoo"),
    ("stock_hidden", "In stock, offered nowhere"),
    ("order_exception", "Order in exception"),
    ("order_unacknowledged", "Order not acknowledged"),
    ("order_stuck", "Order stuck in an eMAG status"),
    ("order_deadline", "Order near its shipping deadline"),
    ("fulfilment", "Fulfilment step failed"),
    ("invoice_unattached", "Invoice not attached to eMAG"),
    ("return", "Return waiting"),
    ("job", "Failed eMAG job"),
]

EMAG_CHANNEL = "root.emag"
MESSAGE_CHARS = 300

# eMAG statuses in which a seller order still has to reach "finalized".
OPEN_STATUSES = (
    str(order_status.NEW),
    str(order_status.IN_PROGRESS),
    str(order_status.PREPARED),
)


@dataclass(frozen=True)
class ExceptionLine:
    """One problem: what it is, how bad, where, and what to do next."""

    kind: str
    severity: str
    account: object
    record: object
    message: str
    action_label: str
    action_method: str | None = None
    since: datetime | None = None

    @property
    def key(self):
        """Identifies the problem across collections (one line per kind and record)."""
        return f"{self.kind}:{self.record._name}:{self.record.id}"


@dataclass(frozen=True)
class Scope:
    """What a collector reports on.

    :ivar env: superuser environment
    :ivar accounts: ``emag.account`` records (superuser)
    :ivar companies: companies whose account-less jobs are reported (empty:
        none, when specific accounts were asked for)
    :ivar now: the moment thresholds are measured from
    """

    env: object
    accounts: object
    companies: object
    now: datetime

    def older_than(self, hours):
        return self.now - timedelta(hours=hours)


def short(text):
    """``text`` on one line, cut to fit a list cell and a line of the digest."""
    text = " ".join((text or "").split())
    if len(text) > MESSAGE_CHARS:
        text = text[: MESSAGE_CHARS - 1] + "…"
    return text


def collect(env, accounts=None, now=None):
    """The open problems of ``accounts`` (see the module docstring)."""
    if accounts is None:
        accounts = env["emag.account"].search([])
        companies = accounts.company_id
    else:
        companies = env["res.company"]
    scope = Scope(
        env=env(su=True),
        accounts=accounts.sudo(),
        companies=companies.sudo(),
        now=now or fields.Datetime.now(),
    )
    lines = {}
    for collector in env["emag.exception"]._exception_collectors():
        for line in collector(scope):
            lines.setdefault(line.key, line)
    for line in failed_jobs(scope, [EMAG_CHANNEL], lines.values()):
        lines.setdefault(line.key, line)
    lines = list(lines.values())
    lines.sort(key=lambda line: (line.severity != ERROR, line.since or scope.now, line.key))
    return lines


# ---------------------------------------------------------------- collectors


def offers(scope):
    """Offers eMAG rejected, or that our checks stopped before sending."""
    found = scope.env["emag.offer"].search(
        [("account_id", "in", scope.accounts.ids), ("state", "in", ("attention", "rejected"))]
    )
    for offer in found:
        rejected = offer.state == "rejected"
        yield ExceptionLine(
            kind="offer",
            severity=ERROR if rejected else WARNING,
            account=offer.account_id,
            record=offer,
            message=short(offer.state_reason)
            or (scope.env._("Rejected by eMAG.") if rejected else scope.env._("Needs attention.")),
            action_label=scope.env._("Fix, then send again"),
            action_method="action_retry",
            since=offer.last_answer_at or offer.write_date,
        )


def unlinked_offers(scope):
    """Offers found on eMAG after the takeover (added by hand) that Odoo cannot link."""
    found = scope.env["emag.offer.takeover"].search(
        [
            ("account_id", "in", scope.accounts.ids),
            ("found_later", "=", True),
            ("state", "in", ("ambiguous", "unmatched", "matched")),
        ]
    )
    for line in found:
        yield ExceptionLine(
            kind="offer_unlinked",
            severity=WARNING,
            account=line.account_id,
            record=line,
            message=short(
                scope.env._(
                    "eMAG offer %(id)s (%(name)s) is not linked to a product: %(note)s",
                    id=line.seller_product_id,
                    name=line.part_number or line.name,
                    note=line.note or scope.env._("choose its product."),
                )
            ),
            action_label=scope.env._("Match, create the product or ignore"),
            since=line.create_date,
        )


def hidden_stock(scope):
    """Products with free units that no eMAG account offers: buffers, fixed
    shares or a low-stock priority whose first account cannot show them."""
    sellers = scope.accounts.filtered(
        lambda account: account.fulfilment_type == "seller" and account.warehouse_id
    )
    if not sellers:
        return
    for row in product_allocations(scope.env, live_offers(scope.env, sellers)):
        mine = [
            offer for offer, _allocation, _quantity in row.offers if offer.account_id in sellers
        ]
        if not row.hidden or not mine:
            continue
        yield ExceptionLine(
            kind="stock_hidden",
            severity=WARNING,
            account=mine[0].account_id,
            record=row.product,
            message=short(
                scope.env._(
                    "Free in %(warehouse)s: %(free)s, offered on no eMAG account: "
                    "buffers or the stock allocation keep it back.",
                    free=int(row.free),
                    warehouse=row.warehouse.name,
                )
            ),
            action_label=scope.env._("Check the accounts' stock allocation and buffers"),
        )


def orders(scope):
    """Orders in exception, unacknowledged, stuck in a status, or near their deadline."""
    Order = scope.env["emag.order"]
    base = [("account_id", "in", scope.accounts.ids)]
    for binding in Order.search(base + [("state", "=", "exception")]):
        yield ExceptionLine(
            kind="order_exception",
            severity=ERROR,
            account=binding.account_id,
            record=binding,
            message=short(binding.message) or scope.env._("The order could not be imported."),
            action_label=scope.env._("Retry"),
            action_method="action_retry",
            since=binding.write_date,
        )
    open_seller = base + [
        ("order_type", "=", "seller"),
        ("state", "=", "imported"),
        ("emag_status", "in", OPEN_STATUSES),
    ]
    for account in scope.accounts:
        late = Order.search(
            [*order_sync.unacknowledged_domain(account, scope.now), ("state", "=", "imported")]
        )
        for binding in late:
            confirmed = binding.sale_order_id.state == "sale"
            yield ExceptionLine(
                kind="order_unacknowledged",
                severity=ERROR,
                account=account,
                record=binding,
                message=scope.env._(
                    "Not acknowledged on eMAG since %(minutes)s minutes or more.",
                    minutes=account.order_ack_alarm_minutes,
                )
                if confirmed
                else scope.env._(
                    "The sale order is not confirmed, so eMAG is not told it was received."
                ),
                action_label=scope.env._("Read again and acknowledge")
                if confirmed
                else scope.env._("Confirm"),
                action_method="action_retry" if confirmed else "action_view_sale_order",
                since=binding.emag_date or binding.create_date,
            )
    yield from _stuck_orders(scope, open_seller)
    yield from _deadline_orders(scope, open_seller)


def _stuck_orders(scope, open_seller):
    """Orders without any change on eMAG for longer than their status allows.

    eMAG bumps an order's modification time on every change, status
    included: no change for that long in "in progress" or "prepared" means
    the order is not moving.
    """
    for account in scope.accounts:
        for status, hours in account._emag_stuck_thresholds().items():
            if not hours:
                continue
            stuck = scope.env["emag.order"].search(
                [
                    *open_seller,
                    ("account_id", "=", account.id),
                    ("emag_status", "=", str(status)),
                    ("emag_modified", "<", scope.older_than(hours)),
                ]
            )
            for binding in stuck:
                yield ExceptionLine(
                    kind="order_stuck",
                    severity=WARNING,
                    account=account,
                    record=binding,
                    message=scope.env._(
                        "%(status)s on eMAG for more than %(hours)s hours.",
                        status=order_status.status_label(scope.env, status),
                        hours=hours,
                    ),
                    action_label=scope.env._("Open the sale order"),
                    action_method="action_view_sale_order",
                    since=binding.emag_modified,
                )


def _deadline_orders(scope, open_seller):
    """Orders not finalized that eMAG wants shipped soon, or already too late."""
    for account in scope.accounts:
        horizon = scope.now + timedelta(hours=account.exception_deadline_hours)
        near = scope.env["emag.order"].search(
            [
                *open_seller,
                ("account_id", "=", account.id),
                ("emag_shipment_deadline", "!=", False),
                ("emag_shipment_deadline", "<", horizon),
            ]
        )
        for binding in near:
            deadline = binding.emag_shipment_deadline
            late = deadline <= scope.now
            when = fields.Datetime.to_string(deadline)
            yield ExceptionLine(
                kind="order_deadline",
                severity=ERROR if late else WARNING,
                account=account,
                record=binding,
                message=scope.env._("eMAG's shipping deadline passed at %(when)s (UTC).", when=when)
                if late
                else scope.env._("eMAG's shipping deadline is %(when)s (UTC).", when=when),
                action_label=scope.env._("Open the sale order"),
                action_method="action_view_sale_order",
                since=deadline,
            )


def fulfilments(scope):
    """Pipeline steps that failed or stopped, and invoices that never reached eMAG."""
    Fulfilment = scope.env["emag.fulfilment"]
    base = [("account_id", "in", scope.accounts.ids)]
    for fulfilment in Fulfilment.search(base + [("state", "in", ("failed", "stopped"))]):
        failed = fulfilment.state == "failed"
        step = fulfilment._current_step()
        label = selection_label(scope.env, step._name, "code", step.code) if step.code else ""
        why = fulfilment.status_message or ""
        yield ExceptionLine(
            kind="fulfilment",
            severity=ERROR,
            account=fulfilment.account_id,
            record=fulfilment,
            message=short(f"{label}: {why}" if label else why),
            action_label=scope.env._("Retry") if failed else scope.env._("Open the delivery"),
            action_method="action_retry" if failed else None,
            since=fulfilment.write_date,
        )
    for account in scope.accounts:
        unattached = Fulfilment.search(
            [
                ("account_id", "=", account.id),
                ("state", "not in", ("failed", "stopped")),
                ("invoice_id.state", "=", "posted"),
                ("invoice_attached_at", "=", False),
                ("create_date", "<", scope.older_than(account.exception_attach_hours)),
            ]
        )
        for fulfilment in unattached:
            yield ExceptionLine(
                kind="invoice_unattached",
                severity=WARNING,
                account=account,
                record=fulfilment,
                message=short(
                    scope.env._(
                        "Invoice %(invoice)s is not on the eMAG order yet. %(why)s",
                        invoice=fulfilment.invoice_id.name,
                        why=fulfilment.status_message or "",
                    )
                ),
                # A waiting step can be run again now; a running pipeline whose
                # job got lost is resumed by the fulfilment watchdog.
                action_label=scope.env._("Retry")
                if fulfilment.state == "waiting"
                else scope.env._("Open the delivery"),
                action_method="action_retry" if fulfilment.state == "waiting" else None,
                since=fulfilment.create_date,
            )


def returns(scope):
    """Returns in exception, left for a person, new and untouched, or received
    and not finished on eMAG."""
    Rma = scope.env["emag.rma"]
    base = [("account_id", "in", scope.accounts.ids)]
    for rma in Rma.search(base + [("state", "=", "exception")]):
        yield ExceptionLine(
            kind="return",
            severity=ERROR,
            account=rma.account_id,
            record=rma,
            message=short(rma.message) or scope.env._("The return could not be imported."),
            action_label=scope.env._("Retry"),
            action_method="action_retry",
            since=rma.write_date,
        )
    seller = base + [("rma_type", "=", "seller"), ("state", "=", "imported")]
    for rma in Rma.search(seller + [("order_update", "=", "flagged")]):
        yield ExceptionLine(
            kind="return",
            severity=ERROR,
            account=rma.account_id,
            record=rma,
            message=short(rma.message)
            or scope.env._(
                "The eMAG order could not be updated for this return: it needs a person."
            ),
            action_label=scope.env._("Open the return"),
            since=rma.received_at or rma.write_date,
        )
    closed = [str(status) for status in rma_status.CLOSED]
    for account in scope.accounts:
        limit = scope.older_than(account.exception_return_hours)
        mine = [("account_id", "=", account.id), *seller[1:]]
        untouched = Rma.search(
            [*mine, ("emag_status", "=", str(rma_status.NEW)), ("emag_date", "<", limit)]
        )
        for rma in untouched:
            yield ExceptionLine(
                kind="return",
                severity=WARNING,
                account=account,
                record=rma,
                message=scope.env._(
                    "New return not handled for %(hours)s hours or more.",
                    hours=account.exception_return_hours,
                ),
                action_label=scope.env._("Open the return"),
                since=rma.emag_date,
            )
        unfinished = Rma.search(
            [
                *mine,
                ("received_at", "<", limit),
                ("emag_status", "not in", closed),
                ("order_update", "!=", "flagged"),
            ]
        )
        for rma in unfinished:
            to_ship = rma.replacement_picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            if to_ship:
                # An exchange waits for the warehouse, not for eMAG: Retry would not help.
                message = scope.env._(
                    "The goods came back; the replacement %(pickings)s is not shipped yet.",
                    pickings=", ".join(to_ship.mapped("name")),
                )
                action = (scope.env._("Open the return"), None)
            else:
                message = scope.env._(
                    "The goods came back; the return is not finished on eMAG yet."
                )
                action = (scope.env._("Retry"), "action_retry")
            yield ExceptionLine(
                kind="return",
                severity=WARNING,
                account=account,
                record=rma,
                message=message,
                action_label=action[0],
                action_method=action[1],
                since=rma.received_at,
            )


def failed_jobs(scope, channels, known=()):
    """Failed queue jobs of ``channels`` (and their sub-channels).

    A job whose record already has a line (a fulfilment marked failed when
    its step's job gave up) is not listed twice.
    """
    listed = {(line.record._name, line.record.id) for line in known}
    channel_domain = []
    for channel in channels:
        channel_domain = (["|"] if channel_domain else []) + channel_domain
        channel_domain += ["|", ("channel", "=", channel), ("channel", "=like", f"{channel}.%")]
    jobs = scope.env["queue.job"].search(
        [("state", "=", "failed"), *channel_domain], order="date_created"
    )
    Account = scope.env["emag.account"]
    for job in jobs:
        records = job.records.sudo()
        if any((records._name, record_id) in listed for record_id in records.ids):
            continue
        account = job_account(records)
        if account:
            if account not in scope.accounts:
                continue
        elif job.company_id not in scope.companies:
            continue
        yield ExceptionLine(
            kind="job",
            severity=ERROR,
            account=account or Account,
            record=job,
            message=short(f"{job.name}: {job.exc_message or job.exc_name or ''}"),
            action_label=scope.env._("Requeue"),
            action_method="requeue",
            since=job.date_done or job.date_created,
        )


def job_account(records):
    """The eMAG account a job worked for, as far as its records tell.

    Models whose records lead to an account some other way (invoices) say it
    with an ``_emag_exception_account`` method.
    """
    if hasattr(records, "_emag_exception_account"):
        return records._emag_exception_account()
    if records._name == "emag.account":
        return records[:1]
    if "account_id" in records._fields and records._fields["account_id"].comodel_name == (
        "emag.account"
    ):
        return records.account_id[:1]
    return records.env["emag.account"]


COLLECTORS = (offers, unlinked_offers, hidden_stock, orders, fulfilments, returns)
