"""What the Odoo benchmarks share: their log, an eMAG offer of the simulator,
and the job runner's loop over queue_job's trapped jobs.

The benchmarks are fed to ``odoo-bin shell`` on standard input, so they find
this module through ``BENCH_DIR`` (``tools/bench.sh`` sets it; by default
``tests/bench`` under the current directory).
"""

import sys

from odoo.addons.queue_job.exception import RetryableJobError


def log(message):
    print(message, file=sys.stderr, flush=True)


def simulator_offer(offer_id, name, part_number, sale_price, ean, characteristic="1 buc"):
    """An offer as eMAG lists it: active, in stock, with what a category asks."""
    return {
        "id": offer_id,
        "category_id": 2735,
        "name": name,
        "part_number": part_number,
        "brand": "Exemplu",
        "description": "<p>bench</p>",
        "status": 1,
        "sale_price": sale_price,
        "min_sale_price": "1",
        "max_sale_price": "10000",
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 60000}],
        "handling_time": [{"warehouse_id": 1, "value": 1}],
        "images": [{"display_type": 1, "url": f"https://cdn.example.com/{offer_id}.jpg"}],
        "characteristics": [{"id": 6876, "value": characteristic}],
        "ean": [ean],
        "warranty": 24,
    }


def run_jobs(env, trap, rounds=100):
    """Perform the trapped jobs like the runner (a failed try waits for the next
    round), until none is left."""
    for _round in range(rounds):
        jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
        if not jobs:
            return
        for job in jobs:
            try:
                with env.cr.savepoint():
                    job.perform()
            except RetryableJobError:
                trap.enqueued_jobs.append(job)
    raise RuntimeError(f"jobs still queued after {rounds} rounds")
