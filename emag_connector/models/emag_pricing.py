# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Pricing on the account and the offer: thin over ``services/pricing``."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import identity_exact

from ..services.pricing.bounds import offer_costs
from ..services.pricing.campaigns import sync_campaigns
from ..services.pricing.economics import dec
from ..services.pricing.market import economics_values, market_values, refresh_estimates
from ..services.pricing.repricer import reprice_account
from ..services.pricing.rules import KEEP_LIST, MATCH_BEST, SMART_DEALS, Rule

PRICING_CHANNEL = "root.emag.offers"
STRATEGIES = [
    (MATCH_BEST, "Match the best offer minus an amount"),
    (SMART_DEALS, "Reach the Smart Deals price"),
    (KEEP_LIST, "Keep the list price"),
]
BOUNDS = [("none", "None"), ("floor", "Floor"), ("ceiling", "Ceiling")]


class EmagRepriceRule(models.Model):
    """A repricing rule of one product category on one account (wins over the account's)."""

    _name = "emag.reprice.rule"
    _description = "eMAG Repricing Rule per Category"
    _order = "account_id, sequence, id"

    account_id = fields.Many2one("emag.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    product_category_id = fields.Many2one(
        "product.category",
        string="Product Category",
        required=True,
        help="Products of this category and of its subcategories.",
    )
    strategy = fields.Selection(STRATEGIES, required=True, default=MATCH_BEST)
    undercut = fields.Float(
        string="Below the Best Offer by",
        default=0.01,
        digits=(16, 2),
        help="Amount (excl. VAT) under the buy-button price.",
    )
    max_change_percent = fields.Float(
        string="Maximum Change per Day (%)",
        default=10.0,
        help="The price moves at most this much a day from the day's first price; 0: no limit.",
    )

    def _rule(self):
        self.ensure_one()
        return Rule(self.strategy, dec(self.undercut), dec(self.max_change_percent))


class EmagRepriceLog(models.Model):
    """One repricing decision: what the offer cost before and after, and why."""

    _name = "emag.reprice.log"
    _description = "eMAG Repricing History"
    _order = "id desc"

    account_id = fields.Many2one("emag.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    currency_id = fields.Many2one(related="account_id.currency_id")
    offer_id = fields.Many2one("emag.offer", required=True, index=True, ondelete="cascade")
    run_at = fields.Datetime(required=True, readonly=True)
    dry_run = fields.Boolean(readonly=True, help="Listed only: nothing was changed or sent.")
    strategy = fields.Selection(STRATEGIES, string="Rule", readonly=True)
    old_price = fields.Float(digits=(16, 4), readonly=True)
    new_price = fields.Float(digits=(16, 4), readonly=True)
    target_price = fields.Float(
        digits=(16, 4), readonly=True, help="What the rule aimed at, before the bounds."
    )
    floor_price = fields.Float(string="Floor", digits=(16, 2), readonly=True)
    bound = fields.Selection(BOUNDS, string="Bound Used", readonly=True)
    reason = fields.Char(readonly=True)
    rank_before = fields.Integer(string="Rank Before", readonly=True)
    rank_after = fields.Integer(
        string="Rank After", readonly=True, help="From eMAG's next read-back after the push."
    )
    changed = fields.Boolean(compute="_compute_changed", store=True)

    @api.depends("old_price", "new_price")
    def _compute_changed(self):
        for log in self:
            log.changed = round(log.old_price - log.new_price, 4) != 0


class EmagAccount(models.Model):
    _inherit = "emag.account"

    shipping_cost = fields.Float(
        string="Shipping Cost per Order",
        digits=(16, 2),
        help="What one order costs you to ship (excl. VAT, account currency); counted "
        "against every sale in the margin.",
    )
    default_commission_percent = fields.Float(
        string="Default Commission (%)",
        default=15.0,
        help="Used until eMAG's commission estimate for an offer is read.",
    )
    min_margin_kind = fields.Selection(
        [("percent", "Percent of the price"), ("amount", "Amount per unit")],
        string="Minimum Margin as",
        default="percent",
        required=True,
    )
    min_margin = fields.Float(
        string="Minimum Margin",
        default=5.0,
        help="What every sale must earn after eMAG's commission, shipping and cost; the "
        "price floor of each offer follows from it, never below the cost.",
    )
    price_ceiling_percent = fields.Float(
        string="Ceiling above List Price (%)",
        help="The highest price is this much above the pricelist price; 0: no such ceiling.",
    )
    ceiling_from_recommended = fields.Boolean(
        string="Ceiling at eMAG's Recommended Price",
        help="Never price above the recommended price eMAG shows for the product.",
    )
    reprice_active = fields.Boolean(
        string="Automatic Repricing", help="The repricing cron runs a round for this account."
    )
    reprice_strategy = fields.Selection(
        STRATEGIES, string="Repricing Rule", default=KEEP_LIST, required=True
    )
    reprice_undercut = fields.Float(string="Below the Best Offer by", default=0.01, digits=(16, 2))
    reprice_max_change_percent = fields.Float(string="Maximum Change per Day (%)", default=10.0)
    reprice_rule_ids = fields.One2many(
        "emag.reprice.rule", "account_id", string="Rules per Category"
    )
    campaign_ids = fields.One2many("emag.campaign", "account_id", string="Campaigns")

    _min_margin_positive = models.Constraint(
        "CHECK(min_margin >= 0)", "The minimum margin cannot be negative."
    )

    # ----------------------------------------------------------- actions

    def action_reprice_dry_run(self):
        """List what a round would change and why; nothing is sent (no network here)."""
        self.ensure_one()
        logs = reprice_account(self, dry_run=True).logs
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Repricing dry run of %s", self.name),
            "res_model": "emag.reprice.log",
            "view_mode": "list,form",
            "domain": [("id", "in", logs.ids)],
            "context": {"search_default_changed": 1},
        }

    def action_reprice_now(self):
        for account in self:
            account._queue_reprice()
        return True

    def action_sync_campaigns(self):
        for account in self:
            account.with_delay(
                channel=PRICING_CHANNEL,
                identity_key=identity_exact,
                description=self.env._("eMAG campaigns of %s", account.name),
            )._job_sync_campaigns()
        return True

    def action_view_margin_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "emag_connector.emag_offer_margin_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        return action

    # --------------------------------------------------------------- jobs

    def _queue_reprice(self):
        self.ensure_one()
        return self.with_delay(
            channel=PRICING_CHANNEL,
            identity_key=f"emag-reprice-{self.id}",
            description=self.env._("Repricing round of %s", self.name),
        )._job_reprice()

    def _job_reprice(self):
        """Job: decide, record, push the moved prices (floor enforced again there)."""
        self.ensure_one()
        result = reprice_account(self)
        offers = self.env["emag.offer"].browse(result.changed)
        summary = self.env._(
            "%(count)s offers looked at, %(changed)s prices changed",
            count=len(result.logs),
            changed=len(offers),
        )
        if offers:
            summary = f"{summary}; {self._run_sync(offers)}"
            # the rank after the change comes with eMAG's next read-back
            self._queue_offer_status_refresh(eta=0)
        return summary

    def _job_refresh_estimates(self):
        self.ensure_one()
        refreshed, errors = refresh_estimates(self)
        self.env["emag.offer"].search([("account_id", "=", self.id)])._refresh_economics()
        return self.env._(
            "%(refreshed)s estimates read, %(errors)s offers without one",
            refreshed=refreshed,
            errors=errors,
        )

    def _job_sync_campaigns(self):
        self.ensure_one()
        return self.env._("%s campaigns", sync_campaigns(self))

    # --------------------------------------------------------------- cron

    @api.model
    def _cron_reprice(self):
        for account in self.search([("reprice_active", "=", True)]):
            account._queue_reprice()

    @api.model
    def _cron_refresh_estimates(self):
        """Commission estimates and Smart Deals prices, a budget of calls per account."""
        for account in self.search([]).filtered("offer_count"):
            account.with_delay(
                channel=PRICING_CHANNEL,
                identity_key=f"emag-estimates-{account.id}",
                description=self.env._("eMAG commission estimates of %s", account.name),
            )._job_refresh_estimates()


class EmagOffer(models.Model):
    _inherit = "emag.offer"

    # --- costs and what eMAG estimates
    cost_price = fields.Float(
        string="Cost",
        digits=(16, 2),
        readonly=True,
        help="The product's cost in the account currency.",
    )
    commission_percent = fields.Float(
        string="Commission (%)", readonly=True, help="eMAG's commission estimate for the offer."
    )
    commission_date = fields.Datetime(string="Commission Read On", readonly=True, copy=False)
    smart_deals_price = fields.Float(string="Smart Deals Price", digits=(16, 2), readonly=True)
    smart_deals_date = fields.Datetime(string="Smart Deals Read On", readonly=True, copy=False)
    # --- the competition, from the batched read-back
    buy_button_rank = fields.Integer(string="Buy-Button Rank", readonly=True, copy=False)
    number_of_offers = fields.Integer(string="Offers on the Product", readonly=True, copy=False)
    best_offer_price = fields.Float(string="Best Offer", digits=(16, 2), readonly=True, copy=False)
    best_offer_recommended_price = fields.Float(
        string="Recommended Price", digits=(16, 2), readonly=True, copy=False
    )
    market_read_at = fields.Datetime(string="Market Read On", readonly=True, copy=False)
    # --- the price band and the margin at the pushed price
    repriced_price = fields.Float(
        string="Repriced Price",
        digits=(16, 4),
        readonly=True,
        copy=False,
        help="Set by the last repricing round; the pricelist price applies while empty.",
    )
    floor_price = fields.Float(string="Floor", digits=(16, 2), readonly=True, copy=False)
    price_bound = fields.Selection(
        BOUNDS,
        string="Bound Used",
        readonly=True,
        copy=False,
        help="Which bound set the last pushed price: the floor (minimum margin) or the ceiling.",
    )
    margin_amount = fields.Float(string="Margin", digits=(16, 2), readonly=True, copy=False)
    margin_percent = fields.Float(string="Margin (%)", digits=(16, 1), readonly=True, copy=False)
    margin_state = fields.Selection(
        [("ok", "Healthy"), ("thin", "Thin"), ("loss", "Loss")],
        readonly=True,
        copy=False,
        index=True,
    )
    campaign_proposal_ids = fields.One2many("emag.campaign.proposal", "offer_id")
    campaign_answer = fields.Text(
        string="Campaign Answer", compute="_compute_campaign_answer", help="eMAG's last answer."
    )

    @api.depends("campaign_proposal_ids.answer")
    def _compute_campaign_answer(self):
        for offer in self:
            last = offer.campaign_proposal_ids.sorted("id")[-1:]
            offer.campaign_answer = (
                f"{last.campaign_id.name}: {last.answer}" if last and last.answer else False
            )

    def write(self, vals):
        if "price_override" in vals:
            vals = {**vals, "repriced_price": 0.0}  # the seller's price wins from now on
        result = super().write(vals)
        if "pushed_values" in vals:
            self._refresh_economics()
        return result

    def _reprice_rule(self):
        """The repricing :class:`~..services.pricing.rules.Rule` of this offer."""
        self.ensure_one()
        account = self.account_id
        category = self.product_id.categ_id
        for line in account.reprice_rule_ids:
            if category and category.parent_path.startswith(line.product_category_id.parent_path):
                return line._rule()
        return Rule(
            account.reprice_strategy,
            dec(account.reprice_undercut),
            dec(account.reprice_max_change_percent),
        )

    def _refresh_economics(self):
        """Cost, floor and margin at the pushed price (after each push and estimate)."""
        for offer in self:
            costs = offer_costs(offer)
            vals = economics_values(offer, costs, dec(offer.pushed_price))
            if any(offer[name] != value for name, value in vals.items()):
                super(EmagOffer, offer).write(vals)

    def _apply_emag_status(self, reading):
        """Also keep the competition eMAG reports, and the rank after the last repricing."""
        values = market_values(reading)
        if values and (not self.seller_product_id or self.seller_product_id == reading.emag_id):
            self.write(values)
            if "buy_button_rank" in values:
                last = self.env["emag.reprice.log"].search(
                    [("offer_id", "=", self.id), ("dry_run", "=", False)], limit=1
                )
                if last and not last.rank_after:
                    last.rank_after = values["buy_button_rank"]
        return super()._apply_emag_status(reading)

    def action_propose_to_campaign(self):
        accounts = self.account_id
        if len(accounts) != 1:
            raise UserError(self.env._("Propose offers of one account at a time."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "emag.campaign.propose.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": accounts.id, "default_offer_ids": self.ids},
        }
