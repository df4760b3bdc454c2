"""Tolerant parsing of eMAG payload values.

eMAG is a PHP service: numbers often arrive as strings (``"82.6446"``), ids as
strings or ints, empty objects as empty lists (``[]``), VAT rates usually as
fractions (``0.21``) but sometimes as percents (``21``), and timestamps as
``"YYYY-MM-DD HH:MM:SS"`` in the platform's local time. These small pure
functions turn such values into proper Python types and raise ``ValueError``
on values that cannot be understood — a silent zero or ``None`` would be worse
than a visible error on money or dates.
"""

from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .platforms import PLATFORMS, Platform

WIRE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
WIRE_DATE_FORMAT = "%Y-%m-%d"

# PHP/MySQL "no date" placeholders.
_NULL_DATES = {"0000-00-00", "0000-00-00 00:00:00"}


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def to_decimal(value):
    """Return ``value`` as a :class:`~decimal.Decimal`, ``None`` when blank.

    Floats go through ``str`` so that ``82.6446`` stays ``Decimal("82.6446")``
    instead of its binary approximation. A decimal comma is accepted.
    """
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip()
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
        if not result.is_finite():
            raise ValueError(f"not an amount: {value!r}")
        return result
    raise ValueError(f"not an amount: {value!r}")


def to_int(value):
    """Return ``value`` as an ``int`` (``"123"``, ``123.0`` accepted), ``None`` when blank."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"not an integer: {value!r}")
    return int(number)


def to_bool(value):
    """Return ``value`` as a ``bool`` (``0/1``, ``"0"/"1"``, ``"true"/"false"``; blank: False)."""
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes"):
            return True
        if text in ("0", "false", "no"):
            return False
    raise ValueError(f"not a flag: {value!r}")


def first_amount(value, keys):
    """The first readable amount of an undocumented answer: ``value`` itself
    when it is a number, else the first of ``keys`` in it (or in its first
    item when it is a list); ``None`` when none can be read."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = next((value[key] for key in keys if not _blank(value.get(key))), None)
    try:
        return to_decimal(value)
    except ValueError:
        return None


def as_object(value):
    """Return a dict for a JSON object that PHP may have sent as ``[]`` or ``null``."""
    if value is None or value == []:
        return {}
    if isinstance(value, dict):
        return value
    raise ValueError(f"not an object: {value!r}")


def as_list(value):
    """Return a list for a JSON array that PHP may have sent as ``null``, ``{}``
    or as an object keyed by (possibly sparse) indexes: ``{"0": a, "2": b}``."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        try:
            keys = sorted(value, key=int)
        except (TypeError, ValueError):
            raise ValueError(f"not a list: {value!r}") from None
        return [value[key] for key in keys]
    raise ValueError(f"not a list: {value!r}")


def vat_fraction(value):
    """Return a VAT rate as a fraction: ``0.21``, ``"0.21"``, ``21``, ``"21%"`` → ``0.21``.

    eMAG sends fractions almost everywhere; a rate above 1 can only be a
    percent (no VAT reaches 100 %), so it is divided by 100.
    """
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    rate = to_decimal(value)
    if rate is None:
        return None
    if rate < 0:
        raise ValueError(f"negative VAT rate: {value!r}")
    return rate / 100 if rate > 1 else rate


def platform_timezone(platform):
    """Return the :class:`~zoneinfo.ZoneInfo` of a platform, a platform code or a zone name."""
    if isinstance(platform, ZoneInfo):
        return platform
    if isinstance(platform, Platform):
        return ZoneInfo(platform.timezone)
    if platform in PLATFORMS:
        return ZoneInfo(PLATFORMS[platform].timezone)
    return ZoneInfo(platform)


def parse_datetime(value, tz):
    """Return an aware UTC datetime for an eMAG local timestamp, ``None`` when blank.

    :param value: ``"YYYY-MM-DD HH:MM:SS"`` (fractions of seconds and ``T``
        separators tolerated) in the platform's local time
    :param tz: platform, platform code or zone name (see :func:`platform_timezone`)

    Local times repeated at the end of summer time are read as the first
    occurrence (``fold=0``); eMAG gives no way to tell them apart.
    """
    if _blank(value) or (isinstance(value, str) and value.strip() in _NULL_DATES):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"not a timestamp: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=platform_timezone(tz))
    return moment.astimezone(timezone.utc)


def parse_date(value):
    """Return a :class:`~datetime.date` for ``"YYYY-MM-DD"``, ``None`` when blank."""
    if _blank(value) or (isinstance(value, str) and value.strip() in _NULL_DATES):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return datetime.strptime(str(value).strip()[:10], WIRE_DATE_FORMAT).date()
    except ValueError:
        raise ValueError(f"not a date: {value!r}") from None


def format_datetime(moment, tz):
    """Return the eMAG wire form (platform local time) of a datetime.

    Naive datetimes are taken as UTC, which is how Odoo stores them.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(platform_timezone(tz)).strftime(WIRE_DATETIME_FORMAT)


def normalize_messages(messages):
    """Return eMAG ``messages`` as a list of strings.

    Messages are usually strings, sometimes objects such as
    ``{"field": "stock", "message": "..."}``; a lone string is wrapped.
    """
    if messages is None:
        return []
    if isinstance(messages, str):
        messages = [messages]
    elif isinstance(messages, dict):
        try:
            messages = as_list(messages)
        except ValueError:
            messages = [messages]
    result = []
    for item in messages:
        if isinstance(item, dict):
            text = item.get("message") or item.get("msg") or item.get("text")
            field = item.get("field")
            if text is None:
                text = ", ".join(f"{key}: {val}" for key, val in item.items())
            result.append(f"{field}: {text}" if field else str(text))
        elif item is not None and item != "":
            result.append(str(item))
    return result


def handling_time_days(item):
    """Return the number of days of a ``handling_time/read`` item.

    The production modules read the value from ``id``; one client reads
    ``value``. Accept both.
    """
    if isinstance(item, dict):
        days = item.get("id", item.get("value"))
    else:
        days = item
    result = to_int(days)
    if result is None:
        raise ValueError(f"handling time without a value: {item!r}")
    return result
