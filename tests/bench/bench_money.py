"""Benchmark: marketplace money in the books (issue 22).

Runs inside ``odoo shell`` on a database where ``emag_connector`` is
installed, against the in-process eMAG simulator (rate limits off). 200
orders (card and cash on delivery) are imported, shipped and invoiced; eMAG
then cashes most of them (some COD partly first, then corrected), refunds a
fifth of the card orders whose invoices were credited, and invoices its
commission, transport and a storno. Everything goes through the order poll
and the money jobs, performed in this process as the job runner would.
Prints exactly these lines on stdout::

    payments_registered=<live eMAG payments on invoices and credit notes>
    payment_mismatches=<orders whose invoices/credit notes do not show eMAG's figures> [0]
    vendor_bills=<bills booked from eMAG's invoices>
    duplicate_vendor_bills=<eMAG invoice numbers on more than one bill, after reading twice> [0]
    payout_diff=<what remains on the clearing account after reconciling a bank line of
                 the expected payout> [0.00]
    money_settle_s=<seconds for the poll that registers the payments of 200 orders>

Run::

    tools/odoo.sh -d emag_bench_money -i emag_connector --stop-after-init   # once
    tools/odoo.sh shell -d emag_bench_money --no-http --log-level=warn < tests/bench/bench_money.py

Diagnostics go to stderr.
"""

import os
import random
import sys
import time
from pathlib import Path

from odoo import fields

from odoo.addons.emag_connector.lib.emag_simulator import EmagSimulator
from odoo.addons.emag_connector.services.money import payout
from odoo.addons.queue_job.tests.common import trap_jobs

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "tests/bench")).resolve()
sys.path.insert(0, str(BENCH_DIR))

from odoo_bench_support import log, run_jobs, simulator_offer  # noqa: E402

USER, PASSWORD = "bench-money@example.ro", "bench-secret"
ORDERS = 200
OFFERS = 8


def offer(offer_id):
    return simulator_offer(
        offer_id,
        name=f"Produs bani {offer_id}",
        part_number=f"MONEY-{offer_id}",
        sale_price=f"{37 + 11.37 * offer_id:.4f}",
        ean=f"59412000{offer_id:05d}",
        characteristic="1 buc",
    )


def setup(env, sim):
    company = env.company
    if not env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    ):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    Tax = env["account.tax"]
    if not Tax.search(
        [
            ("company_id", "=", company.id),
            ("type_tax_use", "=", "purchase"),
            ("amount", "=", 21.0),
            ("price_include", "=", False),
        ],
        limit=1,
    ):
        Tax.create(
            {
                "name": "21% purchase",
                "amount": 21.0,
                "type_tax_use": "purchase",
                "company_id": company.id,
            }
        )
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    account = env["emag.account"].create(
        {
            "name": "eMAG bench money",
            "platform": "emag_ro",
            "company_id": company.id,
            "api_url": sim.base_url,
            "api_username": USER,
            "api_password": PASSWORD,
            "warehouse_id": warehouse.id,
        }
    )
    for offer_id in range(1, OFFERS + 1):
        sim.add_offer(USER, offer(offer_id))
        product = env["product.product"].create(
            {
                "name": f"Produs bani {offer_id}",
                "default_code": f"MONEY-{offer_id}",
                "type": "consu",
                "is_storable": True,
            }
        )
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 100000)
    return account


def poll(env, account):
    with trap_jobs() as trap:
        account._emag_poll_orders()
        run_jobs(env, trap, rounds=200)
    env.invalidate_all()


def read_invoices(env, account):
    with trap_jobs() as trap:
        account._emag_enqueue_vendor_bills()
        run_jobs(env, trap, rounds=200)
    env.invalidate_all()


def ship_and_invoice(env, bindings):
    with trap_jobs() as trap:
        for binding in bindings:
            sale_order = binding.sale_order_id
            delivery = sale_order.picking_ids
            for move in delivery.move_ids:
                move.quantity = move.product_uom_qty
            delivery.move_ids.picked = True
            delivery._action_done()
            sale_order._create_invoices().action_post()
        run_jobs(env, trap, rounds=200)
    env.invalidate_all()


def mismatches(env, account):
    """Orders whose books do not show eMAG's figures."""
    wrong = 0
    for binding in env["emag.order"].search([("account_id", "=", account.id)]):
        invoices = binding.sale_order_id.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        refunds = env["account.move"].search(
            [("reversed_entry_id", "in", invoices.ids), ("state", "=", "posted")]
        )
        currency = binding.currency_id
        total = sum(invoices.mapped("amount_total"))
        cashed = min(binding.emag_cashed, total)
        paid = total - sum(invoices.mapped("amount_residual"))
        refunded = sum(refunds.mapped("amount_total")) - sum(refunds.mapped("amount_residual"))
        if currency.compare_amounts(paid, cashed) or currency.compare_amounts(
            refunded, min(binding.emag_refunded, sum(refunds.mapped("amount_total")))
        ):
            wrong += 1
            log(f"mismatch {binding.emag_id}: paid {paid} vs {cashed}, refunded {refunded}")
    return wrong


def main(env):
    rng = random.Random(22)
    sim = EmagSimulator(seed=22, rate_limits=False)
    sim.start()
    try:
        sim.add_account(USER, PASSWORD, platform="emag_ro", vendor_name="BANI SRL")
        account = setup(env, sim)
        orders = []
        for _index in range(ORDERS):
            lines = [
                {"product_id": rng.randint(1, OFFERS), "quantity": rng.randint(1, 3)}
                for _line in range(rng.randint(1, 2))
            ]
            orders.append(
                sim.create_order(
                    USER, status=1, locker=False, lines=lines, payment_mode_id=rng.choice((1, 3))
                )
            )
        poll(env, account)
        bindings = env["emag.order"].search(
            [("account_id", "=", account.id), ("sale_order_id", "!=", False)]
        )
        log(f"{len(bindings)} orders imported")
        ship_and_invoice(env, bindings)
        for order in orders:
            sim.set_order_status(USER, order["id"], 4)
        cod = [o for o in orders if o["payment_mode_id"] == 1]
        card = [o for o in orders if o["payment_mode_id"] == 3]
        # Some COD cash arrives partly first, then the rest (a corrected figure).
        for order in cod[: len(cod) // 4]:
            sim.mark_order_paid(
                USER, order["id"], amount=round(float(order["shipping_tax"]) + 10, 2)
            )
        poll(env, account)
        for order in cod[:-5]:  # the last five: the courier has not paid them yet
            sim.mark_order_paid(USER, order["id"])
        # A fifth of the card orders are credited in full and refunded by eMAG.
        for order in card[: len(card) // 5]:
            binding = bindings.filtered(lambda b, o=order: b.emag_id == str(o["id"]))
            invoice = binding.sale_order_id.invoice_ids[:1]
            credit = invoice._reverse_moves([{"ref": f"refund {order['id']}"}])
            credit.action_post()
            sim.refund_order(USER, order["id"], credit.amount_total)
        started = time.perf_counter()
        poll(env, account)
        settle_s = time.perf_counter() - started

        sim.issue_commission_invoice(USER)
        transport = sim.issue_invoice(
            USER,
            "FT",
            [
                {
                    "product_name": "Transport colete",
                    "quantity": 37,
                    "unit_price": 14.99,
                    "vat_rate": 21,
                }
            ],
        )
        sim.storno_invoice(
            USER,
            transport["number"],
            lines=[
                {"product_name": "Corectie", "quantity": 2, "unit_price": 14.99, "vat_rate": 21}
            ],
        )
        read_invoices(env, account)
        read_invoices(env, account)  # again: nothing twice
        bills = env["account.move"].search([("emag_account_id", "=", account.id)])
        numbers = bills.mapped("emag_invoice_number")
        duplicates = len(numbers) - len(set(numbers))

        payments = env["account.payment"].search(
            [
                ("emag_order_id.account_id", "=", account.id),
                ("state", "not in", ("draft", "canceled")),
            ]
        )
        figures = payout.payout_figures(account)
        bank = env["account.journal"].search(
            [
                ("company_id", "=", account.company_id.id),
                ("type", "=", "bank"),
                ("id", "!=", account.money_journal_id.id),
            ],
            limit=1,
        )
        line = env["account.bank.statement.line"].create(
            {
                "journal_id": bank.id,
                "date": fields.Date.today(),
                "payment_ref": "eMAG payout",
                "amount": figures.expected,
            }
        )
        line.action_emag_reconcile_payout()
        left = sum(payout.open_clearing_lines(account).mapped("balance"))
        log(
            f"cashed {figures.cashed:.2f} − refunds {figures.refunds:.2f} − invoices "
            f"{figures.invoices:.2f} = {figures.expected:.2f}; bank line reconciled: "
            f"{line.is_reconciled}"
        )
        print(f"payments_registered={len(payments)}")
        print(f"payment_mismatches={mismatches(env, account)}")
        print(f"vendor_bills={len(bills)}")
        print(f"duplicate_vendor_bills={duplicates}")
        print(f"payout_diff={abs(left):.2f}")
        print(f"money_settle_s={settle_s:.1f}")
    finally:
        sim.stop()
        env.cr.rollback()


main(env)  # noqa: F821 - provided by odoo shell
