# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from odoo.addons.queue_job.job import identity_exact

from ..compat import domain_or
from ..services.pricing.campaigns import send_proposals
from .emag_pricing import PRICING_CHANNEL


class EmagCampaign(models.Model):
    """An eMAG campaign an account may propose offers to."""

    _name = "emag.campaign"
    _description = "eMAG Campaign"
    _order = "date_start desc, id desc"

    account_id = fields.Many2one("emag.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    emag_id = fields.Integer(string="eMAG Campaign ID", required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    date_start = fields.Datetime(string="Starts", readonly=True)
    date_end = fields.Datetime(string="Ends", readonly=True)
    stock_in_site = fields.Boolean(
        string="Stock in Site",
        readonly=True,
        help="While it runs, eMAG refuses price and stock updates of the offers in it; "
        "the connector holds them until the campaign ends.",
    )
    min_discount_percent = fields.Float(string="Minimum Discount (%)", readonly=True)
    state = fields.Selection(
        [("upcoming", "Upcoming"), ("running", "Running"), ("ended", "Ended")],
        compute="_compute_state",
        search="_search_state",
    )
    proposal_ids = fields.One2many("emag.campaign.proposal", "campaign_id", string="Proposals")

    _account_emag_id_unique = models.Constraint(
        "UNIQUE(account_id, emag_id)", "This eMAG campaign is already known for this account."
    )

    def _search_state(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        states = [value] if operator == "=" else value
        now = fields.Datetime.now()
        domains = {
            "upcoming": [("date_start", ">", now)],
            "running": [
                "&",
                "|",
                ("date_start", "=", False),
                ("date_start", "<=", now),
                "|",
                ("date_end", "=", False),
                ("date_end", ">", now),
            ],
            "ended": [("date_end", "<=", now)],
        }
        return domain_or(domains[state] for state in states if state in domains)

    @api.depends("date_start", "date_end")
    def _compute_state(self):
        now = fields.Datetime.now()
        for campaign in self:
            if campaign.date_start and now < campaign.date_start:
                campaign.state = "upcoming"
            elif campaign.date_end and now >= campaign.date_end:
                campaign.state = "ended"
            else:
                campaign.state = "running"


class EmagCampaignProposal(models.Model):
    """One offer proposed to one campaign, and eMAG's answer."""

    _name = "emag.campaign.proposal"
    _description = "eMAG Campaign Proposal"
    _order = "id desc"

    campaign_id = fields.Many2one("emag.campaign", required=True, index=True, ondelete="cascade")
    account_id = fields.Many2one(related="campaign_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    currency_id = fields.Many2one(related="account_id.currency_id")
    offer_id = fields.Many2one("emag.offer", required=True, index=True, ondelete="cascade")
    sale_price = fields.Float(string="Campaign Price", digits=(16, 4), required=True)
    stock = fields.Integer(string="Campaign Stock", required=True)
    max_qty_per_order = fields.Integer(string="Max Quantity per Order")
    voucher_discount = fields.Integer(string="Voucher Discount (%)")
    post_campaign_price = fields.Float(string="Price after the Campaign", digits=(16, 4))
    state = fields.Selection(
        [("queued", "Waiting to Be Sent"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="queued",
        required=True,
        readonly=True,
    )
    answer = fields.Text(string="eMAG's Answer", readonly=True)
    answered_at = fields.Datetime(readonly=True)

    def _queue_send(self):
        for account in self.account_id:
            proposals = self.filtered(lambda p, account=account: p.account_id == account)
            account.with_delay(
                channel=PRICING_CHANNEL,
                identity_key=identity_exact,
                description=self.env._(
                    "Propose %(count)s offers of %(account)s to eMAG campaigns",
                    count=len(proposals),
                    account=account.name,
                ),
            )._job_send_proposals(proposals.ids)

    def action_send_again(self):
        self.filtered(lambda p: p.state != "accepted")._queue_send()
        return True


class EmagAccountCampaigns(models.Model):
    _inherit = "emag.account"

    def _job_send_proposals(self, proposal_ids):
        """Job: send the proposals, one answer per offer."""
        self.ensure_one()
        proposals = self.env["emag.campaign.proposal"].browse(proposal_ids).exists()
        proposals = proposals.filtered(lambda p: p.state == "queued")
        if not proposals:
            return self.env._("Nothing to send")
        report = send_proposals(self, proposals)
        return self.env._(
            "%(accepted)s accepted, %(refused)s refused",
            accepted=len(proposals.filtered(lambda p: p.state == "accepted")),
            refused=len(proposals.filtered(lambda p: p.state == "refused")),
        ) + (f" ({report.aborted_by})" if report.aborted_by else "")
