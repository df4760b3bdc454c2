# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The e-Factura transmission deadline: 5 working days from the issue date (OUG 89/2025).

Working days exclude weekends and Romania's legal holidays (Labour Code
art. 139), Orthodox Easter and Pentecost included.
"""

from datetime import date, timedelta

from dateutil.easter import EASTER_ORTHODOX, easter

DEADLINE_WORKING_DAYS = 5
_FIXED_HOLIDAYS = (
    (1, 1),
    (1, 2),
    (1, 6),
    (1, 7),
    (1, 24),
    (5, 1),
    (6, 1),
    (8, 15),
    (11, 30),
    (12, 1),
    (12, 25),
    (12, 26),
)


def ro_public_holidays(year):
    """The legal non-working days of ``year`` in Romania."""
    orthodox_easter = easter(year, EASTER_ORTHODOX)
    movable = {orthodox_easter + timedelta(days=offset) for offset in (-2, 0, 1, 49, 50)}
    return {date(year, month, day) for month, day in _FIXED_HOLIDAYS} | movable


def is_working_day(day):
    return day.weekday() < 5 and day not in ro_public_holidays(day.year)


def add_working_days(start, days=DEADLINE_WORKING_DAYS):
    """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current
