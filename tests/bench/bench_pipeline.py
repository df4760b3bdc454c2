"""Benchmark: the fulfilment pipeline from delivery validation to finalized (issue 7).

Runs inside ``odoo shell`` on a database where ``emag_connector`` is installed,
against the in-process eMAG simulator (rate limits off: the figures measure
the connector, not eMAG's quotas); everything it creates is rolled back at
the end. Prints exactly these lines on stdout::

    api_calls_per_order=<eMAG calls per order, validation to finalized, 200 orders>
    duplicate_awbs=<AWBs beyond one per order after a run with "commit then time out"
                    faults on awb/save>
    pipeline_p95_s=<95th percentile, seconds from validation to finalized>

The jobs are performed in this process the way the job runner would (one
step per job, a RetryableJobError tried again later), so the latency is the
connector's own work, without the runner's polling delay.

Run::

    tools/odoo.sh -d emag_bench_pipeline -i emag_connector --stop-after-init   # once
    tools/odoo.sh shell -d emag_bench_pipeline --no-http --log-level=warn \\
        < tests/bench/bench_pipeline.py

Diagnostics go to stderr.
"""

import shutil
import statistics
import sys
import time

from odoo.tools import config

from odoo.addons.emag_connector.lib.emag_simulator import EmagSimulator
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

USER, PASSWORD = "bench-pipeline@example.ro", "bench-secret"
ORDERS = 200
FAULT_ORDERS = 60
OFFERS = 10


def log(message):
    print(message, file=sys.stderr, flush=True)


def offer(offer_id):
    return {
        "id": offer_id,
        "category_id": 2735,
        "name": f"Produs pipeline {offer_id}",
        "part_number": f"PIPE-{offer_id}",
        "brand": "Exemplu",
        "description": "<p>bench</p>",
        "status": 1,
        "sale_price": f"{100 + 10 * offer_id}.0000",
        "min_sale_price": "1",
        "max_sale_price": "10000",
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 60000}],
        "handling_time": [{"warehouse_id": 1, "value": 1}],
        "images": [{"display_type": 1, "url": f"https://cdn.example.com/{offer_id}.jpg"}],
        "characteristics": [{"id": 6876, "value": "1.7 l"}],
        "ean": [f"59411000{offer_id:05d}"],
        "warranty": 24,
    }


def setup(env, sim):
    company = env.company
    company.write({"phone": "0744000333"})
    if not env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    ):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    account = env["emag.account"].create(
        {
            "name": "eMAG bench pipeline",
            "platform": "emag_ro",
            "api_url": sim.base_url,
            "api_username": USER,
            "api_password": PASSWORD,
            "warehouse_id": warehouse.id,
        }
    )
    if "efactura_submit" in account._fields:
        account.efactura_submit = False  # no ANAF in this benchmark
    for offer_id in range(1, OFFERS + 1):
        sim.add_offer(USER, offer(offer_id))
        product = env["product.product"].create(
            {
                "name": f"Produs pipeline {offer_id}",
                "default_code": f"PIPE-{offer_id}",
                "type": "consu",
                "is_storable": True,
                "weight": 0.8,
            }
        )
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100000)
    account._emag_fetch_shipping_setup()
    return account


def run_jobs(env, trap):
    """Perform the queued jobs like the runner, until none is left."""
    for _round in range(100):
        jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
        if not jobs:
            return
        for job in jobs:
            try:
                with env.cr.savepoint():
                    job.perform()
            except RetryableJobError:
                trap.enqueued_jobs.append(job)
    raise RuntimeError("jobs still queued after 100 rounds")


def import_orders(env, sim, account, count):
    created = [
        sim.create_order(
            USER, status=2, payment_mode_id=1, locker=False, voucher=False, shipping_tax="0"
        )
        for _index in range(count)
    ]
    with trap_jobs():
        for raw in created:
            account._emag_import_order(str(raw["id"]), sim.get_order(USER, raw["id"]))
    bindings = env["emag.order"].search(
        [("account_id", "=", account.id), ("emag_id", "in", [str(o["id"]) for o in created])]
    )
    return created, bindings


def fulfil(env, bindings):
    """Validate each delivery and run its pipeline; return the latencies."""
    latencies = []
    for binding in bindings:
        picking = binding.sale_order_id.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )
        started = time.monotonic()
        with trap_jobs() as trap:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.move_ids.picked = True
            result = picking.with_context(skip_sms=True).button_validate()
            if result is not True:
                log(f"validation of {picking.name} answered {result}")
            run_jobs(env, trap)
        latencies.append(time.monotonic() - started)
        fulfilment = picking.emag_fulfilment_id
        if fulfilment.state != "done":
            log(f"order {binding.emag_id}: {picking.state} {fulfilment.state} {fulfilment.message}")
    return latencies


def main(env):
    if not shutil.which("wkhtmltopdf"):
        # Odoo renders reports with wkhtmltopdf; without it, use the fallback
        # Odoo itself uses in tests (HTML), so the run still measures the pipeline.
        log("wkhtmltopdf not found: invoice documents rendered as HTML")
        config["test_enable"] = True
    sim = EmagSimulator(seed=7, rate_limits=False)
    sim.start()
    try:
        sim.add_account(USER, PASSWORD, platform="emag_ro", vendor_name="BENCH SRL")
        env.company.name = "BENCH SRL"
        account = setup(env, sim)

        _created, bindings = import_orders(env, sim, account, ORDERS)
        parked = bindings.filtered(lambda b: b.state != "imported" or not b.sale_order_id)
        log(f"{len(bindings)} orders imported, {len(parked)} parked: {parked[:1].message}")
        sim.clear_received()
        latencies = fulfil(env, bindings)
        calls = len(sim.received())
        done = env["emag.fulfilment"].search_count(
            [("emag_order_id", "in", bindings.ids), ("state", "=", "done")]
        )
        log(f"{done}/{len(bindings)} pipelines done, {calls} eMAG calls")

        sim.clear_received()
        sim.add_fault("commit_then_timeout", route="awb/save", probability=0.3)
        created, fault_bindings = import_orders(env, sim, account, FAULT_ORDERS)
        fulfil(env, fault_bindings)
        awbs = sim.state.account(USER).awbs.values()
        per_order = {}
        for awb in awbs:
            per_order[awb["order_id"]] = per_order.get(awb["order_id"], 0) + 1
        duplicates = sum(max(0, per_order.get(order["id"], 0) - 1) for order in created)
        missing = sum(1 for order in created if not per_order.get(order["id"]))
        log(
            f"fault run: {len(sim.received(route='awb/save'))} awb/save calls, "
            f"{missing} orders without AWB"
        )

        print(f"api_calls_per_order={calls / len(bindings):.2f}")
        print(f"duplicate_awbs={duplicates}")
        print(f"pipeline_p95_s={statistics.quantiles(latencies, n=20)[-1]:.3f}")
    finally:
        sim.stop()
        env.cr.rollback()


main(env)  # noqa: F821 (given by odoo shell)
