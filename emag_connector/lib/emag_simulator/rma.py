"""Returns (RMA): rma/read|count|save and the eMAG-side creation of returns.

The status permissions of doc §12.2 are data (``RMA_STATUS_TRANSITIONS``);
status 1 (incomplete) is never set by sellers and has no row.
"""

from datetime import timedelta

from .orders import SELLER
from .protocol import (
    ApiError,
    as_int,
    count_result,
    error,
    fmt_datetime,
    ok,
    paginate,
    parse_datetime,
)

RMA_STATUSES = {
    1: "incomplete",
    2: "new",
    3: "acknowledged",
    4: "refused",
    5: "canceled",
    6: "received",
    7: "finalized",
}

# current request_status -> statuses a seller may set through rma/save.
RMA_STATUS_TRANSITIONS = {
    2: frozenset({2, 3, 5}),
    3: frozenset({3, 5, 6}),
    4: frozenset({4}),
    5: frozenset({5}),
    6: frozenset({4, 6, 7}),
    7: frozenset({7}),
}

REPLACEMENT_TYPES = frozenset({1, 2})
REPLACEMENT_KEYS = ("product_emag_id", "product_id", "product_name", "product_quantity")
RETURN_TYPES = {
    1: "replacement same product",
    2: "replacement other product",
    3: "refund",
    4: "cancel payment contract",
    5: "voucher",
}


def create_return(
    state,
    account,
    order_id,
    lines=None,
    return_type=3,
    return_reason=37,
    request_status=2,
    pickup_method=1,
    observations="Produsul nu funcționează",
    replacement=None,
):
    """eMAG-side event: a customer opens a return on some lines of an order.

    ``replacement`` (return type 2): ``{"product_id": seller id, "quantity"}``
    of the other product the customer wants; type 1 names the returned one.
    """
    record = state.order(account, order_id)
    if record is None:
        raise ValueError(f"Order {order_id} does not exist for {account.username}")
    order = record.data
    if lines is None:
        first = next(line for line in order["products"] if line["status"] == 1)
        lines = [{"order_line_id": first["id"], "quantity": 1}]
    by_id = {line["id"]: line for line in order["products"]}
    products = []
    for spec in lines:
        line = by_id[int(spec["order_line_id"])]
        products.append(
            {
                "id": state.next_id("rma_line"),
                "product_emag_id": line.get("mkt_id"),
                "product_id": line["product_id"],
                "quantity": int(spec.get("quantity", 1)),
                "product_name": line["name"],
                "return_reason": return_reason,
                "observations": observations,
                "diagnostic": None,
                "reject_reason": None,
                "retained_amount": 0,
            }
        )
    wanted = None
    if return_type == 2 and replacement:
        offer = account.offers.get(int(replacement["product_id"])) or {}
        wanted = {
            "product_emag_id": offer.get("mkt_id"),
            "product_id": int(replacement["product_id"]),
            "product_name": offer.get("name"),
            "product_quantity": int(replacement.get("quantity", 1)),
        }
    elif return_type == 1:
        first = products[0]
        wanted = {
            "product_emag_id": first["product_emag_id"],
            "product_id": first["product_id"],
            "product_name": first["product_name"],
            "product_quantity": first["quantity"],
        }
    now = account.now()
    stamp = fmt_datetime(now)
    customer = order["customer"]
    rma = {
        "emag_id": state.next_id("rma"),
        "return_parent_id": None,
        "order_id": str(order["id"]),
        "type": order["type"],
        "is_full_fbe": int(order["type"] != SELLER),
        "is_club": 0,
        "is_fast": 0,
        "customer_name": customer["name"],
        "customer_company": customer["company"] if customer["legal_entity"] else None,
        "customer_phone": customer["phone_1"],
        "products": products,
        "pickup_country": customer["shipping_country"],
        "pickup_suburb": customer["shipping_suburb"],
        "pickup_city": customer["shipping_city"],
        "pickup_address": customer["shipping_street"],
        "pickup_zipcode": customer["shipping_postal_code"],
        "pickup_locality_id": customer["shipping_locality_id"],
        "pickup_method": pickup_method,
        "customer_account_iban": None,
        "customer_account_bank": None,
        "customer_account_beneficiary": None,
        **{f"replacement_{key}": (wanted or {}).get(key) for key in REPLACEMENT_KEYS},
        "observations": observations,
        "request_status": request_status,
        "request_status_reason": None,
        "return_type": return_type,
        "return_reason": return_reason,
        "return_address_id": 101,
        "return_address_snapshot": None,
        "return_tax_value": None,
        "swap": None,
        "date": stamp,
        "currency": account.currency,
        "country": account.country_code,
        "address_type": None,
        "courier_name": None,
        "finalized_with_incident": False,
        "extra_info": {
            "maximum_finalization_date": (now + timedelta(days=14)).strftime("%Y-%m-%d"),
            "first_pickup_date": None,
            "estimated_product_pickup": (now + timedelta(days=2)).strftime("%Y-%m-%d"),
            "estimated_product_reception": (now + timedelta(days=4)).strftime("%Y-%m-%d"),
        },
        "awbs": [],
        "status_history": [],
        "request_history": [_history(state, "client", "create", "website", stamp)],
        "locker": [],  # eMAG serialises empty objects as []
    }
    account.rmas[rma["emag_id"]] = rma
    return rma


def _history(state, user, action_type, source, stamp):
    return {
        "id": state.next_id("history"),
        "user": user,
        "action": action_type,
        "action_type": action_type,
        "source": source,
        "date": stamp,
    }


def _matching(account, filters):
    rmas = sorted(account.rmas.values(), key=lambda r: r["emag_id"], reverse=True)
    for key in ("emag_id", "order_id", "request_status", "type"):
        if key in filters:
            wanted = as_int(filters[key], key)
            rmas = [r for r in rmas if int(r[key]) == wanted]
    for key in ("product_id", "product_emag_id"):
        if key in filters:
            wanted = as_int(filters[key], key)
            rmas = [r for r in rmas if any(p[key] == wanted for p in r["products"])]
    if filters.get("date_start"):
        start = parse_datetime(filters["date_start"], "date_start")
        rmas = [r for r in rmas if parse_datetime(r["date"], "date") >= start]
    if filters.get("date_end"):
        end = parse_datetime(filters["date_end"], "date_end")
        rmas = [r for r in rmas if parse_datetime(r["date"], "date") <= end]
    return rmas


def rma_read(ctx):
    filters = ctx.filters()
    rmas = paginate(_matching(ctx.account, filters), filters, ctx.state.max_items_per_page)
    return ok(ctx.state.snapshot(rmas), with_errors_key=True)


def rma_count(ctx):
    filters = ctx.filters()
    total = len(_matching(ctx.account, filters))
    return ok(count_result(total, filters, ctx.state.max_items_per_page))


def _save_one(state, account, entity):
    if entity.get("emag_id") in (None, ""):
        raise ApiError("emag_id is mandatory")
    emag_id = as_int(entity["emag_id"], "emag_id")
    rma = account.rmas.get(emag_id)
    if rma is None:
        raise ApiError(f"Return request {emag_id} does not exist")
    if entity.get("type") in (None, ""):
        raise ApiError(f"Return request {emag_id}: type is mandatory")
    if as_int(entity["type"], "type", 2, 3) != rma["type"]:
        raise ApiError(f"Return request {emag_id}: type does not match the return request")
    current = rma["request_status"]
    requested = as_int(entity.get("request_status", current), "request_status", 1, 7)
    if requested not in RMA_STATUS_TRANSITIONS.get(current, ()):
        raise ApiError(
            f"Return request {emag_id}: the status cannot be changed from {current} "
            f"({RMA_STATUSES[current]}) to {requested} ({RMA_STATUSES[requested]})"
        )
    lines = {line["id"]: line for line in rma["products"]}
    updates = []
    for item in entity.get("products") or []:
        line = lines.get(as_int(item.get("id"), "products.id"))
        if line is None:
            raise ApiError(f"Return request {emag_id}: unknown product line {item.get('id')}")
        updates.append(
            (
                line,
                {k: item[k] for k in ("reject_reason", "diagnostic", "observations") if k in item},
            )
        )
    for line, changes in updates:
        line.update(changes)
    if requested != current:
        rma["request_status"] = requested
        stamp = fmt_datetime(account.now())
        rma["request_history"].append(
            _history(state, account.username, f"status {requested}", "api", stamp)
        )
        rma["status_history"].append({"code": requested, "event_date": stamp, "requests": []})


def rma_save(ctx):
    messages = []
    for entity in ctx.entities():
        try:
            _save_one(ctx.state, ctx.account, entity)
        except ApiError as exc:
            messages.extend(exc.messages)
    return error(messages) if messages else ok([])


ROUTES = {
    "rma/read": (("POST",), rma_read),
    "rma/count": (("POST",), rma_count),
    "rma/save": (("POST",), rma_save),
}
