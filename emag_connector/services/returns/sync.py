"""Moving returns between eMAG and Odoo: polling, importing, status pushes,
return AWBs.

Network calls happen here, inside queue jobs, never in a user's click.
``rma/save`` and ``awb/save`` are not idempotent; every push reads the
return first and sends only what is still missing, so a job repeated after
a crash or an unknown outcome converges instead of acting twice.
"""

import logging
from datetime import timedelta

from odoo import fields

from odoo.addons.queue_job.exception import RetryableJobError

from ...lib.emag_api import EmagError, EmagOutcomeUnknownError, EmagTransientError, parsing
from ..orders.sync import order_types
from . import status as rma_status
from .importer import RmaImporter
from .payload import fingerprint, payload_key

_logger = logging.getLogger(__name__)

# eMAG keeps returns filtered by creation date; read them in windows of this size.
WINDOW = timedelta(days=28)
# Read back a little before the checkpoint: eMAG's clock and ours differ.
CHECKPOINT_OVERLAP = timedelta(hours=1)


def _transient(error, what):
    return RetryableJobError(f"{what}: {error}", seconds=getattr(error, "retry_after", None))


def payload_version(raw):
    """What distinguishes two import jobs of one return: its payload's digest."""
    return fingerprint(raw)[:16] if isinstance(raw, dict) else "read"


def poll_returns(account, now=None):
    """Queue the import of every return opened in the look-back period that is
    new to Odoo or changed since the last read (seller returns, and FBE ones
    when the account has FBE stock). Returns the number queued.

    eMAG filters returns by creation date only, so each poll reads the whole
    look-back period again (a status change on an older return shows no
    other way); after an outage longer than that, it reads back to the
    account's checkpoint, which moves only when a poll went through.
    """
    now = now or fields.Datetime.now()
    start = now - timedelta(days=account.rma_lookback_days)
    if account.rma_checkpoint:
        start = min(start, account.rma_checkpoint - CHECKPOINT_OVERLAP)
    known = dict(
        account.env["emag.rma"]
        .search_fetch([("account_id", "=", account.id)], ["emag_id", "payload_digest", "state"])
        .filtered(lambda rma: rma.state != "exception")
        .mapped(lambda rma: (rma.emag_id, rma.payload_digest))
    )
    client = account._get_client()
    queued = 0
    try:
        while start < now:
            stop = min(start + WINDOW, now)
            for rma_type in order_types(account):
                for raw in client.iter_rmas(
                    date_start=_local(client, start),
                    date_end=_local(client, stop + timedelta(days=1)),
                    type=rma_type,
                ):
                    key = payload_key(raw)
                    if known.get(key) != fingerprint(raw):
                        account._emag_enqueue_rma_import(key, raw)
                        queued += 1
            start = stop
    except EmagTransientError as error:
        raise _transient(error, "Reading eMAG returns") from error
    account.rma_checkpoint = now
    return queued


def _local(client, moment):
    """A naive UTC datetime as eMAG's ``YYYY-mm-dd HH:ii:ss`` local time."""
    return parsing.format_datetime(moment, client.tz)


def read_rma(account, client, emag_id):
    """The current payload of one return, ``None`` when eMAG has none."""
    try:
        found = client.read_rmas(emag_id=int(emag_id))
    except EmagTransientError as error:
        raise _transient(error, f"Reading eMAG return {emag_id}") from error
    return found[0] if found else None


def import_rma(account, emag_id, raw=None):
    """Import one return; read it from eMAG first when no payload is given."""
    importer = RmaImporter(account)
    if raw is None:
        raw = read_rma(account, importer.client(), emag_id)
        if raw is None:
            _logger.info("eMAG return %s of %s not found", emag_id, account.display_name)
            return account.env["emag.rma"]
    return importer.import_rma(str(emag_id), raw)


def import_order_rmas(account, order_id):
    """Import every return eMAG has for one order."""
    client = account._get_client()
    try:
        payloads = list(client.iter_rmas(order_id=int(order_id)))
    except EmagTransientError as error:
        raise _transient(error, f"Reading the returns of eMAG order {order_id}") from error
    importer = RmaImporter(account, client)
    return [importer.import_rma(payload_key(raw), raw) for raw in payloads]


# --------------------------------------------------------------------- status


def _save(rma, client, values):
    """One ``rma/save`` of ``values``; ``True`` when it surely took effect,
    ``False`` when the outcome is unknown (read back before anything else)."""
    payload = {
        "emag_id": int(rma.emag_id),
        "order_id": int(rma.order_emag_id),
        "type": 2 if rma.rma_type == "fbe" else 3,
        **values,
    }
    try:
        client.save_rma(payload)
    except EmagOutcomeUnknownError:
        return False
    return True


def push_status(rma, target, now=None):
    """Move a seller return to ``target`` on eMAG, one legal step at a time.

    The return is read first: its status on eMAG decides the steps. After an
    unknown outcome it is read again; only when the step did not happen is
    the job retried. A refusal by eMAG parks the return with its message.
    """
    env = rma.env
    if not rma._emag_is_seller():
        return False
    account = rma.account_id
    client = account._get_client()
    raw = read_rma(account, client, rma.emag_id)
    if raw is None:
        rma._emag_park(env._("The return no longer exists on eMAG."))
        return False
    current = int(raw.get("request_status") or 0)
    plan = rma_status.plan(current, target, rma._emag_facts())
    if not plan.allowed:
        rma.emag_status = str(current)
        rma._emag_flag(env._("Not sent to eMAG: %(reason)s", reason=plan.reason))
        return False
    for step in plan.steps:
        values = {"request_status": step}
        if step == rma_status.REFUSED and rma.refuse_reason:
            values["products"] = [
                {"id": int(line.emag_line_id), "reject_reason": rma.refuse_reason}
                for line in rma.line_ids
                if line.emag_line_id
            ]
        try:
            done = _save(rma, client, values)
        except EmagTransientError as error:
            raise _transient(error, f"Updating eMAG return {rma.emag_id}") from error
        except EmagError as error:
            rma._emag_park(env._("eMAG refused the status change: %(error)s", error=error.message))
            return False
        if not done:
            again = read_rma(account, client, rma.emag_id)
            if not again or int(again.get("request_status") or 0) != step:
                raise RetryableJobError(f"eMAG return {rma.emag_id}: status {step} not confirmed")
        rma.emag_status = str(step)
    return True


# ------------------------------------------------------------------------ AWB


def _digits(phone):
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-11:] if len(digits) >= 8 else ""


def return_address(rma):
    """The seller's saved eMAG address the goods of ``rma`` go back to: the one
    eMAG names on the return, else the account's return address."""
    account = rma.account_id
    if rma.return_address_emag_id:
        named = rma.env["emag.pickup.address"].search(
            [("account_id", "=", account.id), ("emag_id", "=", rma.return_address_emag_id)],
            limit=1,
        )
        if named:
            return named
    return account.return_address_id


def _customer_party(rma):
    """The customer of a return as an AWB party: where eMAG's courier picks
    the goods up, and where a replacement goes."""
    return {
        "name": rma.customer_name,
        "contact": rma.customer_name,
        "phone1": _digits(rma.customer_phone),
        "locality_id": int(rma.pickup_locality_id or 0),
        "street": (rma.pickup_address or "").splitlines()[0] if rma.pickup_address else "",
    }


def _seller_party(rma, address):
    """The seller as an AWB party at one of its saved eMAG addresses (its
    ``address_id`` stands for the address fields on eMAG's side, which are
    sent along for the label)."""
    account = rma.account_id
    company = account.company_id
    return {
        "name": company.name,
        "contact": account.pickup_contact or company.name,
        "phone1": _digits(account.pickup_phone or company.phone),
        "legal_entity": 1,
        "address_id": address.emag_id or "",
        "locality_id": address.locality_id,
        "street": address.street or "",
        "zipcode": address.zipcode or "",
    }


def _awb_request(rma, sender, receiver, pickup_date, parcels, weight):
    return {
        "rma_id": int(rma.emag_id),
        "date": fields.Date.to_string(pickup_date),
        "sender": sender,
        "receiver": receiver,
        "is_oversize": 0,
        "envelope_number": 0,
        "parcel_number": parcels,
        "weight": weight,
        "cod": 0,
        "pickup_and_return": 0,
    }


def return_awb_payload(rma, pickup_date, parcels, weight):
    """The ``awb/save`` request of a return: from the customer's pickup address
    to the seller's saved return address."""
    return _awb_request(
        rma,
        _customer_party(rma),
        _seller_party(rma, return_address(rma)),
        pickup_date,
        parcels,
        weight,
    )


def replacement_awb_payload(rma, pickup_date, parcels, weight):
    """The ``awb/save`` request of a replacement: from the seller's pickup
    address to the customer, under the return's ``rma_id``."""
    return _awb_request(
        rma,
        _seller_party(rma, rma.account_id.pickup_address_id),
        _customer_party(rma),
        pickup_date,
        parcels,
        weight,
    )


def return_address_problems(rma):
    """What is missing to issue a return AWB, in plain words (empty when nothing)."""
    env = rma.env
    receiver = return_awb_payload(rma, fields.Date.today(), 1, 1.0)["receiver"]
    problems = []
    if not receiver["address_id"]:
        problems.append(
            env._(
                "a return address on the eMAG account (read the couriers and addresses "
                "from eMAG, then choose one)"
            )
        )
    if not receiver["phone1"]:
        problems.append(env._("a sender phone on the eMAG account or the company"))
    return problems


def issue_return_awb(rma, pickup_date, parcels=1, weight=1.0):
    """Issue the return AWB of ``rma`` at most once (see :func:`issue_awb_once`)."""
    env = rma.env
    if rma.awb_state == "issued":
        return True
    rma.awb_state = "requested"
    issued = issue_awb_once(
        rma, return_awb_payload(rma, pickup_date, parcels, weight), known=frozenset()
    )
    if isinstance(issued, str):
        rma.awb_state = False
        rma._emag_flag(env._("eMAG refused the return AWB: %(error)s", error=issued))
        return False
    if issued is None:
        rma.awb_state = False
        return False
    reservation_id, numbers = issued
    rma.write(
        {
            "awb_state": "issued",
            "awb_reservation_id": str(reservation_id or ""),
            "awb_emag_id": str(numbers.get("emag_id") or ""),
            "awb_number": numbers.get("awb_number") or "",
            "awb_pickup_date": pickup_date,
        }
    )
    rma.message_post(body=env._("Return AWB %(awb)s issued.", awb=numbers.get("awb_number") or ""))
    return True


def issue_awb_once(rma, request, known):
    """Send one ``awb/save`` of ``request`` for ``rma``, never twice.

    ``awb/save`` is not idempotent: before every attempt the return is read,
    and an AWB eMAG lists on it beyond the reservations in ``known`` (from an
    earlier attempt whose answer was lost, or arranged on eMAG's side) is
    adopted instead of asking again. After an unknown outcome the return is
    read again; only when it still lists none is the job retried.

    :return: ``(reservation id, {emag_id, awb_number})``; the refusal's
        message (``str``) when eMAG refused; ``None`` when the return is gone
        (it is parked)
    """
    env = rma.env
    account = rma.account_id
    client = account._get_client()
    raw = read_rma(account, client, rma.emag_id)
    if raw is None:
        rma._emag_park(env._("The return no longer exists on eMAG."))
        return None
    listed = [r for r in _reservations(raw) if r not in known]
    if listed:
        return _adopted(rma, client, listed[-1])
    try:
        result = client.save_awb(request)
    except EmagOutcomeUnknownError as error:
        listed = [
            r for r in _reservations(read_rma(account, client, rma.emag_id)) if r not in known
        ]
        if listed:
            return _adopted(rma, client, listed[-1])
        raise RetryableJobError(f"eMAG return {rma.emag_id}: no AWB after {error}") from error
    except EmagTransientError as error:
        raise _transient(error, f"Issuing an AWB of return {rma.emag_id}") from error
    except EmagError as error:
        return error.message
    return result.get("reservation_id"), (result.get("awb") or [{}])[0]


def _reservations(raw):
    """The AWB reservations eMAG lists on a return payload, oldest first."""
    awbs = (raw or {}).get("awbs") or []
    return sorted(
        int(awb["reservation_id"])
        for awb in awbs
        if isinstance(awb, dict) and awb.get("reservation_id") not in (None, "")
    )


def listed_reservations(rma):
    """The AWB reservations eMAG lists on ``rma`` now."""
    account = rma.account_id
    return _reservations(read_rma(account, account._get_client(), rma.emag_id))


def _adopted(rma, client, reservation_id):
    try:
        found = client.read_awb(reservation_id=int(reservation_id))
    except EmagTransientError as error:
        raise _transient(error, f"Reading the AWB of return {rma.emag_id}") from error
    awb = found[0] if found else {}
    return reservation_id, (awb.get("awb") or [{}])[0]
