"""Wire conventions shared by every route: envelope, body shapes, limits.

eMAG answers business errors with HTTP 200 and ``isError: true``; only the
gateway (unknown URL, rate limit) and a few REST-style routes use other status
codes. Request bodies come in several shapes that all work against the real
API (doc §3.2): top-level JSON filters, a ``data`` object or list, a bare JSON
list, and PHP-style form fields ``data[0][id]=...``. This module turns all of
them into plain Python values and implements the request-wide limits.
"""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

MAX_INPUT_VARS = 4000
MAX_ENTITIES_PER_SAVE = 50
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


class ApiError(Exception):
    """A refusal reported as HTTP 200 with ``isError: true``."""

    def __init__(self, *messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


@dataclass
class Response:
    """What a route handler hands back to the HTTP layer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


def json_response(payload, status=200, headers=None):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json", dict(headers or {}))


def envelope(results=None, messages=(), is_error=False, with_errors_key=False):
    """The standard ``{isError, messages, results}`` body (plus ``errors`` on reads)."""
    body = {
        "isError": is_error,
        "messages": list(messages),
        "results": [] if results is None else results,
    }
    if with_errors_key:
        body["errors"] = []
    return body


def ok(results=None, messages=(), with_errors_key=False):
    return json_response(envelope(results, messages, False, with_errors_key))


def error(messages, results=None):
    return json_response(envelope(results, messages, True))


def save_each(ctx, save_one):
    """A save route: ``save_one(state, account, entity)`` per entity; eMAG's
    messages of every entity, ``isError`` when any was refused or warned."""
    messages = []
    for entity in ctx.entities():
        try:
            messages.extend(save_one(ctx.state, ctx.account, entity))
        except ApiError as exc:
            messages.extend(exc.messages)
    return error(messages) if messages else ok([])


# --------------------------------------------------------------------------- bodies


@dataclass
class Payload:
    """A parsed request body; ``value`` is None when the body is empty."""

    value: object = None
    input_vars: int = 0


def parse_body(raw, content_type):
    """Parse JSON or form-encoded bytes; raise ApiError on malformed JSON."""
    text = raw.decode("utf-8", errors="replace").strip() if raw else ""
    if not text:
        return Payload()
    if "application/x-www-form-urlencoded" in (content_type or ""):
        pairs = parse_qsl(text, keep_blank_values=True)
        return Payload(_nest_form_pairs(pairs), len(pairs))
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ApiError("Invalid JSON in request body") from exc
    return Payload(value, count_input_vars(value))


def count_input_vars(value):
    """Count leaves the way PHP's ``max_input_vars`` counts flattened fields."""
    if isinstance(value, dict):
        return sum(count_input_vars(v) for v in value.values()) or 1
    if isinstance(value, list):
        return sum(count_input_vars(v) for v in value) or 1
    return 1


_FORM_KEY = re.compile(r"\[([^\]]*)\]")


def _nest_form_pairs(pairs):
    """Turn ``data[0][stock][0][value]=3`` style pairs into nested values."""
    root = {}
    for key, value in pairs:
        head = key.split("[", 1)[0]
        parts = [head, *_FORM_KEY.findall(key[len(head) :])]
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if part == "":
                part = str(len(node))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    keys = list(converted)
    if keys and all(k.isdigit() for k in keys) and sorted(map(int, keys)) == list(range(len(keys))):
        return [converted[str(i)] for i in range(len(keys))]
    return converted


def read_filters(payload, strict):
    """Filters of a read/count call: top-level keys win over keys under ``data``.

    In strict mode filters nested under ``data`` are ignored, as a report
    says the live API does for JSON reads.
    """
    value = payload.value
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError("Read filters must be an object")
    filters = {}
    nested = value.get("data")
    if isinstance(nested, dict) and not strict:
        filters.update(nested)
    filters.update({k: v for k, v in value.items() if k != "data"})
    return filters


def save_entities(payload, strict):
    """Entities of a save call, from ``{"data": [...]}``, a ``data`` object,
    a bare list or a bare object. Strict mode accepts only ``{"data": [...]}``."""
    value = payload.value
    if isinstance(value, dict) and "data" in value:
        data = value["data"]
        if isinstance(data, list):
            entities = data
        elif isinstance(data, dict) and not strict:
            entities = [data]
        else:
            raise ApiError("The data key must hold a list of entities")
    elif strict:
        raise ApiError("The request must contain a data list")
    elif isinstance(value, list):
        entities = value
    elif isinstance(value, dict) and value:
        entities = [value]
    else:
        raise ApiError("No data was sent")
    if not entities:
        raise ApiError("No data was sent")
    if len(entities) > MAX_ENTITIES_PER_SAVE:
        raise ApiError(f"Maximum {MAX_ENTITIES_PER_SAVE} entities per request exceeded")
    if not all(isinstance(entity, dict) for entity in entities):
        raise ApiError("Every entity must be an object")
    return entities


# ------------------------------------------------------------------------- coercion


def as_int(value, name, minimum=None, maximum=None):
    """Integer from JSON numbers or form strings, with range check."""
    if isinstance(value, bool):
        value = int(value)
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise ApiError(f"Field {name} must be an integer")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ApiError(f"Field {name} must be between {minimum} and {maximum}")
    return number


def as_int_list(value, name):
    """An int or a list of ints (``status: [1, 2]``) as a set."""
    values = value if isinstance(value, list) else [value]
    return {as_int(v, name) for v in values}


def as_decimal(value, name):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ApiError(f"Field {name} must be a number") from exc
    if not number.is_finite():
        raise ApiError(f"Field {name} must be a number")
    return number


def as_bool(value):
    """eMAG flags arrive as true/1/"1"/"true" depending on the client."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def parse_datetime(value, name):
    try:
        return datetime.strptime(str(value), DATETIME_FORMAT)
    except ValueError as exc:
        raise ApiError(f"Field {name} must have the format YYYY-mm-dd HH:ii:ss") from exc


def fmt_datetime(moment):
    return moment.strftime(DATETIME_FORMAT) if moment else None


def money(value, places=4):
    """Amounts travel as strings with fixed decimals, as eMAG emits them."""
    quantum = Decimal(1).scaleb(-places)
    return str(Decimal(str(value)).quantize(quantum))


# ----------------------------------------------------------------------- pagination


def page_window(filters, cap):
    """(offset, size) from ``currentPage``/``itemsPerPage``; sizes above the cap are capped."""
    page = as_int(filters.get("currentPage", 1), "currentPage", 1, 65535)
    size = as_int(filters.get("itemsPerPage", cap), "itemsPerPage", 1)
    size = min(size, cap)
    return (page - 1) * size, size


def paginate(items, filters, cap):
    offset, size = page_window(filters, cap)
    return items[offset : offset + size]


def count_result(total, filters, cap):
    _offset, size = page_window(filters, cap)
    return {"noOfItems": total, "noOfPages": math.ceil(total / size), "itemsPerPage": size}
