"""In-memory state of the simulated marketplace.

Everything lives under one re-entrant lock: HTTP handlers, Python control
calls and the callback thread all take it, so a request sees and leaves a
consistent state. Handlers are fast (no I/O) so a single lock is plenty.
"""

import copy
import random
import threading
from dataclasses import dataclass, field

from .clock import SimClock
from .nomenclatures import PLATFORMS, addresses_for, courier_accounts_for


@dataclass
class OrderRecord:
    """An order as emitted on the wire plus the instants behind its time windows."""

    data: dict
    finalized_at: object = None  # naive local datetime of the last move to status 4
    canceled_at: object = None  # naive local datetime of the last move to status 0
    # Customer details eMAG fills in later on an incomplete order (``is_complete: 0``).
    pending_customer: dict = None

    @property
    def id(self):
        return self.data["id"]

    @property
    def status(self):
        return self.data["status"]


@dataclass
class Account:
    """One seller API user on one platform, with its own data and settings."""

    username: str
    password: str
    platform: str
    vendor_name: str
    country_code: str
    currency: str
    timezone: str
    clock: SimClock
    allowed_ips: list = None  # None = any client IP is accepted
    refuse_ip: str = None  # when set, every call is refused reporting this IP
    callback_url: str = None  # new-order callback (GET ?order_id=)
    cancel_callback_url: str = None  # order-cancellation callback
    callback_interval: float = 60.0  # seconds between repeated new-order callbacks
    callback_max_attempts: int = 5
    return_period_days: int = 30  # customer return period; 4->5 allowed until +5 days
    auto_approve_documentation: bool = True
    courier_accounts: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    orders: dict = field(default_factory=dict)  # id -> OrderRecord
    offers: dict = field(default_factory=dict)  # seller product id -> offer dict
    rmas: dict = field(default_factory=dict)  # emag_id -> rma dict
    awbs: dict = field(default_factory=dict)  # emag_id -> awb dict
    # Pricing (market.py): the seller's rank among sellers breaks buy-button ties.
    seller_rank: int = 5
    campaigns: dict = field(default_factory=dict)  # campaign id -> campaign dict
    proposals: dict = field(default_factory=dict)  # (campaign id, offer id) -> proposal
    emag_invoices: list = field(default_factory=list)  # eMAG's invoices to the seller (§15)
    customer_invoices: list = field(default_factory=list)  # issued by eMAG for the seller
    vendor_cif: str = "RO18547290"  # the seller's fiscal code on eMAG's invoices
    commissioned_orders: set = field(default_factory=set)  # ids already on a commission invoice

    def now(self):
        """Naive platform-local time, the format of every eMAG timestamp."""
        return self.clock.local_now(self.timezone)

    def summary(self):
        return {
            "username": self.username,
            "platform": self.platform,
            "vendor_name": self.vendor_name,
            "country_code": self.country_code,
            "currency": self.currency,
            "allowed_ips": self.allowed_ips,
            "refuse_ip": self.refuse_ip,
            "callback_url": self.callback_url,
            "cancel_callback_url": self.cancel_callback_url,
            "orders": len(self.orders),
            "offers": len(self.offers),
            "rmas": len(self.rmas),
            "awbs": len(self.awbs),
        }


@dataclass
class CatalogProduct:
    """A product of eMAG's shared catalogue (identified by its PNK)."""

    part_number_key: str
    mkt_id: int
    name: str
    brand: str
    category_id: int
    eans: list
    owner: str = None  # username owning the documentation, None for other sellers


# Start values of the id sequences, in the ranges real ids live in.
ID_STARTS = {
    "order": 412300000,
    "order_line": 598700000,
    "customer": 5120000,
    "voucher": 4120000,
    "rma": 3150000,
    "rma_line": 9120000,
    "awb": 255700000,
    "reservation": 4528000,
    "mkt_product": 88100000,
    "history": 77000,
    "emag_invoice": 100000,
}


class SimulatorState:
    """Accounts, the shared catalogue, id sequences and simulator-wide options."""

    def __init__(
        self,
        seed=0,
        clock=None,
        strict=False,
        max_items_per_page=100,
        enforce_date_window=True,
        offer_stock_list_form=False,
        orders_within_stock=False,
    ):
        self.lock = threading.RLock()
        self.seed = seed  # per-offer draws (market.py) derive their own generators from it
        self.rng = random.Random(seed)
        self.clock = clock or SimClock()
        self.strict = strict
        self.max_items_per_page = max_items_per_page
        self.enforce_date_window = enforce_date_window
        self.offer_stock_list_form = offer_stock_list_form
        # Generated orders buy only what the offers show in stock, as customers
        # on eMAG can (lines given by the caller are taken as they are).
        self.orders_within_stock = orders_within_stock
        self.accounts = {}
        self.catalog = {}  # PNK -> CatalogProduct
        self.ean_index = {}  # EAN -> PNK
        self._ids = dict(ID_STARTS)
        self.callbacks = None  # set by the simulator: a callbacks.CallbackDispatcher
        self.public_url = None  # "http://127.0.0.1:<port>" once serving (used in AWB links)

    def next_id(self, sequence):
        with self.lock:
            self._ids[sequence] += 1
            return self._ids[sequence]

    def add_account(
        self, username, password, platform="emag_ro", vendor_name=None, currency=None, **settings
    ):
        if platform not in PLATFORMS:
            raise ValueError(f"Unknown platform {platform!r}; known: {sorted(PLATFORMS)}")
        info = PLATFORMS[platform]
        with self.lock:
            if username in self.accounts:
                raise ValueError(f"Account {username!r} already exists")
            account = Account(
                username=username,
                password=password,
                platform=platform,
                vendor_name=vendor_name or f"{username.split('@')[0].upper()} SRL",
                country_code=info.country_code,
                currency=currency or info.currency,
                timezone=info.timezone,
                clock=self.clock,
                courier_accounts=courier_accounts_for(info.country_code),
                addresses=addresses_for(info.country_code),
                **settings,
            )
            self.accounts[username] = account
            return account

    def account(self, username):
        try:
            return self.accounts[username]
        except KeyError:
            raise KeyError(f"No simulated account {username!r}") from None

    def order(self, account, order_id):
        """The OrderRecord of ``account`` with this id (ids may arrive as strings)."""
        try:
            return account.orders.get(int(order_id))
        except (TypeError, ValueError):
            return None

    def add_catalog_product(self, name, brand, category_id, eans=(), owner=None, pnk=None):
        with self.lock:
            mkt_id = self.next_id("mkt_product")
            pnk = pnk or self._make_pnk(mkt_id)
            product = CatalogProduct(pnk, mkt_id, name, brand, category_id, list(eans), owner)
            self.catalog[pnk] = product
            for ean in product.eans:
                self.ean_index[ean] = pnk
            return product

    @staticmethod
    def _make_pnk(number):
        """PNK-like key: "D", base-36 digits, "BBM" (e.g. ``D5DD9BBBM``)."""
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        text = ""
        while number:
            number, rest = divmod(number, 36)
            text = digits[rest] + text
        return f"D{text}BBM"

    @staticmethod
    def snapshot(value):
        """A deep copy handed to callers so they never alias live state."""
        return copy.deepcopy(value)
