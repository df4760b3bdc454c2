"""Orders: the status machine, order/read|count|save, acknowledge, attachments.

The transition matrix of doc §9.2 is kept as data (``ORDER_STATUS_TRANSITIONS``)
so that tests can be generated from it and the rules cannot drift from the
checks. The edit rules of §9.10 (what may change in which status, partial
storno) are enforced in ``order_save``.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from .nomenclatures import CANCELLATION_REASONS, VAT_RATES
from .protocol import (
    ApiError,
    as_bool,
    as_decimal,
    as_int,
    as_int_list,
    count_result,
    error,
    fmt_datetime,
    money,
    ok,
    paginate,
    parse_datetime,
)
from .store import OrderRecord

CANCELED, NEW, IN_PROGRESS, PREPARED, FINALIZED, RETURNED = 0, 1, 2, 3, 4, 5
ORDER_STATUSES = {
    CANCELED: "canceled",
    NEW: "new",
    IN_PROGRESS: "in progress",
    PREPARED: "prepared",
    FINALIZED: "finalized",
    RETURNED: "returned",
}
FBE, SELLER = 2, 3
CARD = 3  # payment_mode_id of online card payments


@dataclass(frozen=True)
class TransitionRule:
    """One allowed cell of the §9.2 matrix.

    ``via`` names the only route able to make the move. ``window_from`` names
    the instant the time limit starts from ("finalization" or "cancellation");
    ``window`` is a timedelta or the string "return_period" (the account's
    customer return period plus 5 days). ``noop`` marks the diagonal.
    """

    via: str = "order/save"
    window_from: str = None
    window: object = None
    noop: bool = False


_48H = timedelta(hours=48)

# Allowed (current, requested) pairs; every pair missing here is refused.
ORDER_STATUS_TRANSITIONS = {
    (NEW, IN_PROGRESS): TransitionRule(via="order/acknowledge"),
    (IN_PROGRESS, IN_PROGRESS): TransitionRule(noop=True),
    (IN_PROGRESS, PREPARED): TransitionRule(),
    (IN_PROGRESS, FINALIZED): TransitionRule(),
    (IN_PROGRESS, CANCELED): TransitionRule(),
    (PREPARED, PREPARED): TransitionRule(noop=True),
    (PREPARED, FINALIZED): TransitionRule(),
    (PREPARED, CANCELED): TransitionRule(),
    (FINALIZED, PREPARED): TransitionRule(window_from="finalization", window=_48H),
    (FINALIZED, FINALIZED): TransitionRule(noop=True),
    (FINALIZED, CANCELED): TransitionRule(window_from="finalization", window=_48H),
    (FINALIZED, RETURNED): TransitionRule(window_from="finalization", window="return_period"),
    (CANCELED, IN_PROGRESS): TransitionRule(window_from="cancellation", window=_48H),
    (CANCELED, PREPARED): TransitionRule(window_from="cancellation", window=_48H),
    (CANCELED, FINALIZED): TransitionRule(window_from="cancellation", window=_48H),
    (CANCELED, CANCELED): TransitionRule(noop=True),
}


def transition_window(rule, account):
    """The time limit of a rule as a timedelta (None when unlimited)."""
    if rule.window == "return_period":
        return timedelta(days=account.return_period_days + 5)
    return rule.window


def check_transition(account, record, new_status, via="order/save"):
    """Raise ApiError unless ``record`` may move to ``new_status`` through ``via``."""
    current = record.status
    rule = ORDER_STATUS_TRANSITIONS.get((current, new_status))
    if rule is None:
        raise ApiError(
            f"Order {record.id}: the status cannot be changed from {current} "
            f"({ORDER_STATUSES[current]}) to {new_status} ({ORDER_STATUSES[new_status]})"
        )
    if rule.via != via:
        raise ApiError(f"Order {record.id}: status {new_status} can only be set through {rule.via}")
    if rule.window_from:
        started = record.finalized_at if rule.window_from == "finalization" else record.canceled_at
        if started is None or account.now() > started + transition_window(rule, account):
            raise ApiError(
                f"Order {record.id}: the time allowed after {rule.window_from} to change the "
                f"status from {current} to {new_status} has passed"
            )


# ------------------------------------------------------------------------ mutation


def touch(account, record, *lines):
    """Bump ``modified`` (the incremental-sync key) on the order and given lines."""
    stamp = fmt_datetime(account.now())
    record.data["modified"] = stamp
    for line in lines:
        line["modified"] = stamp
    refresh_editable(record)


def refresh_editable(record):
    """``has_editable_products``: lines can change in status 2/3, except card orders."""
    record.data["has_editable_products"] = int(
        record.status in (IN_PROGRESS, PREPARED) and record.data.get("payment_mode_id") != CARD
    )


def set_status(account, record, new_status, reason_id=None):
    """Apply a status change with its side effects on dates and reasons."""
    old = record.status
    if new_status == old:
        return
    now = account.now()
    data = record.data
    data["status"] = new_status
    if new_status == CANCELED:
        record.canceled_at = now
        data["reason_cancellation"] = cancellation_reason(reason_id)
    if old == CANCELED:
        record.canceled_at = None
        data["reason_cancellation"] = None
    if new_status == FINALIZED:
        record.finalized_at = now
        data["finalization_date"] = fmt_datetime(now)
    elif old == FINALIZED and new_status == PREPARED:
        record.finalized_at = None
        data["finalization_date"] = None


def cancellation_reason(reason_id):
    """``reason_cancellation`` as production emits it: ``{id, name}``."""
    return {"id": reason_id, "name": CANCELLATION_REASONS[reason_id]} if reason_id else None


def register_order(state, account, data, finalized_at=None, canceled_at=None):
    """Store a freshly generated order and announce it to the callback dispatcher."""
    record = OrderRecord(data=data, finalized_at=finalized_at, canceled_at=canceled_at)
    account.orders[record.id] = record
    refresh_editable(record)
    if record.status == NEW and record.data["type"] == SELLER and state.callbacks:
        state.callbacks.order_created(account, record.id)
    return record


def finalize_by_awb(account, record):
    """Issuing the first AWB finalizes the order (doc §11)."""
    if record.status != FINALIZED:
        set_status(account, record, FINALIZED)
        touch(account, record)


# ---------------------------------------------------------------------------- reads


def _one_month_after(moment):
    month = moment.month % 12 + 1
    year = moment.year + (moment.month == 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def _date_window(filters, after_key, before_key, enforce):
    after = parse_datetime(filters[after_key], after_key) if filters.get(after_key) else None
    before = parse_datetime(filters[before_key], before_key) if filters.get(before_key) else None
    if before and not after:
        raise ApiError(f"{before_key} requires {after_key}")
    if after and before:
        if before < after:
            raise ApiError(f"{before_key} must be after {after_key}")
        if enforce and before > _one_month_after(after):
            raise ApiError(
                f"The interval between {after_key} and {before_key} must be at most one month"
            )
    return after, before


def _matching_orders(state, account, filters):
    records = list(account.orders.values())
    if "id" in filters:
        wanted = as_int(filters["id"], "id")
        records = [r for r in records if r.id == wanted]
    order_type = as_int(filters.get("type", SELLER), "type", 2, 3)
    records = [r for r in records if r.data["type"] == order_type]
    if "status" in filters:
        statuses = as_int_list(filters["status"], "status")
        records = [r for r in records if r.status in statuses]
    if "payment_mode_id" in filters:
        modes = as_int_list(filters["payment_mode_id"], "payment_mode_id")
        records = [r for r in records if r.data["payment_mode_id"] in modes]
    if "is_complete" in filters:
        wanted = as_int(filters["is_complete"], "is_complete", 0, 1)
        records = [r for r in records if r.data["is_complete"] == wanted]
    for field, after_key, before_key in (
        ("created", "createdAfter", "createdBefore"),
        ("modified", "modifiedAfter", "modifiedBefore"),
    ):
        after, before = _date_window(filters, after_key, before_key, state.enforce_date_window)
        if after:
            records = [r for r in records if parse_datetime(r.data[field], field) >= after]
        if before:
            records = [r for r in records if parse_datetime(r.data[field], field) <= before]
    records.sort(key=lambda r: (r.data["date"], r.id), reverse=True)
    return records


def order_read(ctx):
    filters = ctx.filters()
    records = _matching_orders(ctx.state, ctx.account, filters)
    page = paginate(records, filters, ctx.state.max_items_per_page)
    return ok([ctx.state.snapshot(r.data) for r in page], with_errors_key=True)


def order_count(ctx):
    filters = ctx.filters()
    records = _matching_orders(ctx.state, ctx.account, filters)
    return ok(count_result(len(records), filters, ctx.state.max_items_per_page))


# ---------------------------------------------------------------------- acknowledge


def order_acknowledge(ctx):
    """1 -> 2; idempotent no-op for orders already past status 1 (doc §9.9)."""
    record = ctx.state.order(ctx.account, ctx.params["id"])
    if record is None:
        return error([f"Order {ctx.params['id']} does not exist"])
    if record.data["type"] != SELLER:
        return error(
            [f"Order {record.id}: only orders fulfilled by the seller (type 3) can be acknowledged"]
        )
    if record.status == NEW:
        set_status(ctx.account, record, IN_PROGRESS)
        touch(ctx.account, record)
    return ok([])


def order_unlock_courier(ctx):
    """Undocumented semantics; modelled as lifting the enforced courier accounts."""
    record = ctx.state.order(ctx.account, ctx.params["id"])
    if record is None:
        return error([f"Order {ctx.params['id']} does not exist"])
    record.data["enforced_vendor_courier_accounts"] = None
    touch(ctx.account, record)
    return ok([])


# ----------------------------------------------------------------------------- save


@dataclass
class _LinePlan:
    """The validated effect of one order/save entity on the order lines."""

    updates: list  # (line, new_quantity, new_status)
    additions: list  # new line dicts (without ids yet)
    reductions: int = 0


def _plan_lines(account, record, entity):
    """Compare the sent lines with the stored ones; raise on forbidden edits."""
    plan = _LinePlan(updates=[], additions=[])
    if "products" not in entity:
        return plan
    sent = entity["products"]
    if not isinstance(sent, list):
        raise ApiError(f"Order {record.id}: products must be a list")
    current = {line["id"]: line for line in record.data["products"]}
    seen = set()
    for item in sent:
        if not isinstance(item, dict):
            raise ApiError(f"Order {record.id}: every product line must be an object")
        if item.get("id") in (None, ""):
            plan.additions.append(_new_line(account, record, item))
            continue
        line_id = as_int(item["id"], "products.id")
        line = current.get(line_id)
        if line is None:
            raise ApiError(f"Order {record.id}: product line {line_id} does not belong to it")
        seen.add(line_id)
        _check_immutables(record, line, item)
        quantity = as_int(item.get("quantity", line["quantity"]), "quantity")
        if quantity < 0:
            raise ApiError(f"Order {record.id}: quantity cannot be negative")
        status = as_int(item.get("status", line["status"]), "status", 0, 1)
        if line["status"] == 0 and status == 1:
            raise ApiError(f"Order {record.id}: canceled line {line_id} cannot be reactivated")
        if quantity > line["quantity"]:
            raise ApiError(f"Order {record.id}: the quantity of line {line_id} can only be reduced")
        if quantity == 0:
            status = 0
        if (status, quantity) != (line["status"], line["quantity"]):
            plan.updates.append((line, quantity, status))
            plan.reductions += line["status"] == 1
    for line_id, line in current.items():
        if line_id not in seen and line["status"] == 1:  # omitted line = removed line
            plan.updates.append((line, line["quantity"], 0))
            plan.reductions += 1
    return plan


def _check_immutables(record, line, item):
    for key in ("product_id", "part_number", "ext_part_number"):
        if key in item and str(item[key]) != str(line[key]):
            raise ApiError(f"Order {record.id}: {key} of line {line['id']} cannot be changed")
    if "sale_price" in item and as_decimal(item["sale_price"], "sale_price") != Decimal(
        line["sale_price"]
    ):
        raise ApiError(f"Order {record.id}: prices can no longer be changed")


def _new_line(account, record, item):
    if item.get("product_id") in (None, ""):
        raise ApiError(f"Order {record.id}: product_id is mandatory for a new line")
    if item.get("sale_price") in (None, ""):
        raise ApiError(f"Order {record.id}: sale_price is mandatory for a new line")
    product_id = as_int(item["product_id"], "product_id")
    quantity = as_int(item.get("quantity", 1), "quantity")
    if quantity <= 0:
        raise ApiError(f"Order {record.id}: a new line needs a positive quantity")
    price = as_decimal(item["sale_price"], "sale_price")
    offer = account.offers.get(product_id, {})
    name = item.get("name") or offer.get("name") or f"Product {product_id}"
    vat = item.get("vat") or offer_vat_rate(account, offer)
    return make_line(account, product_id, name, quantity, price, vat, offer)


def offer_vat_rate(account, offer):
    """The VAT fraction (string) of an offer's ``vat_id`` on the account's platform."""
    rates = {vat_id: rate for vat_id, rate, _default in VAT_RATES[account.country_code]}
    default = next(rate for _id, rate, is_default in VAT_RATES[account.country_code] if is_default)
    return rates.get(offer.get("vat_id"), default)


def make_line(account, product_id, name, quantity, price, vat, offer=None):
    """A complete order line (without its ``id``) as order/read returns it."""
    offer = offer or {}
    stamp = fmt_datetime(account.now())
    price = money(price)
    return {
        "product_id": product_id,
        "mkt_id": offer.get("mkt_id"),
        "name": name,
        "status": 1,
        "part_number": offer.get("part_number", ""),
        "ext_part_number": offer.get("part_number", ""),
        "part_number_key": offer.get("part_number_key", ""),
        "currency": account.currency,
        "vat": str(vat),
        "quantity": quantity,
        "initial_qty": quantity,
        "storno_qty": 0,
        "retained_amount": 0,
        "reversible_vat_charging": 0,
        "sale_price": price,
        "original_price": price,
        "created": stamp,
        "modified": stamp,
        "details": [],
        "recycle_warranties": [],
        "attachments": [],
        "serial_numbers": None,
        "product_voucher_split": [],
    }


def _reason_of(entity, record):
    # 4.4.7 renamed cancellation_reason; a resent order carries reason_cancellation: null.
    raw = entity.get("reason_cancellation")
    if raw in (None, ""):
        raw = entity.get("cancellation_reason")
    if isinstance(raw, dict):
        raw = raw.get("id")
    if raw in (None, ""):
        raise ApiError(f"Order {record.id}: a cancellation reason is mandatory")
    reason = as_int(raw, "reason_cancellation")
    if reason not in CANCELLATION_REASONS:
        raise ApiError(f"Order {record.id}: unknown cancellation reason {reason}")
    return reason


def _save_one(state, account, entity):
    """Validate then apply one order/save entity; raise ApiError on refusal."""
    if entity.get("id") in (None, ""):
        raise ApiError("Order id is mandatory")
    record = state.order(account, entity["id"])
    if record is None:
        raise ApiError(f"Order {entity['id']} does not exist")
    if record.data["type"] == FBE:
        raise ApiError(f"Order {record.id}: orders fulfilled by eMAG (type 2) cannot be modified")
    current = record.status
    requested = as_int(entity.get("status", current), "status", 0, 5)
    storno = as_bool(entity.get("is_storno", False))
    plan = _plan_lines(account, record, entity)
    line_changes = bool(plan.updates or plan.additions)

    if storno:
        if current != FINALIZED or requested != FINALIZED:
            raise ApiError("The order must be finalized (status 4) in order to send is_storno.")
        if plan.additions or not plan.reductions:
            raise ApiError(f"Order {record.id}: a storno must reduce at least one product line")
    else:
        check_transition(account, record, requested)
        if line_changes:
            if current == FINALIZED:
                raise ApiError(
                    f"Order {record.id}: a finalized order can only be modified through storno "
                    "(is_storno)"
                )
            if current not in (IN_PROGRESS, PREPARED):
                raise ApiError(
                    f"Order {record.id}: product lines cannot be modified in status "
                    f"{current} ({ORDER_STATUSES[current]})"
                )
            if plan.reductions and record.data["payment_mode_id"] == CARD:
                raise ApiError(
                    f"Order {record.id}: products cannot be removed or reduced on orders paid "
                    "online by card"
                )
    reason = _reason_of(entity, record) if requested == CANCELED and current != CANCELED else None

    touched = []
    for line, quantity, status in plan.updates:
        if storno:
            removed = line["quantity"] if status == 0 else line["quantity"] - quantity
            line["storno_qty"] = line.get("storno_qty", 0) + removed
            line["quantity"] = 0 if status == 0 else quantity
        else:
            line["quantity"] = quantity
        line["status"] = status
        touched.append(line)
    for line in plan.additions:
        line["id"] = state.next_id("order_line")
        record.data["products"].append(line)
        touched.append(line)
    if storno:
        record.data["is_storno"] = True
    set_status(account, record, requested, reason)
    touch(account, record, *touched)


def order_save(ctx):
    messages = []
    for entity in ctx.entities():
        try:
            _save_one(ctx.state, ctx.account, entity)
        except ApiError as exc:
            messages.extend(exc.messages)
    return error(messages) if messages else ok([])


# ---------------------------------------------------------------------- attachments

ATTACHMENT_TYPES = {
    1: "invoice",
    3: "warranty",
    4: "user manual",
    8: "user guide",
    10: "AWB",
    11: "proforma",
}


def _is_pdf_url(url):
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and parts.path.lower().endswith(".pdf")
    )


def _save_attachment(state, account, entity):
    if entity.get("order_id") in (None, ""):
        raise ApiError("order_id is mandatory")
    record = state.order(account, entity["order_id"])
    if record is None:
        raise ApiError(f"Order {entity['order_id']} does not exist")
    if entity.get("order_type") in (None, ""):
        raise ApiError(f"Order {record.id}: order_type is mandatory")
    if as_int(entity["order_type"], "order_type", 2, 3) != record.data["type"]:
        raise ApiError(f"Order {record.id}: order_type does not match the order")
    url = str(entity.get("url") or "")
    if not url:
        raise ApiError(f"Order {record.id}: the attachment url is mandatory")
    if len(url) > 1024:
        raise ApiError(f"Order {record.id}: the attachment url is longer than 1024 characters")
    if not _is_pdf_url(url):
        raise ApiError(f"Order {record.id}: only PDF files can be attached ({url})")
    name = str(entity.get("name") or "")
    if len(name) > 60:
        raise ApiError(f"Order {record.id}: the attachment name is longer than 60 characters")
    kind = as_int(entity.get("type", 1), "type")
    if kind not in ATTACHMENT_TYPES:
        raise ApiError(f"Order {record.id}: unknown attachment type {kind}")
    force = as_int(entity.get("force_download", 0), "force_download", 0, 1)
    attachment = {
        "name": name,
        "url": url,
        "type": kind,
        "force_download": force,
        "visibility": 1,
        "order_id": record.id,
    }
    if kind == 3:
        if entity.get("order_product_id") in (None, ""):
            raise ApiError(f"Order {record.id}: order_product_id is mandatory for a warranty")
        line_id = as_int(entity["order_product_id"], "order_product_id")
        if line_id not in {line["id"] for line in record.data["products"]}:
            raise ApiError(f"Order {record.id}: product line {line_id} does not belong to it")
        attachment["order_product_id"] = line_id
    attachments = record.data["attachments"]
    # eMAG keeps one warranty per line and one file per URL: re-sending replaces.
    attachments[:] = [
        a
        for a in attachments
        if a["url"] != url
        and not (
            kind == 3
            and a["type"] == 3
            and a.get("order_product_id") == attachment.get("order_product_id")
        )
    ]
    attachments.append(attachment)
    touch(account, record)


def attachments_save(ctx):
    messages = []
    for entity in ctx.entities():
        try:
            _save_attachment(ctx.state, ctx.account, entity)
        except ApiError as exc:
            messages.extend(exc.messages)
    return error(messages) if messages else ok([])


def attachments_read(ctx):
    filters = ctx.filters()
    records = list(ctx.account.orders.values())
    if "order_id" in filters:
        wanted = as_int(filters["order_id"], "order_id")
        records = [r for r in records if r.id == wanted]
    if "order_type" in filters:
        wanted = as_int(filters["order_type"], "order_type", 2, 3)
        records = [r for r in records if r.data["type"] == wanted]
    found = [dict(a) for r in records for a in r.data["attachments"]]
    return ok(paginate(found, filters, ctx.state.max_items_per_page))


ROUTES = {
    "order/read": (("POST",), order_read),
    "order/count": (("POST",), order_count),
    "order/save": (("POST",), order_save),
    "order/acknowledge": (("POST",), order_acknowledge),
    "order/unlock-courier": (("POST",), order_unlock_courier),
    "order/attachments/save": (("POST",), attachments_save),
    "order/attachments/read": (("POST",), attachments_read),
}
