"""A faithful local simulator of the eMAG Marketplace seller API ("api-3").

Pure Python (standard library only), it serves real HTTP on loopback so the
eMAG client, the Odoo connector and the demo run against the same behaviour
as production: Basic auth and IP whitelist refusals, the ``isError`` envelope,
pagination and counts, the order status matrix with its 48-hour windows,
acknowledge, order edits and storno, AWBs with PDF labels, attachments,
returns, offer validation, nomenclatures, rate limits, faults and callbacks.

Public API (kept stable; see README.md for the HTTP control API)::

    from emag_simulator import EmagSimulator

    with EmagSimulator(seed=1, rate_limits=True) as sim:   # or sim.start() / sim.stop()
        acct = sim.add_account("user@x.ro", "secret", platform="emag_ro")
        sim.base_url                 # "http://127.0.0.1:<port>/api-3"
        sim.add_offer("user@x.ro", {...product_offer/save entity...})
        order = sim.create_order("user@x.ro", status=1, payment_mode_id=1)
        sim.generate_orders("user@x.ro", 10)
        sim.customer_cancel / emag_cancel / edit_order_lines / mark_order_paid
        sim.set_order_status(user, order_id, status)          # test set-up, no matrix
        sim.create_return(user, order_id) / set_return_status / get_return
        sim.get_order / orders / get_offer / get_awb / set_awb_status
        sim.add_fault("timeout", route="awb/save", delay=3, times=1) / clear_faults()
        sim.set_rate_limits(False)
        sim.received(route="order/read")        # RecordedRequest list
        sim.callback_log                        # callback deliveries
        sim.clock.advance(hours=49)             # move business time forward
        sim.load_seed(path_or_dict)

Data tables for generated tests: ``ORDER_STATUS_TRANSITIONS`` (doc §9.2, with
``TransitionRule`` and ``transition_window``), ``RMA_STATUS_TRANSITIONS``
(§12.2), ``ORDER_STATUSES``, ``RMA_STATUSES``, ``CANCELLATION_REASONS``,
``PLATFORMS``, ``CATEGORIES``, ``LOCALITIES``, ``VAT_RATES``, ``HANDLING_TIMES``.

Standalone: ``python -m emag_simulator --port 8099 [--seed-file seeds/demo.json]``.
"""

from .clock import SimClock
from .faults import FAULT_KINDS
from .generator import gross_total
from .nomenclatures import (
    CANCELLATION_REASONS,
    CATEGORIES,
    HANDLING_TIMES,
    LOCALITIES,
    PLATFORMS,
    VAT_RATES,
)
from .orders import ORDER_STATUS_TRANSITIONS, ORDER_STATUSES, TransitionRule, transition_window
from .protocol import MAX_ENTITIES_PER_SAVE, MAX_INPUT_VARS
from .ratelimit import DEFAULT_LIMITS as RATE_LIMITS
from .rma import RMA_STATUS_TRANSITIONS, RMA_STATUSES
from .server import RecordedRequest
from .simulator import DEFAULT_SEED_FILE, EmagSimulator

__all__ = [
    "CANCELLATION_REASONS",
    "CATEGORIES",
    "DEFAULT_SEED_FILE",
    "FAULT_KINDS",
    "HANDLING_TIMES",
    "LOCALITIES",
    "MAX_ENTITIES_PER_SAVE",
    "MAX_INPUT_VARS",
    "ORDER_STATUSES",
    "ORDER_STATUS_TRANSITIONS",
    "PLATFORMS",
    "RATE_LIMITS",
    "RMA_STATUSES",
    "RMA_STATUS_TRANSITIONS",
    "VAT_RATES",
    "EmagSimulator",
    "RecordedRequest",
    "SimClock",
    "TransitionRule",
    "gross_total",
    "transition_window",
]
