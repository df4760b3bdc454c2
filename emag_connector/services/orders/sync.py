"""Moving orders between eMAG and Odoo: polling, acknowledging, sweeping,
pushing status changes.

Network calls happen here, inside queue jobs, never in a user's click.
Every step can be repeated safely: imports are keyed by order, acknowledging
an order twice is a no-op on eMAG, a status change is read back before it is
sent again.
"""

import logging
from datetime import timedelta

from odoo import fields
from odoo.tools.translate import LazyTranslate

from odoo.addons.queue_job.exception import RetryableJobError

from ...lib.emag_api import (
    PLATFORMS,
    EmagError,
    EmagOutcomeUnknownError,
    EmagTransientError,
    EmagValidationError,
)
from . import status as order_status
from .importer import OrderImporter, dump_payload, payload_key
from .payload import modified_at

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

# Windows of order/read are at most one month on eMAG; stay below it.
MAX_WINDOW = timedelta(days=28)
# Re-read a little before the checkpoint: eMAG's clock, our clock and
# transactions in flight on either side never line up to the second.
OVERLAP = timedelta(minutes=10)
SELLER, FBE = 3, 2
# Pause before acknowledging the rest of a batch that met a network failure.
ACK_RETRY_SECONDS = 30
# Orders per import job: Odoo creates and confirms sale orders together for
# less than half the cost of one at a time; past twenty the gain is gone and
# a refused order would make a longer batch redo more work one by one.
IMPORT_BATCH = 20


def windows(start, end, size=MAX_WINDOW):
    """``(after, before)`` pairs covering ``[start, end]`` with at most ``size`` each."""
    result = []
    while start < end:
        stop = min(start + size, end)
        result.append((start, stop))
        start = stop
    return result


def order_types(account):
    """Order types to read: FBE orders only appear when asked for (``type: 2``)."""
    if account.fulfilment_type == "fbe":
        return (FBE,)
    return (SELLER, FBE) if account.fbe_warehouse_id else (SELLER,)


def _transient(error, what):
    """A retryable job error for a network problem (the job tries again later)."""
    return RetryableJobError(f"{what}: {error}", seconds=getattr(error, "retry_after", None))


def poll_orders(account, now=None):
    """Queue the import of every order created or modified since the checkpoint.

    The checkpoint moves only when every window was read: a failure leaves it
    where it was and the next run reads the same orders again (the imports
    are idempotent). Orders whose last read Odoo has already applied (the
    overlap reads them again) are left out. Returns the number of orders queued.
    """
    now = now or fields.Datetime.now()
    start = (account.order_checkpoint or now - timedelta(days=account.order_sweep_days)) - OVERLAP
    client = account._get_client()
    payloads = []
    try:
        for after, before in windows(start, now):
            for order_type in order_types(account):
                payloads.extend(
                    client.iter_orders(modifiedAfter=after, modifiedBefore=before, type=order_type)
                )
    except EmagTransientError as error:
        raise _transient(error, "Reading eMAG orders") from error
    fresh = unapplied(account, payloads)
    enqueue_imports(account, fresh)
    reread_incomplete(account, {payload_key(raw) for raw in fresh})
    account.order_checkpoint = now
    return len(fresh)


def reread_incomplete(account, queued):
    """Queue a fresh read of the orders waiting for eMAG to complete them.

    eMAG may fill in the customer's details without the order showing up in
    a window of modified orders, so a waiting order is never left to chance:
    each poll reads it again (``queued``: ids this poll imports anyway).
    """
    waiting = account.env["emag.order"].search(
        [
            ("account_id", "=", account.id),
            ("state", "=", "exception"),
            ("emag_incomplete", "=", True),
            ("sale_order_id", "=", False),
            ("emag_id", "not in", list(queued)),
        ]
    )
    for binding in waiting:
        account._emag_enqueue_import(binding.emag_id)


def unapplied(account, payloads):
    """The payloads Odoo has not applied yet: new orders, changed ones, and
    orders waiting in exception (a new read may now go through).

    A read is applied when the binding keeps exactly that payload, or a newer
    one. The modification time alone cannot tell: eMAG gives it to the second,
    and two changes within one second share it.
    """
    keys = [payload_key(raw) for raw in payloads]
    applied = {
        binding.emag_id: binding
        for binding in account.env["emag.order"].search(
            [
                ("account_id", "=", account.id),
                ("emag_id", "in", [key for key in keys if key]),
                ("state", "!=", "exception"),
            ]
        )
    }
    platform = PLATFORMS[account.platform]
    fresh = []
    for key, raw in zip(keys, payloads, strict=True):
        binding = applied.get(key)
        if binding:
            modified = modified_at(raw, platform)
            if modified and binding.emag_modified and modified < binding.emag_modified:
                continue
            if binding.payload == dump_payload(raw):
                continue
        fresh.append(raw)
    return fresh


def enqueue_imports(account, payloads):
    """Queue the import of these payloads, :data:`IMPORT_BATCH` per job."""
    for start in range(0, len(payloads), IMPORT_BATCH):
        account._emag_enqueue_imports(payloads[start : start + IMPORT_BATCH])


def import_order(account, emag_id, raw=None):
    """Import one order; read it from eMAG first when no payload is given."""
    importer = OrderImporter(account)
    if raw is None:
        raw = read_order(account, importer.client(), emag_id)
        if raw is None:
            _logger.info("eMAG order %s of %s not found on eMAG", emag_id, account.display_name)
            return account.env["emag.order"]
    binding = importer.import_order(emag_id, raw)
    if binding._emag_needs_acknowledgement():
        account._emag_enqueue_acknowledge()
    return binding


def import_orders(account, payloads):
    """Import a batch of order payloads (see :meth:`OrderImporter.import_orders`).

    Refused orders are parked by the importer and the batch goes on. An error
    nobody foresaw must not hold the other orders back either: the batch is
    then split into one job per order, and only the culprit's job fails, with
    its traceback, where an administrator looks for failed jobs.
    """
    try:
        with account.env.cr.savepoint():
            bindings = OrderImporter(account).import_orders(
                [(payload_key(raw), raw) for raw in payloads]
            )
    except RetryableJobError:
        raise
    except Exception:
        if len(payloads) < 2:
            raise
        _logger.exception(
            "Importing a batch of %d eMAG orders of %s failed; importing them one by one",
            len(payloads),
            account.display_name,
        )
        for raw in payloads:
            account._emag_enqueue_import(payload_key(raw), raw)
        return account.env["emag.order"]
    if any(binding._emag_needs_acknowledgement() for binding in bindings):
        account._emag_enqueue_acknowledge()
    return bindings


def read_order(account, client, emag_id):
    """The current payload of one order (seller or FBE), ``None`` when eMAG has none."""
    try:
        for order_type in order_types(account):
            found = client.read_orders(id=emag_id, type=order_type)
            if found:
                return found[0]
    except EmagTransientError as error:
        raise _transient(error, f"Reading eMAG order {emag_id}") from error
    return None


def awaiting_acknowledgement_domain():
    """Seller orders eMAG still shows as new that Odoo has taken in: confirmed,
    or canceled at the customer's request. The latter are acknowledged too:
    eMAG lets a new order leave "new" only by acknowledgement, and cancel it
    only after (doc §9.2), so without it the order stays new on eMAG for ever."""
    return [
        ("order_type", "=", "seller"),
        ("acknowledged_at", "=", False),
        ("emag_status", "=", str(order_status.NEW)),
        "|",
        ("sale_order_id.state", "=", "sale"),
        "&",
        ("cancellation_request", "!=", False),
        ("sale_order_id.state", "=", "cancel"),
    ]


def acknowledge_pending(account):
    """Acknowledge every confirmed, not yet acknowledged seller order of the
    account, then read them back to apply what eMAG staff changed before.

    Acknowledging again an order eMAG already moved on is a no-op there, so a
    crash between the acknowledgement and the commit is harmless. A network
    failure stops the run without failing the job, which would roll back the
    acknowledgements already made: the rest goes to a new job, after a pause.
    """
    bindings = account.env["emag.order"].search(
        [("account_id", "=", account.id), *awaiting_acknowledgement_domain()]
    )
    if not bindings:
        return 0
    client = account._get_client()
    started = fields.Datetime.now()
    interrupted = None
    for binding in bindings:
        try:
            client.acknowledge_order(int(binding.emag_id))
        except EmagTransientError as error:
            interrupted = error
            break
        except EmagValidationError as error:
            binding._emag_park(
                _lt("eMAG refused the acknowledgement: %(error)s", error=error.message)
            )
            continue
        binding.write(
            {
                "acknowledged_at": fields.Datetime.now(),
                "emag_status": str(order_status.IN_PROGRESS),
                "ack_overdue": False,
            }
        )
    # The acknowledgement bumps each order's modification time: one window
    # read brings them all back, with any edit made before it.
    importer = OrderImporter(account, client)
    acknowledged = set(bindings.filtered("acknowledged_at").mapped("emag_id"))
    try:
        for raw in client.iter_orders(modifiedAfter=started - OVERLAP, type=SELLER):
            key = payload_key(raw)
            if key in acknowledged:
                importer.import_order(key, raw)
    except EmagTransientError as error:
        # Acknowledged already; the next poll brings the edits back.
        _logger.info("Reading eMAG orders back after acknowledging failed: %s", error)
    if interrupted:
        _logger.info(
            "Acknowledging eMAG orders of %s interrupted (%s); the rest is queued again",
            account.display_name,
            interrupted,
        )
        account._emag_enqueue_acknowledge(
            eta=getattr(interrupted, "retry_after", None) or ACK_RETRY_SECONDS
        )
    return len(acknowledged)


def sweep_missed_orders(account, days=None, now=None):
    """Queue the import of orders eMAG has and Odoo does not, over the last days.

    Catches whatever a lost callback, a stuck job or a wrong checkpoint left
    behind. Returns the eMAG ids queued.
    """
    now = now or fields.Datetime.now()
    days = days or account.order_sweep_days
    client = account._get_client()
    seen = {}
    try:
        for after, before in windows(now - timedelta(days=days), now):
            for order_type in order_types(account):
                for raw in client.iter_orders(
                    createdAfter=after, createdBefore=before, type=order_type
                ):
                    seen[payload_key(raw)] = raw
    except EmagTransientError as error:
        raise _transient(error, "Sweeping eMAG orders") from error
    known = set(
        account.env["emag.order"]
        .search([("account_id", "=", account.id), ("emag_id", "in", list(seen))])
        .mapped("emag_id")
    )
    missing = [key for key in seen if key not in known]
    enqueue_imports(account, [seen[key] for key in missing])
    if missing:
        _logger.warning(
            "eMAG account %s: %d order(s) missing in Odoo queued for import",
            account.display_name,
            len(missing),
        )
    account._emag_enqueue_acknowledge()
    return missing


def push_status(binding, status, reason=None, now=None, automatic=False):
    """Set an order's status on eMAG, when the transition matrix allows it.

    The order is read first: eMAG wants the full object back, and its current
    status decides what is legal. After an unknown outcome the order is read
    again; only if the status did not change is the job retried. An
    ``automatic`` change (Odoo's own, forward only) the order has already
    reached or passed in Odoo's last read is dropped without a call.
    """
    if automatic and binding._emag_check_transition(status, now=now, automatic=True).noop:
        return True
    account = binding.account_id
    client = account._get_client()
    raw = read_order(account, client, binding.emag_id)
    if raw is None:
        binding._emag_park(_lt("The order no longer exists on eMAG."))
        return False
    current = int(raw.get("status"))
    verdict = binding._emag_check_transition(status, current=current, now=now, automatic=automatic)
    if verdict.noop:
        if current == status:
            binding.emag_status = str(status)
        return True
    if not verdict.allowed:
        binding._emag_flag(
            _lt("Not sent to eMAG: %(reason)s", reason=order_status.reason_text(verdict))
        )
        return False
    raw["status"] = status
    if status == order_status.CANCELED:
        raw["reason_cancellation"] = reason or order_status.CUSTOMER_REQUEST_REASON
    try:
        client.save_order(raw)
    except EmagOutcomeUnknownError as error:
        again = read_order(account, client, binding.emag_id)
        if not again or int(again.get("status")) != status:
            raise RetryableJobError(f"eMAG order {binding.emag_id}: {error}") from error
    except EmagTransientError as error:
        raise _transient(error, f"Updating eMAG order {binding.emag_id}") from error
    except EmagError as error:
        binding._emag_flag(_lt("eMAG refused the status change: %(error)s", error=error.message))
        return False
    values = {"emag_status": str(status)}
    if status == order_status.CANCELED:
        values["emag_canceled_at"] = now or fields.Datetime.now()
    binding.write(values)
    return True


def unacknowledged_domain(account, now):
    """Seller orders of ``account`` eMAG still shows as new, imported longer
    ago than the account's acknowledgement alarm allows."""
    return [
        ("account_id", "=", account.id),
        ("order_type", "=", "seller"),
        ("emag_status", "=", str(order_status.NEW)),
        ("acknowledged_at", "=", False),
        ("create_date", "<", now - timedelta(minutes=account.order_ack_alarm_minutes)),
    ]


def flag_unacknowledged(env, now=None):
    """Mark orders left unacknowledged longer than their account allows."""
    now = now or fields.Datetime.now()
    flagged = env["emag.order"]
    for account in env["emag.account"].search([]):
        late = env["emag.order"].search(
            [*unacknowledged_domain(account, now), ("ack_overdue", "=", False)]
        )
        for binding in late:
            binding._emag_raise_ack_alarm()
        flagged |= late
    return flagged
