#!/usr/bin/env python3
"""Write the order and return status tables of docs/flows.md from the code.

The tables in the docs are generated from the very data the connector obeys
(``emag_connector/services/orders/status.py`` and ``returns/status.py``), so they
cannot drift from what is implemented:

    tools/status_tables.py            print both tables (Markdown)
    tools/status_tables.py --write    refresh them in docs/flows.md
    tools/status_tables.py --check    exit 1 when docs/flows.md is out of date

Both modules are pure Python; they are loaded from their folder, without Odoo.
"""

import argparse
import importlib
import re
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERVICES = REPO / "emag_connector" / "services"
FLOWS = REPO / "docs" / "flows.md"


# The services folder as a package of its own: its pure modules import one
# another relatively, and the real package's __init__ would import Odoo.
PACKAGE = "_emag_services"


def _load(name):
    if PACKAGE not in sys.modules:
        package = types.ModuleType(PACKAGE)
        package.__path__ = [str(SERVICES)]
        sys.modules[PACKAGE] = package
    return importlib.import_module(f"{PACKAGE}.{name}")


def _row(cells):
    return "| " + " | ".join(cells) + " |"


def _matrix(status_names, cell):
    """A status table: one row per current status, one column per requested one."""
    codes = list(status_names)
    names = {code: f"{status_names[code]} ({code})" for code in codes}
    lines = [
        _row(["from \\ to"] + [names[code] for code in codes]),
        _row(["---"] * (len(codes) + 1)),
    ]
    lines += [
        _row([f"**{names[current]}**"] + [cell(current, requested) for requested in codes])
        for current in codes
    ]
    return "\n".join(lines)


def order_table(order_status):
    """Rows: current status; columns: requested status; cells: when it is allowed."""

    def cell(current, requested):
        rule = order_status.TRANSITIONS.get((current, requested))
        if rule is None:
            return "—"
        if rule.noop:
            return "="
        if rule.via != "order/save":
            return f"`{rule.via}` only"
        if not rule.since:
            return "yes"
        if rule.hours is not None:
            return f"≤ {rule.hours} h after {rule.since}"
        return f"≤ return period + {order_status.RETURN_GRACE_DAYS} days after {rule.since}"

    return _matrix(order_status.STATUS_NAMES, cell)


def rma_table(rma_status):
    """Rows: current return status; columns: the status a seller may request."""

    def cell(current, requested):
        if current == requested:
            return "=" if current in rma_status.TRANSITIONS else "—"
        return "yes" if rma_status.is_allowed(current, requested) else "—"

    return _matrix(rma_status.STATUS_NAMES, cell)


def tables():
    return {
        "order-status-table": order_table(_load("orders.status")),
        "rma-status-table": rma_table(_load("returns.status")),
    }


def refresh(text, generated):
    """``text`` with the block between each pair of markers replaced."""
    for name, table in generated.items():
        pattern = re.compile(
            rf"(<!-- BEGIN {name} [^>]*-->\n).*?(\n<!-- END {name} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise SystemExit(f"{FLOWS}: the markers of {name} are missing")
        text = pattern.sub(lambda match, table=table: match[1] + table + match[2], text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="refresh docs/flows.md")
    mode.add_argument("--check", action="store_true", help="fail when docs/flows.md is stale")
    args = parser.parse_args(argv)
    generated = tables()
    if not (args.write or args.check):
        for name, table in generated.items():
            print(f"{name}:\n\n{table}\n")
        return 0
    current = FLOWS.read_text(encoding="utf-8")
    wanted = refresh(current, generated)
    if args.check:
        if current != wanted:
            print(f"{FLOWS} is out of date: run tools/status_tables.py --write", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        FLOWS.write_text(wanted, encoding="utf-8")
        print(f"{FLOWS} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
