# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..services.offers.allocation import (
    DEFAULT_LOW_STOCK_THRESHOLD,
    DEFAULT_POLICY,
    FIXED_SHARES,
    LOW_STOCK_PRIORITY,
    WHOLE_POOL,
)
from ..services.offers.catalog import (
    STALE_AFTER_DAYS,
    sync_categories_page,
    sync_category_details,
    sync_handling_times,
    sync_vat_rates,
)
from ..services.offers.export import refresh_offer_status, sync_offers

OFFERS_CHANNEL = "root.emag.offers"
STOCK_PUSH_DELAY = 10  # seconds: one push for the burst of moves of a picking
# Written on one account, these apply to every account sharing its warehouse.
WAREHOUSE_ALLOCATION_FIELDS = ("stock_allocation_policy", "low_stock_threshold")
STATUS_REFRESH_DELAY = 60  # seconds: eMAG validates attached offers within moments
DETAILS_PER_JOB = 10


class EmagAccount(models.Model):
    """Offer settings of an account: stock buffer and share, price band, and the jobs."""

    _inherit = "emag.account"

    stock_buffer = fields.Integer(
        string="Stock Buffer",
        default=0,
        help="Units of every product kept back from this account, e.g. for shop sales.",
    )
    stock_allocation_policy = fields.Selection(
        [
            (WHOLE_POOL, "Whole pool"),
            (LOW_STOCK_PRIORITY, "Low-stock priority"),
            (FIXED_SHARES, "Fixed shares"),
        ],
        string="Stock Allocation",
        default=DEFAULT_POLICY,
        required=True,
        help="How the free quantity of a warehouse shared by several accounts is offered; "
        "the same for every account of the warehouse. Whole pool: every account offers "
        "all of it, a sale anywhere lowers the others within seconds. Low-stock priority: "
        "the same, but at or below the threshold only the first account in priority "
        "offers the remaining units, so the last unit is never sold twice. Fixed shares: "
        "each account offers its share.",
    )
    stock_priority = fields.Integer(
        string="Stock Priority",
        default=10,
        help="Under low-stock priority, the account with the lowest number offers the "
        "last units of a product.",
    )
    low_stock_threshold = fields.Integer(
        string="Low-Stock Threshold",
        default=DEFAULT_LOW_STOCK_THRESHOLD,
        help="Under low-stock priority: at or below this many free units, a product is "
        "offered on one account only.",
    )
    stock_share_percent = fields.Float(
        string="Warehouse Share (%)",
        default=100.0,
        help="Under fixed shares: part of the warehouse's free quantity this account may "
        "offer; shares adding up to more than 100 % are scaled down, and the units are "
        "split by largest remainder so none is lost to rounding.",
    )
    price_band_percent = fields.Float(
        string="Price Band (%)",
        default=30.0,
        help="Allowed deviation of the eMAG price from the product's sales price; eMAG "
        "refuses prices outside [min, max], and so does the connector before sending. "
        "Offers may set their own minimum and maximum.",
    )
    offer_ids = fields.One2many("emag.offer", "account_id", string="Offers")
    offer_count = fields.Integer(compute="_compute_offer_count")
    shared_warehouse_warning = fields.Char(compute="_compute_shared_warehouse_warning")

    _low_stock_threshold_positive = models.Constraint(
        "CHECK(low_stock_threshold >= 0)", "The low-stock threshold cannot be negative."
    )
    _stock_buffer_positive = models.Constraint(
        "CHECK(stock_buffer >= 0)", "The stock buffer cannot be negative."
    )
    _stock_share_range = models.Constraint(
        "CHECK(stock_share_percent >= 0 AND stock_share_percent <= 100)",
        "The warehouse share must be between 0 and 100 %.",
    )
    _price_band_range = models.Constraint(
        "CHECK(price_band_percent >= 0 AND price_band_percent < 100)",
        "The price band must be between 0 and 100 %.",
    )

    def _compute_offer_count(self):
        counts = dict(
            self.env["emag.offer"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.offer_count = counts.get(account, 0)

    @api.depends(
        "warehouse_id", "stock_share_percent", "fulfilment_type", "stock_allocation_policy"
    )
    def _compute_shared_warehouse_warning(self):
        for account in self:
            account.shared_warehouse_warning = False
            if (
                not account.warehouse_id
                or account.fulfilment_type != "seller"
                or account.stock_allocation_policy != FIXED_SHARES
            ):
                continue
            siblings = self.search(
                [
                    ("warehouse_id", "=", account.warehouse_id.id),
                    ("fulfilment_type", "=", "seller"),
                    ("id", "!=", account._origin.id),
                ]
            )
            total = account.stock_share_percent + sum(siblings.mapped("stock_share_percent"))
            if siblings and total > 100:
                account.shared_warehouse_warning = self.env._(
                    "%(accounts)s also sell from this warehouse; the shares add up to "
                    "%(total)s %%, so each is scaled down to fit the free quantity.",
                    accounts=", ".join(siblings.mapped("name")),
                    total=round(total, 2),
                )

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for account in accounts:
            # A new account follows the allocation its warehouse already uses.
            sibling = account._stock_siblings()[:1]
            if sibling:
                values = {name: sibling[name] for name in WAREHOUSE_ALLOCATION_FIELDS}
                if any(account[name] != value for name, value in values.items()):
                    super(EmagAccount, account).write(values)
        return accounts

    def write(self, vals):
        old = {account: account._allocation_settings() for account in self}
        result = super().write(vals)
        shared = {name: vals[name] for name in WAREHOUSE_ALLOCATION_FIELDS if name in vals}
        if shared:
            siblings = self._stock_siblings() - self
            if siblings:
                super(EmagAccount, siblings).write(shared)
        changed = self.browse(
            [
                account.id
                for account, settings in old.items()
                if settings != account._allocation_settings()
            ]
        )
        if changed:
            # What every account of the warehouse offers may change: one full
            # push each (the identity key merges repeated changes into one job).
            for account in (changed | changed._stock_siblings()).filtered("active"):
                account._queue_offer_sync()
        return result

    def _allocation_settings(self):
        """What decides the account's quantities (a change queues a full push)."""
        self.ensure_one()
        return (
            self.stock_allocation_policy,
            self.low_stock_threshold,
            self.stock_priority,
            self.stock_share_percent,
            self.warehouse_id.id,
        )

    def _stock_siblings(self):
        """Seller-fulfilled accounts drawing on the warehouses of ``self``, ``self`` included."""
        warehouses = self.filtered(lambda account: account.fulfilment_type == "seller").warehouse_id
        if not warehouses:
            return self.browse()
        return self.sudo().search(
            [("warehouse_id", "in", warehouses.ids), ("fulfilment_type", "=", "seller")],
            order="stock_priority, id",
        )

    # ------------------------------------------------------------- actions

    def action_view_offers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("emag_connector.emag_offer_action")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def action_preview_stock_allocation(self):
        """What each account of the warehouse offers of each product, and why."""
        self.ensure_one()
        wizard = self.env["emag.stock.allocation.preview"].create({"account_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock Allocation of %s", self.name),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_sync_offers(self):
        """Push every offer of the account that differs from what eMAG holds."""
        for account in self:
            account._queue_offer_sync()
        return True

    def action_sync_reference_data(self):
        """Read VAT rates, handling times and categories from eMAG (queued)."""
        for account in self:
            account.with_delay(
                channel=OFFERS_CHANNEL,
                identity_key=f"emag-reference-{account.id}",
                description=self.env._("eMAG reference data of %s", account.name),
            )._job_sync_reference_data()
        return True

    # ---------------------------------------------------------------- queue

    def _queue_offer_sync(self, offers=None):
        self.ensure_one()
        if offers:
            return self.with_delay(
                channel=OFFERS_CHANNEL,
                identity_key=identity_exact,
                description=self.env._(
                    "Push %(count)s eMAG offers of %(account)s",
                    count=len(offers),
                    account=self.name,
                ),
            )._job_sync_offers(offers.ids)
        return self.with_delay(
            channel=OFFERS_CHANNEL,
            identity_key=f"emag-offer-sync-{self.id}",
            description=self.env._("Push changed eMAG offers of %s", self.name),
        )._job_sync_offers()

    def _queue_stock_push(self):
        self.ensure_one()
        return self.with_delay(
            channel=OFFERS_CHANNEL,
            eta=STOCK_PUSH_DELAY,
            identity_key=f"emag-offer-stock-{self.id}",
            description=self.env._("Push moved stock to eMAG for %s", self.name),
        )._job_push_stock()

    def _queue_offer_status_refresh(self, eta=STATUS_REFRESH_DELAY):
        self.ensure_one()
        return self.with_delay(
            channel=OFFERS_CHANNEL,
            eta=eta,
            identity_key=f"emag-offer-status-{self.id}",
            description=self.env._("Read eMAG's verdict on the offers of %s", self.name),
        )._job_refresh_offer_status()

    # ----------------------------------------------------------------- jobs

    def _job_sync_offers(self, offer_ids=None):
        """Job: push the given offers, or every offer that may differ from eMAG."""
        self.ensure_one()
        Offer = self.env["emag.offer"]
        if offer_ids is None:
            offers = Offer.search(
                [
                    ("account_id", "=", self.id),
                    "|",
                    ("publish", "=", True),
                    ("emag_created", "=", True),
                ]
            )
        else:
            offers = (
                Offer.browse(offer_ids).exists().filtered(lambda offer: offer.account_id == self)
            )
        return self._run_sync(offers)

    def _job_push_stock(self):
        """Job: push the offers whose stock moved since their last push."""
        self.ensure_one()
        offers = self.env["emag.offer"].search(
            [("account_id", "=", self.id), ("stock_dirty", "=", True)]
        )
        # Cleared first: a move committed while this job runs flags them again
        # and queues the next push.
        offers.write({"stock_dirty": False})
        return self._run_sync(offers)

    def _run_sync(self, offers):
        result = sync_offers(self, offers)
        if result.offers_created:
            self._queue_offer_status_refresh()
        if result.aborted_by or result.linked:
            # The rest of the batch waits for the next run; fingerprints tell which.
            # Offers just linked to the seller's existing ones get Odoo's values then.
            self._queue_offer_sync()
        summary = self.env._(
            "%(calls)s calls: %(created)s created, %(updated)s updated, %(refused)s refused, "
            "%(attention)s need attention, %(unchanged)s unchanged",
            calls=result.api_calls,
            created=result.created,
            updated=result.updated,
            refused=result.refused,
            attention=result.attention,
            unchanged=result.unchanged,
        )
        if result.aborted_by:
            summary = self.env._(
                "%(summary)s; stopped: %(reason)s", summary=summary, reason=result.aborted_by
            )
        return summary

    def _job_refresh_offer_status(self):
        """Job: read eMAG's validation of the account's offers."""
        self.ensure_one()
        changed = refresh_offer_status(self)
        return self.env._("%s offers changed state", changed)

    def _job_sync_reference_data(self):
        """Job: VAT rates and handling times, then the category pages one job each."""
        self.ensure_one()
        client = self._get_client()
        vats = sync_vat_rates(self, client)
        handling = sync_handling_times(self, client)
        self._queue_category_page(1)
        return self.env._(
            "%(vats)s VAT rates, %(handling)s handling times", vats=vats, handling=handling
        )

    def _queue_category_page(self, page):
        return self.with_delay(
            channel=OFFERS_CHANNEL,
            identity_key=identity_exact,
            description=self.env._(
                "eMAG categories of %(account)s, page %(page)s", account=self.name, page=page
            ),
        )._job_sync_categories(page)

    def _job_sync_categories(self, page):
        """Job: one page of categories; queues the next page, or the details at the end.

        One job per page makes the synchronisation resumable: a failure
        retries only its page.
        """
        self.ensure_one()
        count = sync_categories_page(self, self._get_client(), page)
        if count:
            self._queue_category_page(page + 1)
            return self.env._("%s categories", count)
        stale = fields.Datetime.subtract(fields.Datetime.now(), days=STALE_AFTER_DAYS)
        categories = self.env["emag.category"].search(
            [
                ("platform", "=", self.platform),
                ("is_allowed", "=", True),
                "|",
                ("details_synced_at", "=", False),
                ("details_synced_at", "<", stale),
            ]
        )
        for start in range(0, len(categories), DETAILS_PER_JOB):
            chunk = categories[start : start + DETAILS_PER_JOB]
            self.with_delay(
                channel=OFFERS_CHANNEL,
                identity_key=identity_exact,
                description=self.env._("eMAG category characteristics of %s", self.name),
            )._job_sync_category_details(chunk.ids)
        return self.env._("done; %s categories to detail", len(categories))

    def _job_sync_category_details(self, category_ids):
        """Job: characteristics, allowed values and family types of a few categories."""
        self.ensure_one()
        client = self._get_client()
        categories = self.env["emag.category"].browse(category_ids).exists()
        for category in categories:
            sync_category_details(self, client, category)
        return self.env._("%s categories detailed", len(categories))

    # ----------------------------------------------------------------- cron

    @api.model
    def _cron_sync_offers(self):
        """Every account with offers on eMAG: queue a push of what changed, and a status read."""
        Offer = self.env["emag.offer"]
        live = Offer._read_group(
            ["|", ("publish", "=", True), ("emag_created", "=", True)], ["account_id"], ["__count"]
        )
        waiting = defaultdict(int)
        for account, count in Offer._read_group(
            [("state", "=", "pending"), ("emag_created", "=", True)], ["account_id"], ["__count"]
        ):
            waiting[account] = count
        for account, _count in live:
            if not account.active:
                continue
            account._queue_offer_sync()
            if waiting[account]:
                account._queue_offer_status_refresh(eta=0)
