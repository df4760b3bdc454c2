"""Benchmark of the offer stock computation and of the offer push (Odoo shell script).

Run inside an Odoo shell on a database where ``emag_connector`` is installed;
everything it creates is rolled back at the end::

    tools/odoo.sh shell -d <db> --no-http --log-level=warn < tests/bench/bench_stock.py

Prints on stdout:

    stock_compute_s=           20,000 published offers, batched computation
    stock_compute_baseline_s=  same offers, product.free_qty per product (warehouse context)
    stock_compute_speedup=     baseline / batched (target >= 10)
    queries_per_batch_1k=      SQL queries of the batched computation for 1,000 offers
    queries_per_batch_20k=     ... and for 20,000 (constant as the catalogue grows)
    full_push_ratio=           first sync of 5,000 offers, offers/s over 150 (limits on)
    noop_sync_calls=           API calls of the second, unchanged sync (target 0)

Diagnostics go to stderr.
"""

import sys
import time

from odoo.addons.emag_connector.lib.emag_simulator import EmagSimulator
from odoo.addons.emag_connector.services.offers.export import sync_offers
from odoo.addons.emag_connector.services.offers.stock import offer_quantities

N_OFFERS = 20000
N_PUSH = 5000
CEILING = 150.0  # 3 requests/s x 50 offers
USER, PASSWORD = "bench-stock@example.ro", "bench-secret"


def log(message):
    print(message, file=sys.stderr, flush=True)


def build_catalogue(env, warehouse, account, vat, category):
    """20,000 storable products with stock (some of it reserved) and one offer each."""
    started = time.monotonic()
    company = env.company
    Template = env["product.template"].with_context(tracking_disable=True, mail_create_nolog=True)
    templates = Template.browse()
    for start in range(0, N_OFFERS, 2000):
        templates |= Template.create(
            [
                {
                    "name": f"Cablu bench {index}",
                    "default_code": f"BENCH-{index}",
                    "type": "consu",
                    "is_storable": True,
                    "list_price": 50.0 + index % 50,
                    "taxes_id": [],
                }
                for index in range(start, min(start + 2000, N_OFFERS))
            ]
        )
    products = templates.product_variant_ids.sorted("id")
    log(f"products: {time.monotonic() - started:.1f}s")
    # Quants straight in SQL: 2 per product in the warehouse (one partly
    # reserved), plus one in another warehouse that must not count.
    other = env["stock.warehouse"].create({"name": "Bench FBE", "code": "BFBE"})
    account.fbe_warehouse_id = other
    env.cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                 reserved_quantity, in_date, create_date, write_date,
                                 create_uid, write_uid)
        SELECT p.id, loc.id, %(company)s, loc.qty + p.id %% 7, loc.reserved,
               now(), now(), now(), 1, 1
          FROM product_product p
          JOIN (VALUES (%(stock)s, 10, 3), (%(shelf)s, 5, 0), (%(fbe)s, 40, 0))
               AS loc(id, qty, reserved) ON TRUE
         WHERE p.id = ANY(%(ids)s)
        """,
        {
            "company": company.id,
            "stock": warehouse.lot_stock_id.id,
            "shelf": env["stock.location"]
            .create({"name": "Shelf", "location_id": warehouse.lot_stock_id.id})
            .id,
            "fbe": other.lot_stock_id.id,
            "ids": products.ids,
        },
    )
    env.invalidate_all()
    Offer = env["emag.offer"].with_context(tracking_disable=True, mail_create_nolog=True)
    offers = Offer.browse()
    for start in range(0, N_OFFERS, 2000):
        offers |= Offer.create(
            [
                {
                    "account_id": account.id,
                    "product_id": product.id,
                    "vat_id": vat.id,
                    "category_id": category.id,
                    "brand": "Exemplu",
                    "image_urls": f"https://cdn.example.com/{product.id}.jpg",
                    "handling_time": 1,
                    "publish": True,
                }
                for product in products[start : start + 2000]
            ]
        )
    env.flush_all()
    log(f"catalogue ready: {time.monotonic() - started:.1f}s")
    return offers


def count_queries(env, function):
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    function()
    return env.cr.sql_log_count - before


def bench_stock(env, offers, warehouse):
    env.invalidate_all()
    started = time.monotonic()
    batched = offer_quantities(env, offers.ids)
    stock_s = time.monotonic() - started
    env.invalidate_all()
    started = time.monotonic()
    baseline = {}
    for offer in offers:
        product = env["product.product"].browse(offer.product_id.id)
        baseline[offer.id] = product.with_context(warehouse_id=warehouse.id).free_qty
        product.invalidate_recordset(["free_qty"])
    baseline_s = time.monotonic() - started
    mismatches = sum(1 for offer in offers if int(baseline[offer.id]) != batched[offer.id])
    log(f"stock: batched {stock_s:.2f}s, baseline {baseline_s:.2f}s, mismatches {mismatches}")
    queries_1k = count_queries(env, lambda: offer_quantities(env, offers[:1000].ids))
    queries_20k = count_queries(env, lambda: offer_quantities(env, offers.ids))
    print(f"stock_compute_s={stock_s:.3f}")
    print(f"stock_compute_baseline_s={baseline_s:.3f}")
    print(f"stock_compute_speedup={baseline_s / stock_s:.1f}")
    print(f"queries_per_batch_1k={queries_1k}")
    print(f"queries_per_batch_20k={queries_20k}")
    print(f"queries_per_batch={queries_20k}")
    sys.stdout.flush()


def bench_push(env, account, offers, sim):
    subset = offers[:N_PUSH]
    env.invalidate_all()
    started = time.monotonic()
    first = sync_offers(account, subset)
    elapsed = time.monotonic() - started
    rate = first.created / elapsed
    log(
        f"first sync: {first.created} created, {first.refused} refused, "
        f"{first.attention} attention, {first.api_calls} calls in {elapsed:.1f}s "
        f"({rate:.1f} offers/s), aborted={first.aborted_by}"
    )
    calls_before = len(sim.received())
    second = sync_offers(account, subset)
    noop_calls = len(sim.received()) - calls_before
    log(f"second sync: {second.unchanged} unchanged, {second.api_calls} calls")
    print(f"full_push_ratio={rate / CEILING:.3f}")
    print(f"noop_sync_calls={noop_calls}")
    sys.stdout.flush()


def main(env):
    sim = EmagSimulator(seed=7, rate_limits=True)
    sim.start()
    try:
        sim.add_account(USER, PASSWORD, platform="emag_ro")
        warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        account = env["emag.account"].create(
            {
                "name": "eMAG bench",
                "platform": "emag_ro",
                "api_url": sim.base_url,
                "api_username": USER,
                "api_password": PASSWORD,
                "warehouse_id": warehouse.id,
                "currency_id": env.company.currency_id.id,
            }
        )
        vat = env["emag.vat"].create(
            {"platform": "emag_ro", "emag_id": 1, "rate": 0.21, "is_default": True}
        )
        category = env["emag.category"].create(
            {"platform": "emag_ro", "emag_id": 3120, "name": "Cabluri", "is_allowed": True}
        )
        offers = build_catalogue(env, warehouse, account, vat, category)
        bench_stock(env, offers, warehouse)
        bench_push(env, account, offers, sim)
    finally:
        sim.stop()
        env.cr.rollback()


main(env)  # noqa: F821 (``env`` is given by the Odoo shell)
