"""``EmagSimulator``: the object tests and the demo runner hold.

It owns the state, the HTTP server thread, the callback thread, the rate
limiter and the fault plan, and offers Python methods for everything the
control API exposes over HTTP. Every method returning order/offer/return data
returns a deep copy: mutating it never changes the simulator.
"""

import json
import threading
from pathlib import Path

from . import awb as awb_module
from . import market
from .callbacks import CallbackDispatcher
from .faults import FaultPlan
from .generator import OrderGenerator, gross_total
from .invoices import SERIES, make_invoice
from .offers import catalogue_entity, offer_view, save_product_offer, seed_catalogue
from .orders import (
    CANCELED,
    FINALIZED,
    IN_PROGRESS,
    NEW,
    PREPARED,
    make_line,
    offer_vat_rate,
    set_status,
    touch,
)
from .protocol import ApiError
from .ratelimit import RateLimiter
from .rma import create_return
from .server import SimulatorHTTPServer, serve_in_thread
from .store import SimulatorState

DEFAULT_SEED_FILE = Path(__file__).parent / "seeds" / "demo.json"


class EmagSimulator:
    """A local eMAG Marketplace API for one or several seller accounts.

    :param seed: seed of every random choice (order contents, ids of AWB numbers...)
    :param rate_limits: True (eMAG's limits), False (off) or a dict overriding
        buckets, e.g. ``{"other": ((1, 3), (60, 5))}``
    :param strict: reads ignore filters nested under ``data``; saves require
        ``{"data": [...]}``
    :param max_items_per_page: cap applied to ``itemsPerPage`` (never an error)
    :param enforce_date_window: refuse created/modified windows over one month
    :param offer_stock_list_form: also accept ``{"stock": [{warehouse_id, value}]}``
        on ``PATCH offer_stock/{id}``
    :param orders_within_stock: generated orders (no ``lines`` given) buy only
        what the offers' ``estimated_stock`` allows, as eMAG's customers can;
        with nothing in stock, placing one is refused (``ValueError``)
    :param clock: a ``SimClock`` (default: real time, shiftable via ``sim.clock``)
    """

    def __init__(
        self,
        seed=0,
        rate_limits=True,
        strict=False,
        host="127.0.0.1",
        port=0,
        max_items_per_page=100,
        enforce_date_window=True,
        offer_stock_list_form=False,
        orders_within_stock=False,
        clock=None,
    ):
        self.state = SimulatorState(
            seed=seed,
            clock=clock,
            strict=strict,
            max_items_per_page=max_items_per_page,
            enforce_date_window=enforce_date_window,
            offer_stock_list_form=offer_stock_list_form,
            orders_within_stock=orders_within_stock,
        )
        self.state.callbacks = CallbackDispatcher(self.state)
        self.rate_limiter = RateLimiter(
            enabled=bool(rate_limits), limits=rate_limits if isinstance(rate_limits, dict) else None
        )
        self.faults = FaultPlan(seed)
        self.stopping = threading.Event()
        self._host, self._port = host, port
        self._server = None
        self._received = []
        self._received_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    @property
    def clock(self):
        return self.state.clock

    @property
    def root_url(self):
        """``http://127.0.0.1:<port>`` (None before ``start``)."""
        return self.state.public_url

    @property
    def base_url(self):
        """``http://127.0.0.1:<port>/api-3``, what a client uses as API URL."""
        return f"{self.state.public_url}/api-3" if self.state.public_url else None

    def start(self):
        """Serve in background threads; returns ``base_url``."""
        if self._server:
            return self.base_url
        self.stopping.clear()
        self._server = SimulatorHTTPServer((self._host, self._port), self)
        host, port = self._server.server_address[:2]
        self.state.public_url = f"http://{host}:{port}"
        serve_in_thread(self._server)
        self.state.callbacks.start()
        return self.base_url

    def stop(self):
        """Stop serving; held (fault) connections are released at once."""
        if not self._server:
            return
        self.stopping.set()
        self.state.callbacks.stop()
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # ------------------------------------------------------------------- accounts

    def add_account(self, username, password, platform="emag_ro", **settings):
        """Create a seller account; ``settings`` are ``Account`` fields
        (``vendor_name``, ``currency``, ``allowed_ips``, ``refuse_ip``,
        ``callback_url``, ``cancel_callback_url``, ``callback_interval``,
        ``callback_max_attempts``, ``return_period_days``...)."""
        return self.state.add_account(username, password, platform, **settings)

    def account(self, username):
        return self.state.account(username)

    def configure_account(self, username, **settings):
        """Change account settings at run time (e.g. ``refuse_ip="203.0.113.7"``)."""
        account = self.state.account(username)
        with self.state.lock:
            for key, value in settings.items():
                if not hasattr(account, key) or key in (
                    "orders",
                    "offers",
                    "campaigns",
                    "proposals",
                    "rmas",
                    "awbs",
                    "clock",
                    "username",
                    "emag_invoices",
                    "customer_invoices",
                    "commissioned_orders",
                ):
                    raise ValueError(f"Unknown or read-only account setting {key!r}")
                setattr(account, key, value)
        return account

    # --------------------------------------------------------------------- offers

    def add_offer(self, username, offer):
        """Create/update an offer through product_offer/save rules.

        Raises ValueError when eMAG would reject it; documentation warnings
        are accepted (the offer is saved, as eMAG does)."""
        account = self.state.account(username)
        with self.state.lock:
            try:
                save_product_offer(self.state, account, dict(offer))
            except ApiError as exc:
                raise ValueError("; ".join(exc.messages)) from exc
            return self.get_offer(username, offer["id"])

    def seed_catalogue(self, username, count, start_id=1, prefix="EXT", ean_base=594_100_000_000):
        """An existing catalogue: ``count`` offers the seller created on eMAG by hand.

        Offer ``n`` (``start_id`` ≤ n) has part number ``{prefix}-{n:06d}``, one
        EAN (:func:`~.offers.ean13` of ``ean_base + n``), an approved
        documentation of its own, a price and a stock. Returns the offers as
        ``product_offer/read`` shows them."""
        account = self.state.account(username)
        entities = [
            catalogue_entity(n, prefix, ean_base) for n in range(start_id, start_id + count)
        ]
        with self.state.lock:
            try:
                seed_catalogue(self.state, account, entities)
            except ApiError as exc:
                raise ValueError("; ".join(exc.messages)) from exc
            return [
                self.state.snapshot(offer_view(self.state, account, account.offers[e["id"]], False))
                for e in entities
            ]

    def add_catalog_product(self, name, brand, category_id, eans=(), pnk=None):
        """A product of another seller, so offers can attach by PNK or EAN."""
        product = self.state.add_catalog_product(name, brand, category_id, eans, pnk=pnk)
        return product.part_number_key

    def get_offer(self, username, offer_id):
        account = self.state.account(username)
        with self.state.lock:
            return self.state.snapshot(
                offer_view(self.state, account, account.offers[int(offer_id)], True)
            )

    def set_offer_campaign(self, username, offer_id, campaign):
        """Put an offer in a stock-in-site campaign (``None`` to take it out)."""
        account = self.state.account(username)
        with self.state.lock:
            account.offers[int(offer_id)]["_campaign"] = campaign
            return self.get_offer(username, offer_id)

    # -------------------------------------------------------------------- pricing

    def set_competitors(self, username, offer_id, competitors):
        """Replace the competitors of an offer: ``[(net price, seller rank), ...]``."""
        account = self.state.account(username)
        with self.state.lock:
            account.offers[int(offer_id)]["_competitors"] = [
                {"price": float(price), "rank": int(rank)} for price, rank in competitors
            ]
            return self.get_offer(username, offer_id)

    def competitors(self, username, offer_id):
        account = self.state.account(username)
        with self.state.lock:
            offer = account.offers[int(offer_id)]
            return self.state.snapshot(market.competitors(self.state, account, offer))

    def set_smart_deals_price(self, username, offer_id, price):
        account = self.state.account(username)
        with self.state.lock:
            account.offers[int(offer_id)]["_smart_deals_price"] = float(price)

    def add_campaign(self, username, campaign_id, name, start, end, **options):
        """A campaign of the account (``start``/``end``: naive local datetimes or
        ``"YYYY-MM-DD HH:MM:SS"``); options: ``stock_in_site``, ``min_discount``."""
        account = self.state.account(username)
        with self.state.lock:
            return dict(
                market.add_campaign(
                    account,
                    campaign_id,
                    name,
                    market.parse_campaign_date(start),
                    market.parse_campaign_date(end),
                    **options,
                )
            )

    def campaign_proposals(self, username):
        """``{(campaign id, offer id): proposal}`` accepted so far."""
        account = self.state.account(username)
        with self.state.lock:
            return self.state.snapshot(dict(account.proposals))

    # --------------------------------------------------------------------- orders

    def create_order(self, username, **options):
        """Generate one order; options: ``status``, ``order_type``, ``payment_mode_id``,
        ``b2b``, ``locker``, ``voucher``, ``shipping_tax``, ``date`` (naive local
        datetime), ``observation``, ``lines`` (``[{"product_id", "quantity"}]``),
        ``shipping_voucher`` (a shipping voucher listed in ``vouchers[]`` too),
        ``cancellation_request`` (text), ``complete`` (False: ``is_complete: 0``
        until :meth:`complete_order`), ``customer`` (fields set over the
        generated customer); a line with ``"reverse_charge": True`` is charged
        without VAT (``reversible_vat_charging: 1``).
        Unset options are drawn from the seeded random source."""
        account = self.state.account(username)
        with self.state.lock:
            record = OrderGenerator(self.state, account).create(**options)
            return self.state.snapshot(record.data)

    def generate_orders(self, username, count, hours=24):
        """A realistic batch spread over the last ``hours`` (mixed statuses and types)."""
        account = self.state.account(username)
        with self.state.lock:
            records = OrderGenerator(self.state, account).create_day(count, hours)
            return [self.state.snapshot(r.data) for r in records]

    def _order_record(self, username, order_id):
        account = self.state.account(username)
        record = self.state.order(account, order_id)
        if record is None:
            raise KeyError(f"No order {order_id} for {username}")
        return account, record

    def get_order(self, username, order_id):
        with self.state.lock:
            return self.state.snapshot(self._order_record(username, order_id)[1].data)

    def orders(self, username):
        account = self.state.account(username)
        with self.state.lock:
            return [self.state.snapshot(r.data) for r in account.orders.values()]

    def complete_order(self, username, order_id):
        """eMAG completes the customer's details of an incomplete order
        (``is_complete`` 0 -> 1)."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            record.data["customer"].update(record.pending_customer or {})
            record.pending_customer = None
            record.data["is_complete"] = 1
            touch(account, record)
            return self.state.snapshot(record.data)

    def customer_cancel(self, username, order_id, request=False):
        """The customer cancels: a new order is canceled by eMAG (reason 2); an
        acknowledged one gets a ``cancellation_request``, and so does a new one
        with ``request`` (eMAG does both). Fires the cancel callback."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            if record.status == NEW and not request:
                set_status(account, record, CANCELED, reason_id=2)
            elif record.status in (NEW, IN_PROGRESS, PREPARED):
                record.data["cancellation_request"] = "Clientul a solicitat anularea comenzii"
            else:
                raise ValueError(
                    f"Order {order_id} in status {record.status} cannot be canceled by the customer"
                )
            touch(account, record)
            self.state.callbacks.order_canceled(account, record.id)
            return self.state.snapshot(record.data)

    def emag_cancel(self, username, order_id, reason=19):
        """eMAG cancels the order itself (e.g. card payment not received)."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            set_status(account, record, CANCELED, reason_id=reason)
            touch(account, record)
            self.state.callbacks.order_canceled(account, record.id)
            return self.state.snapshot(record.data)

    def edit_order_lines(self, username, order_id, quantities=None, remove=(), add=()):
        """eMAG staff edit lines at the customer's request (before shipping).

        ``quantities`` maps line id -> new quantity, ``remove`` lists line ids,
        ``add`` lists ``{"product_id", "quantity"}`` of existing offers."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            if record.status not in (NEW, IN_PROGRESS, PREPARED):
                raise ValueError(f"Order {order_id} in status {record.status} cannot be edited")
            lines = {line["id"]: line for line in record.data["products"]}
            touched = []
            for line_id, quantity in (quantities or {}).items():
                line = lines[int(line_id)]
                line["quantity"] = int(quantity)
                touched.append(line)
            for line_id in remove:
                lines[int(line_id)]["status"] = 0
                touched.append(lines[int(line_id)])
            for spec in add:
                offer = account.offers[int(spec["product_id"])]
                line = make_line(
                    account,
                    offer["id"],
                    offer["name"],
                    int(spec.get("quantity", 1)),
                    offer["sale_price"],
                    offer_vat_rate(account, offer),
                    offer,
                )
                line["id"] = self.state.next_id("order_line")
                record.data["products"].append(line)
                touched.append(line)
            touch(account, record, *touched)
            return self.state.snapshot(record.data)

    def mark_order_paid(self, username, order_id, amount=None):
        """Payment event: eMAG received the money (COD collected or transfer)."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            data = record.data
            paid = float(amount if amount is not None else gross_total(data))
            data["payment_status"] = 1
            if data["payment_mode_id"] == 1:
                data["cashed_cod"] = paid
            else:
                data["cashed_co"] = paid
            touch(account, record)
            return self.state.snapshot(data)

    def refund_order(self, username, order_id, amount, status="completed"):
        """Payment event: eMAG paid ``amount`` back to the customer (a storno,
        a return, a canceled card order). ``refunded_amount`` is the running
        total, as eMAG shows it (a string, like on the wire)."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            record.data["refunded_amount"] = f"{float(amount):.2f}"
            record.data["refund_status"] = status
            touch(account, record)
            return self.state.snapshot(record.data)

    def settle_money(self, username, cod_after_days=3):
        """Time moves the money: the couriers hand eMAG the cash of the COD
        orders finalized ``cod_after_days`` ago or more (``cashed_cod`` and
        ``payment_status`` change, and ``modified`` with them, so the order
        poll sees it). Returns the ids of the orders that changed."""
        changed = []
        with self.state.lock:
            account = self.state.account(username)
            now = account.now()
            for record in account.orders.values():
                data = record.data
                if (
                    data.get("payment_mode_id") == 1
                    and not data.get("payment_status")
                    and record.status == FINALIZED
                    and record.finalized_at is not None
                    and (now - record.finalized_at).days >= cod_after_days
                ):
                    data["payment_status"] = 1
                    data["cashed_cod"] = float(gross_total(data))
                    touch(account, record)
                    changed.append(record.id)
        return changed

    def issue_invoice(self, username, category, lines, date=None, number=None):
        """eMAG invoices the seller (commission, transport, …): a document of
        ``invoice/read``. ``lines``: ``[{"product_name", "quantity",
        "unit_price", "vat_rate"}]``. Returns it."""
        with self.state.lock:
            account = self.state.account(username)
            if number is None:
                number = f"{SERIES[category]}-{self.state.next_id('emag_invoice')}"
            invoice = make_invoice(account, number, category, lines, date or account.now())
            account.emag_invoices.append(invoice)
            return self.state.snapshot(invoice)

    def issue_commission_invoice(self, username, rate="0.1", date=None):
        """The commission invoice of every order finalized and not yet
        commissioned: one line per order, ``rate`` of its value without VAT."""
        with self.state.lock:
            account = self.state.account(username)
            done = account.commissioned_orders
            lines = []
            for record in account.orders.values():
                if record.status != FINALIZED or record.id in done:
                    continue
                done.add(record.id)
                net = sum(
                    float(line["sale_price"]) * int(line["quantity"])
                    for line in record.data["products"]
                    if line.get("status", 1)
                )
                lines.append(
                    {
                        "product_name": f"Comision vanzare comanda {record.id}",
                        "quantity": 1,
                        "unit_price": round(net * float(rate), 2),
                        "vat_rate": 21,
                    }
                )
        return self.issue_invoice(username, "FC", lines, date=date) if lines else None

    def storno_invoice(self, username, number, lines=None, date=None):
        """A storno of eMAG's invoice ``number`` (all its lines by default)."""
        with self.state.lock:
            account = self.state.account(username)
            original = next(i for i in account.emag_invoices if i["number"] == number)
            lines = lines or [
                {
                    "product_name": line["product_name"],
                    "quantity": abs(line["quantity"]),
                    "unit_price": line["unit_price"],
                    "vat_rate": line["vat_rate"],
                }
                for line in original["lines"]
            ]
            storno = make_invoice(
                account,
                f"{SERIES[original['category']]}-{self.state.next_id('emag_invoice')}",
                original["category"],
                lines,
                date or account.now(),
                storno_of=number,
            )
            account.emag_invoices.append(storno)
            return self.state.snapshot(storno)

    def set_order_status(self, username, order_id, status):
        """Force a status (test set-up), bypassing the matrix; dates follow the change."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            set_status(account, record, int(status), reason_id=2 if status == CANCELED else None)
            touch(account, record)
            return self.state.snapshot(record.data)

    def forget_finalization_date(self, username, order_id):
        """eMAG shows a finalized order without its ``finalization_date``
        (null, as seen in production): the 48-hour and return windows then
        have no start."""
        with self.state.lock:
            account, record = self._order_record(username, order_id)
            record.data["finalization_date"] = None
            touch(account, record)
            return self.state.snapshot(record.data)

    # -------------------------------------------------------------------- returns

    def create_return(self, username, order_id, **options):
        """A customer return (RMA) on an order; options: ``lines``
        (``[{"order_line_id", "quantity"}]``), ``return_type``, ``return_reason``,
        ``request_status``, ``pickup_method``, ``observations``, ``replacement``
        (type 2: ``{"product_id", "quantity"}`` of the product wanted instead)."""
        account = self.state.account(username)
        with self.state.lock:
            return self.state.snapshot(create_return(self.state, account, order_id, **options))

    def get_return(self, username, emag_id):
        account = self.state.account(username)
        with self.state.lock:
            return self.state.snapshot(account.rmas[int(emag_id)])

    def set_return_status(self, username, emag_id, status):
        """Force an RMA status (test set-up), bypassing the matrix."""
        account = self.state.account(username)
        with self.state.lock:
            account.rmas[int(emag_id)]["request_status"] = int(status)
            return self.state.snapshot(account.rmas[int(emag_id)])

    # ------------------------------------------------------------------------ AWB

    def get_awb(self, username, emag_id):
        account = self.state.account(username)
        with self.state.lock:
            return self.state.snapshot(account.awbs[int(emag_id)])

    def set_awb_status(self, username, emag_id, code):
        """Courier event; ``code`` in NEW, PIC, TRN, DLV, RTS."""
        account = self.state.account(username)
        with self.state.lock:
            return self.state.snapshot(awb_module.set_awb_status(account, emag_id, code))

    # ------------------------------------------------------ faults, limits, record

    def add_fault(
        self, kind, route="*", username=None, times=None, probability=1.0, delay=0.0, status=500
    ):
        """Inject a fault (see ``emag_simulator.faults``); returns its description."""
        return self.faults.add(kind, route, username, times, probability, delay, status).as_dict()

    def clear_faults(self):
        self.faults.clear()

    def set_rate_limits(self, enabled):
        self.rate_limiter.enabled = bool(enabled)
        self.rate_limiter.reset()

    def _log_request(self, record):
        with self._received_lock:
            self._received.append(record)

    def received(self, route=None, username=None):
        """Requests received so far (``RecordedRequest`` objects), oldest first,
        optionally only one route key (e.g. ``"order/read"``) or one user."""
        with self._received_lock:
            return [
                r
                for r in self._received
                if (route is None or r.route == route)
                and (username is None or r.username == username)
            ]

    def clear_received(self):
        with self._received_lock:
            self._received.clear()

    @property
    def callback_log(self):
        """Callback deliveries attempted: dicts with kind, order_id, url, attempt,
        status (HTTP code) or error."""
        return list(self.state.callbacks.log)

    # ----------------------------------------------------------------------- seed

    def load_seed(self, seed=DEFAULT_SEED_FILE):
        """Load accounts, offers, orders and returns from a dict or a JSON file.

        Format: ``{"accounts": [{"username", "password", "platform", "settings": {...},
        "offers": [product_offer entities], "catalogue": {"count": N, "start_id": 1,
        "prefix": "EXT"} (offers created outside any connector, see ``seed_catalogue``),
        "orders": {"count": N, "hours": 24},
        "returns": N}]}``. Returns the list of account usernames created."""
        if not isinstance(seed, dict):
            seed = json.loads(Path(seed).read_text(encoding="utf-8"))
        created = []
        for spec in seed.get("accounts", []):
            username = spec["username"]
            self.add_account(
                username,
                spec["password"],
                spec.get("platform", "emag_ro"),
                **spec.get("settings", {}),
            )
            for offer in spec.get("offers", []):
                self.add_offer(username, offer)
            if spec.get("catalogue"):
                self.seed_catalogue(username, **spec["catalogue"])
            orders_spec = spec.get("orders") or {}
            if orders_spec.get("count"):
                self.generate_orders(username, orders_spec["count"], orders_spec.get("hours", 24))
            finalized = [
                o for o in self.orders(username) if o["status"] == FINALIZED and o["type"] == 3
            ]
            for order in finalized[: spec.get("returns", 0)]:
                self.create_return(username, order["id"])
            created.append(username)
        return created
