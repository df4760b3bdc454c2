"""Benchmark: eMAG order import into Odoo (issue 5).

Runs inside ``odoo shell`` on a database of its own where ``emag_connector`` is
installed (``make bench`` creates it and drops it after), against the
in-process eMAG simulator. Each job runs as the job runner runs it: an empty
cache, then a commit. Prints exactly these lines on stdout::

    orders_per_s=<orders imported per second: poll + import jobs, 1,000 orders>
    ack_per_s=<orders acknowledged per second (paced by eMAG's 12 req/s limit)>
    import_overhead_ratio=<connector time per order / plain ORM create+confirm of the
                           same sale orders in batches of the same size, each
                           measured right after the import job it copies>
    queries_per_order_1k=<SQL queries per imported order, 1,000 products>
    queries_per_order_20k=<same with 20,000 products>
    buyer_checks=<registry calls made during the 1,000-order import (checks on import,
                  the buyers' answers cached beforehand: expected 0)>
    buyer_check_cache_hits=<company buyers of that import answered from the cache>
    duplicate_orders=<sale orders beyond one per eMAG order after the fault run>
    missing_orders=<orders of the fault run without a sale order>
    unacknowledged_orders=<orders of the fault run left unacknowledged>

Run::

    tools/odoo.sh -d emag_bench_orders -i emag_connector --stop-after-init   # once
    tools/odoo.sh shell -d emag_bench_orders --no-http --log-level=warn \\
        < tests/bench/bench_orders.py

Diagnostics go to stderr.
"""

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from odoo.fields import Command

from odoo.addons.emag_connector.lib.emag_simulator import EmagSimulator
from odoo.addons.emag_connector.lib.registry_simulator import RegistrySimulator
from odoo.addons.emag_connector.services.buyers.check import STATS as BUYER_STATS
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "tests/bench")).resolve()
sys.path.insert(0, str(BENCH_DIR))

from odoo_bench_support import log, simulator_offer  # noqa: E402

USER, PASSWORD = "bench-orders@example.ro", "bench-secret"
ORDERS = 1000
BASELINE_BATCHES = 10
QUERY_SAMPLE = 60
FAULT_ORDERS = 500
OFFERS = 40
# Company buyers (a quarter of the orders, as eMAG's generator draws them)
# come back: their registry answers are cached before the timed import.
COMPANY_CUIS = ["18547290", "14399840", "30834857", "16341004", "4221306"]


def offer(offer_id):
    return simulator_offer(
        offer_id,
        name=f"Produs bench {offer_id}",
        part_number=f"BENCH-{offer_id}",
        sale_price=str(
            ((Decimal(40 + offer_id) + Decimal("0.99")) / Decimal("1.21")).quantize(
                Decimal("0.0001")
            )
        ),
        ean=f"594{offer_id:010d}",
        characteristic="1 l",
    )


def create_products(env, count, prefix, first=1):
    """``count`` products with internal references ``<prefix>-<first>``, ``-<first+1>``..."""
    Product = env["product.product"].with_context(tracking_disable=True)
    numbers = range(first, first + count)
    for start in range(0, count, 1000):
        Product.create(
            [
                {"name": f"{prefix} {n}", "default_code": f"{prefix}-{n}", "type": "consu"}
                for n in numbers[start : start + 1000]
            ]
        )


def analyze(env):
    """What autovacuum does between a server's committed jobs: keep the planner's
    statistics in line with tables that grow by thousands of rows here."""
    env.cr.execute(
        "ANALYZE sale_order, sale_order_line, stock_picking, stock_move, stock_move_line, "
        "res_partner, emag_order, queue_job, stock_quant, product_product"
    )


def perform_committed(env, record):
    """Perform a queued job as the runner does: an empty cache, then a commit."""
    env.invalidate_all()
    job = Job.load(env, record.uuid)
    job.perform()
    record.state = "done"
    env.cr.commit()
    return job


def run_queued(env, methods, retries=20):
    """Perform the queued jobs of these methods, oldest first, like the runner."""
    for _round in range(retries):
        records = env["queue.job"].search(
            [("state", "=", "pending"), ("method_name", "in", methods)], order="id"
        )
        if not records:
            return
        for record in records:
            job = Job.load(env, record.uuid)
            # Started while it runs, as the runner marks it: a job may queue
            # its own follow-up (same identity key) for what it left undone.
            record.state = "started"
            try:
                with env.cr.savepoint():
                    job.perform()
                record.state = "done"
            except RetryableJobError:
                record.state = "pending"
    raise RuntimeError(f"jobs of {methods} still pending")


def plain_orm_copy(env, sources):
    """Create and confirm ``sources`` again with the plain ORM, in one batch as
    the import did, and commit; return the seconds."""
    values = [
        {
            "partner_id": source.partner_id.id,
            "partner_invoice_id": source.partner_invoice_id.id,
            "partner_shipping_id": source.partner_shipping_id.id,
            "pricelist_id": source.pricelist_id.id,
            "team_id": source.team_id.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "product_uom_qty": line.product_uom_qty,
                        "price_unit": line.price_unit,
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                    }
                )
                for line in source.order_line
            ],
        }
        for source in sources
    ]
    env.invalidate_all()
    tick = time.perf_counter()
    env["sale.order"].create(values).action_confirm()
    env.cr.commit()
    return time.perf_counter() - tick


def sample_orders(sim, count):
    """Orders of one fixed shape, so that query counts compare like with like."""
    return {
        str(
            sim.create_order(
                USER,
                status=1,
                locker=False,
                b2b=False,
                voucher=True,
                shipping_tax="15.99",
                lines=[{"product_id": 1, "quantity": 2}, {"product_id": 2, "quantity": 1}],
            )["id"]
        )
        for _n in range(count)
    }


def queries_per_import(env, account, wanted):
    """Poll, then perform the queued imports; SQL queries per order of the
    jobs importing only ``wanted`` orders."""
    poll(account)
    env.cr.commit()
    counts = []
    for record in env["queue.job"].search(
        [("method_name", "=", "_emag_import_orders"), ("state", "=", "pending")], order="id"
    ):
        ids = {str(raw["id"]) for raw in record.args[0]}
        before = env.cr.sql_log_count
        perform_committed(env, record)
        if ids <= wanted:
            counts.append((env.cr.sql_log_count - before) / len(ids))
    return sum(counts) / len(counts)


def poll(account):
    for _attempt in range(10):
        try:
            with account.env.cr.savepoint():
                return account._emag_poll_orders()
        except RetryableJobError:
            continue
    raise RuntimeError("poll kept failing")


def warm_buyer_cache(env, sim, account):
    """Import one order of each company buyer and run their registry checks;
    return the number of orders imported."""
    for cui in COMPANY_CUIS:
        sim.create_order(USER, status=1, locker=False, b2b=True, customer={"code": f"RO{cui}"})
    env.cr.commit()
    poll(account)
    env.cr.commit()
    run_queued(env, ["_emag_import_orders"])
    env.cr.commit()
    run_queued(env, ["_emag_check_buyer"])
    env.cr.commit()
    checked = env["res.partner"].search_count([("emag_registry_state", "=", "confirmed")])
    log(f"buyer cache warm: {checked} company buyers confirmed by the registry sandbox")
    return len(COMPANY_CUIS)


def main(env):
    env = env(context=dict(env.context, tracking_disable=True))
    sim = EmagSimulator(seed=42, rate_limits=False)
    sim.start()
    registry = RegistrySimulator(known_by_default=True).start()
    env.company.write(
        {
            "emag_buyer_check": "import",
            "emag_anaf_registry_url": registry.anaf_url,
            "emag_vies_wsdl_url": registry.vies_wsdl_url,
        }
    )
    try:
        sim.add_account(USER, PASSWORD, platform="emag_ro", vendor_name="BENCH SRL")
        for offer_id in range(1, OFFERS + 1):
            sim.add_offer(USER, offer(offer_id))
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        account = env["emag.account"].create(
            {
                "name": "Bench orders",
                "api_url": sim.base_url,
                "api_username": USER,
                "api_password": PASSWORD,
                "warehouse_id": warehouse.id,
            }
        )
        create_products(env, OFFERS, "BENCH")
        create_products(env, 1000 - OFFERS, "FILL1K")
        warm = warm_buyer_cache(env, sim, account)
        for n in range(ORDERS):
            if n % 4 == 0:
                cui = COMPANY_CUIS[n // 4 % len(COMPANY_CUIS)]
                sim.create_order(
                    USER, status=1, locker=False, b2b=True, customer={"code": f"RO{cui}"}
                )
            else:
                sim.create_order(USER, status=1, locker=False, b2b=False)
        env.cr.commit()
        BUYER_STATS.clear()
        log(f"{ORDERS} orders on the simulator")

        # --- import: poll (reads pages) + the import jobs it queued. The first
        # jobs are each followed by the plain-ORM baseline of the same sale
        # orders, so that both see the same load of a shared machine.
        started = time.perf_counter()
        poll(account)
        env.cr.commit()
        queued = env["queue.job"].search([("method_name", "=", "_emag_import_orders")], order="id")
        pairs = []
        paused = 0.0
        for index, record in enumerate(queued):
            if index % 5 == 0:
                tick = time.perf_counter()
                analyze(env)
                paused += time.perf_counter() - tick
            tick = time.perf_counter()
            perform_committed(env, record)
            ours = time.perf_counter() - tick
            if len(pairs) < BASELINE_BATCHES:
                tick = time.perf_counter()
                refs = [str(raw["id"]) for raw in record.args[0]]
                sources = env["sale.order"].search([("client_order_ref", "in", refs)])
                if sources:
                    plain = plain_orm_copy(env, sources)
                    pairs.append((ours / len(refs), plain / len(sources)))
                paused += time.perf_counter() - tick
            if index and index % 10 == 0:
                log(f"  {index} import jobs done")
        import_seconds = time.perf_counter() - started - paused
        buyer_stats = dict(BUYER_STATS)
        imported = env["emag.order"].search_count([("account_id", "=", account.id)]) - warm
        log(f"imported {imported} orders in {import_seconds:.1f}s ({len(queued)} jobs)")
        for state, message, count in env["emag.order"]._read_group(
            [("account_id", "=", account.id)], ["state", "message"], ["__count"]
        ):
            log(f"  {count} {state} {message or ''}")
        ratio = sum(ours for ours, _plain in pairs) / sum(plain for _ours, plain in pairs)
        per_pair = sorted(ours / plain for ours, plain in pairs)
        log(
            f"  per order: ours {1000 * sum(o for o, _p in pairs) / len(pairs):.0f} ms, plain "
            f"{1000 * sum(p for _o, p in pairs) / len(pairs):.0f} ms; ratio per batch: median "
            f"{per_pair[len(per_pair) // 2]:.2f}, over {len(pairs)} batches"
        )

        started = time.perf_counter()
        run_queued(env, ["_emag_acknowledge_orders"])
        ack_seconds = time.perf_counter() - started
        acked = env["emag.order"].search_count(
            [("account_id", "=", account.id), ("acknowledged_at", "!=", False)]
        )

        # --- SQL queries per imported order, 1,000 then 20,000 products
        analyze(env)
        queries_1k = queries_per_import(env, account, sample_orders(sim, QUERY_SAMPLE))
        create_products(env, 19000, "FILL20K")
        env.cr.commit()
        analyze(env)
        queries_20k = queries_per_import(env, account, sample_orders(sim, QUERY_SAMPLE))

        # --- fault run: 5xx, dropped connections, lost answers, 429 bursts, a dead worker
        fault_sim = EmagSimulator(seed=43, rate_limits=False)
        fault_sim.start()
        try:
            fault_sim.add_account(USER, PASSWORD, platform="emag_ro")
            for offer_id in range(1, OFFERS + 1):
                fault_sim.add_offer(USER, offer(offer_id))
            faulty = env["emag.account"].create(
                {
                    "name": "Bench faults",
                    "api_url": fault_sim.base_url,
                    "api_username": USER,
                    "api_password": PASSWORD,
                    "warehouse_id": warehouse.id,
                }
            )
            orders = [
                fault_sim.create_order(USER, status=1, locker=False) for _n in range(FAULT_ORDERS)
            ]
            fault_sim.add_fault("error", route="order/*", probability=0.2, status=503)
            fault_sim.add_fault("drop", route="order/*", probability=0.1)
            fault_sim.add_fault("commit_then_timeout", route="order/acknowledge", probability=0.1)
            fault_sim.add_fault("rate_limit", route="order/*", times=3)
            poll(faulty)
            run_queued(env, ["_emag_import_orders"])
            # The worker dies after the sale orders were committed, while it
            # acknowledges: its job stays "started" and nobody finishes it.
            env["queue.job"].search(
                [("method_name", "=", "_emag_acknowledge_orders"), ("state", "=", "pending")]
            ).state = "started"
            poll(faulty)  # the overlap reads the same orders again
            run_queued(env, ["_emag_import_orders"])
            env["emag.account"]._cron_order_alarms()
            run_queued(env, ["_emag_acknowledge_orders"])
            refs = [str(order["id"]) for order in orders]
            for state, message, count in env["emag.order"]._read_group(
                [("account_id", "=", faulty.id)], ["state", "message"], ["__count"]
            ):
                log(f"  fault run: {count} {state} {message or ''}")
            counts = env["sale.order"]._read_group(
                [("emag_account_id", "=", faulty.id), ("client_order_ref", "in", refs)],
                ["client_order_ref"],
                ["__count"],
            )
            duplicates = sum(count - 1 for _ref, count in counts)
            missing = len(refs) - len(counts)
            unacked = sum(
                1 for order in orders if fault_sim.get_order(USER, order["id"])["status"] == 1
            )
        finally:
            fault_sim.stop()

        print(f"orders_per_s={imported / import_seconds:.1f}")
        print(f"ack_per_s={acked / ack_seconds:.1f}")
        print(f"import_overhead_ratio={ratio:.2f}")
        print(f"queries_per_order_1k={queries_1k:.1f}")
        print(f"queries_per_order_20k={queries_20k:.1f}")
        print(f"buyer_checks={buyer_stats.get('buyer_checks', 0)}")
        print(f"buyer_check_cache_hits={buyer_stats.get('buyer_check_cache_hits', 0)}")
        print(f"duplicate_orders={duplicates}")
        print(f"missing_orders={missing}")
        print(f"unacknowledged_orders={unacked}")
        sys.stdout.flush()
    finally:
        sim.stop()
        registry.stop()
        env.cr.rollback()


main(env)  # noqa: F821 - `env` is given by odoo shell
