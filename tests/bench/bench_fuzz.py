"""Benchmark: generated eMAG order payloads (issue 16).

Runs inside ``odoo shell`` on a database of its own where ``emag_connector`` is
installed (``make bench ONLY=fuzz`` creates it and drops it after). Draws
orders from the Hypothesis generator of ``tests/fuzz`` with fixed seeds and
checks the properties of ``tests/fuzz/order_properties.py`` on each, counting
instead of stopping at the first violation: ``FUZZ_PURE`` orders (default
5,000, every platform) through the pure layer, ``FUZZ_ODOO`` (default 300,
eMAG Romania) imported through Odoo. Prints exactly these lines on stdout::

    fuzz_orders=<orders checked, both layers>
    fuzz_violations=<property violations (target 0)>
    fuzz_parked=<orders parked with a reason, as expected for their payload>
    fuzz_orders_pure=<of which through the pure layer>
    fuzz_orders_odoo=<of which imported through Odoo>
    fuzz_crashed=<orders that raised an error nobody handled (part of the violations)>
    fuzz_vat_cent_price_precision=<imported orders whose VAT of a rate is a cent away from
                                   eMAG's only because a VAT-included unit price has more
                                   decimals than Odoo's price precision (total exact)>

Each violation goes to stderr with its payload. Run::

    FUZZ_DIR=tests/fuzz tools/odoo.sh shell -d <db> --no-http --log-level=warn \\
        < tests/bench/bench_fuzz.py
"""

import os
import sys
from collections import Counter
from pathlib import Path

from odoo.addons.emag_connector.lib.emag_simulator import EmagSimulator
from odoo.addons.emag_connector.services.orders.importer import payload_key
from odoo.addons.queue_job.tests.common import trap_jobs

FUZZ_DIR = Path(os.environ.get("FUZZ_DIR", "tests/fuzz")).resolve()
sys.path.insert(0, str(FUZZ_DIR))

import connector  # noqa: E402
import order_payloads  # noqa: E402
import order_properties  # noqa: E402

PURE = int(os.environ.get("FUZZ_PURE", 5000))
ODOO = int(os.environ.get("FUZZ_ODOO", 300))
USER, PASSWORD = "bench-fuzz@example.ro", "bench-secret"
PART_NUMBERS = ("KT-1700-INOX", "FLT-AC-2", "L200-MONO")


def log(message):
    print(message, file=sys.stderr, flush=True)


def report(failures):
    for case, violations in failures[:20]:
        log(f"VIOLATION {violations}: {case!r}"[:3000])


def pure_layer(services):
    outcomes, failures = Counter(), []
    for case in order_payloads.draw_cases(PURE, seed=5000):
        outcome = order_properties.check_pure(services, case)
        outcomes[outcome.result] += 1
        if outcome.violations:
            failures.append((case, outcome.violations))
    log(f"pure layer: {dict(outcomes)}, {len(failures)} with violations")
    return outcomes, failures


def through_odoo(env, services):
    env = env(context=dict(env.context, tracking_disable=True))
    # eMAG rounds VAT once per rate; so does Odoo when it rounds globally
    # (per line, a rate may be a cent away per line: docs/orders.md).
    env.company.tax_calculation_rounding_method = "round_globally"
    sim = EmagSimulator(seed=16, rate_limits=False)
    sim.start()
    try:
        sim.add_account(USER, PASSWORD, platform="emag_ro", vendor_name="BENCH SRL")
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        fbe = env["stock.warehouse"].create(
            {"name": "eMAG FBE", "code": "EFBE", "company_id": env.company.id}
        )
        account = env["emag.account"].create(
            {
                "name": "Bench fuzz",
                "api_url": sim.base_url,
                "api_username": USER,
                "api_password": PASSWORD,
                "warehouse_id": warehouse.id,
                "fbe_warehouse_id": fbe.id,
            }
        )
        for part_number in PART_NUMBERS:
            product = env["product.product"].create(
                {
                    "name": part_number,
                    "default_code": part_number,
                    "type": "consu",
                    "is_storable": True,
                }
            )
            for location in (warehouse | fbe).lot_stock_id:
                env["stock.quant"]._update_available_quantity(product, location, 100000)

        def import_payload(raw):
            with trap_jobs():
                account._emag_import_order(payload_key(raw), raw)
            env.invalidate_all()
            return env["emag.order"].search(
                [("account_id", "=", account.id), ("emag_id", "=", payload_key(raw))]
            )

        cases = order_payloads.draw_cases(
            ODOO, seed=300, platforms=("emag_ro",), part_numbers=PART_NUMBERS
        )
        outcomes, failures = order_properties.run_through_odoo(env, services, cases, import_payload)
        log(f"through Odoo: {dict(outcomes)}, {len(failures)} with violations")
        return outcomes, failures
    finally:
        sim.stop()
        env.cr.rollback()


def main(env):
    services = connector.services("odoo.addons.")
    pure, pure_failures = pure_layer(services)
    odoo, odoo_failures = through_odoo(env, services)
    failures = pure_failures + odoo_failures
    report(failures)
    imported = sum(count for key, count in odoo.items() if key != "vat_precision_limited")
    print(f"fuzz_orders={sum(pure.values()) + imported}")
    print(f"fuzz_violations={sum(len(violations) for _case, violations in failures)}")
    print(f"fuzz_parked={pure['parked'] + odoo['parked']}")
    print(f"fuzz_orders_pure={sum(pure.values())}")
    print(f"fuzz_orders_odoo={imported}")
    print(f"fuzz_crashed={pure['crashed'] + odoo['crashed']}")
    print(f"fuzz_vat_cent_price_precision={odoo['vat_precision_limited']}", flush=True)


main(env)  # noqa: F821 - ``env`` is given by odoo shell
