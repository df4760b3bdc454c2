# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import identity_exact

from ..services.offers import takeover as offer_takeover
from ..services.offers.matching import CONFIDENCE
from .emag_account_offer import OFFERS_CHANNEL


class EmagOfferTakeover(models.Model):
    """One offer the seller has on eMAG, read for the takeover, and its Odoo match.

    The review list of the takeover: what eMAG holds (id, part number, part
    number key, EAN, name, price, stock, status, category), the product it
    matches, by which key and how sure, and where it stands.
    """

    _name = "emag.offer.takeover"
    _description = "eMAG Offer to Take Over"
    _order = "account_id, state_sequence, seller_product_id"
    _rec_name = "name"
    _check_company_auto = True

    account_id = fields.Many2one("emag.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="account_id.currency_id")
    seller_product_id = fields.Integer(
        string="eMAG Offer ID", required=True, readonly=True, index=True
    )
    part_number = fields.Char(string="Part Number", readonly=True)
    part_number_key = fields.Char(string="Part Number Key", readonly=True)
    ean = fields.Char(string="EAN", readonly=True)
    name = fields.Char(readonly=True)
    sale_price = fields.Float(string="Price (excl. VAT)", digits=(16, 4), readonly=True)
    min_sale_price = fields.Float(string="Minimum Price", digits=(16, 4), readonly=True)
    max_sale_price = fields.Float(string="Maximum Price", digits=(16, 4), readonly=True)
    stock = fields.Integer(readonly=True)
    handling_time = fields.Integer(string="Handling Time (days)", readonly=True)
    emag_status = fields.Selection(
        [("1", "Active"), ("0", "Inactive"), ("2", "End of life")],
        string="Status on eMAG",
        readonly=True,
    )
    vat_emag_id = fields.Integer(string="eMAG VAT ID", readonly=True)
    warranty = fields.Integer(string="Warranty (months)", readonly=True)
    validation_status = fields.Integer(string="eMAG Validation", readonly=True)
    category_emag_id = fields.Integer(string="eMAG Category ID", readonly=True)
    category_id = fields.Many2one("emag.category", string="eMAG Category", readonly=True)

    product_id = fields.Many2one(
        "product.product",
        string="Odoo Product",
        index=True,
        check_company=True,
        help="The product this offer sells. Choosing one by hand makes it a manual match.",
    )
    candidate_product_ids = fields.Many2many(
        "product.product", string="Candidates", readonly=True, check_company=True
    )
    match_key = fields.Selection(
        [
            ("known_id", "eMAG id already known"),
            ("part_number", "Part number = internal reference"),
            ("ean", "EAN = barcode"),
            ("part_number_key", "Part number key"),
            ("manual", "Matched by hand"),
            ("created", "Product created from the offer"),
        ],
        string="Matched By",
        readonly=True,
    )
    confidence = fields.Integer(string="Confidence (%)", readonly=True)
    state = fields.Selection(
        [
            ("new", "Read"),
            ("ambiguous", "Ambiguous"),
            ("unmatched", "No Match"),
            ("matched", "Matched"),
            ("linked", "Linked"),
            ("ignored", "Ignored"),
        ],
        default="new",
        required=True,
        readonly=True,
        index=True,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    note = fields.Char(readonly=True)
    offer_id = fields.Many2one("emag.offer", string="Odoo Offer", readonly=True, index=True)
    found_later = fields.Boolean(
        readonly=True,
        help="Found on eMAG after the takeover: added in the seller area, not through Odoo.",
    )
    seen_at = fields.Datetime(string="Last Read", readonly=True)

    _account_offer_unique = models.Constraint(
        "UNIQUE(account_id, seller_product_id)", "This eMAG offer was read already."
    )

    @api.depends("state")
    def _compute_state_sequence(self):
        """Those waiting for a person first."""
        order = ["ambiguous", "unmatched", "matched", "new", "linked", "ignored"]
        for line in self:
            line.state_sequence = order.index(line.state)

    def write(self, vals):
        if "product_id" in vals and "match_key" not in vals:  # chosen by a person
            if self.filtered(lambda line: line.state == "linked"):
                raise UserError(self.env._("A linked offer cannot change product."))
            vals = {
                **vals,
                "match_key": "manual" if vals["product_id"] else False,
                "confidence": CONFIDENCE["manual"] if vals["product_id"] else 0,
                "state": "matched" if vals["product_id"] else "unmatched",
            }
        return super().write(vals)

    # ------------------------------------------------------------- actions

    def action_link(self):
        """Link the selected offers that have a product (nothing is sent to eMAG)."""
        if not self.filtered(lambda line: line.product_id and line.state != "linked"):
            raise UserError(self.env._("Choose the product of the offer first."))
        offer_takeover.link_lines(self)
        return True

    def action_create_product(self):
        """Create each offer's product from what eMAG holds, and link it."""
        offer_takeover.create_products(self.filtered(lambda line: line.state != "linked"))
        return True

    def action_ignore(self):
        """Leave these offers alone: Odoo never touches them on eMAG."""
        self.filtered(lambda line: line.state != "linked").write({"state": "ignored"})
        return True

    def action_review_again(self):
        for line in self.filtered(lambda line: line.state == "ignored"):
            line.state = "matched" if line.product_id else "unmatched"
        return True

    def action_open_offer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "emag.offer",
            "res_id": self.offer_id.id,
            "view_mode": "form",
        }


class EmagAccount(models.Model):
    """The takeover of an account's existing eMAG catalogue: its checkpoint and jobs."""

    _inherit = "emag.account"

    takeover_state = fields.Selection(
        [
            ("none", "Not started"),
            ("reading", "Reading"),
            ("interrupted", "Interrupted"),
            ("done", "Read"),
        ],
        string="Offers Import",
        default="none",
        required=True,
        readonly=True,
        copy=False,
    )
    takeover_next_page = fields.Integer(
        readonly=True, copy=False, help="Checkpoint: the next page of eMAG's offers to read."
    )
    takeover_read_count = fields.Integer(string="Offers Read", readonly=True, copy=False)
    takeover_message = fields.Char(string="Import Message", readonly=True, copy=False)
    takeover_completed_at = fields.Datetime(string="First Import Done", readonly=True, copy=False)
    takeover_line_ids = fields.One2many("emag.offer.takeover", "account_id")
    takeover_review_count = fields.Integer(compute="_compute_takeover_counts")
    takeover_held_count = fields.Integer(compute="_compute_takeover_counts")

    def _compute_takeover_counts(self):
        review = dict(
            self.env["emag.offer.takeover"]._read_group(
                [
                    ("account_id", "in", self.ids),
                    ("state", "in", ("ambiguous", "unmatched", "matched")),
                ],
                ["account_id"],
                ["__count"],
            )
        )
        held = dict(
            self.env["emag.offer"]._read_group(
                [("account_id", "in", self.ids), ("takeover_hold", "=", True)],
                ["account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.takeover_review_count = review.get(account, 0)
            account.takeover_held_count = held.get(account, 0)

    # ------------------------------------------------------------- actions

    def action_import_emag_offers(self):
        """Read every offer of the account from eMAG into the review list (queued).

        An interrupted import resumes from its checkpoint; a finished one
        starts over, which finds the offers added on eMAG since.
        """
        for account in self:
            if account.takeover_state not in ("reading", "interrupted"):
                account.write({"takeover_next_page": 1, "takeover_read_count": 0})
            account.write({"takeover_state": "reading", "takeover_message": False})
            account._queue_takeover_read()
        return True

    def action_view_takeover(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "emag_connector.emag_offer_takeover_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_to_review": 1}
        return action

    def action_takeover_summary(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("First sync of %s", self.name),
            "res_model": "emag.offer.takeover.summary",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    # ----------------------------------------------------------------- jobs

    def _queue_takeover_read(self, eta=None):
        self.ensure_one()
        return self.with_delay(
            channel=OFFERS_CHANNEL,
            eta=eta,
            identity_key=identity_exact,
            description=self.env._(
                "Read eMAG offers of %(account)s from page %(page)s",
                account=self.name,
                page=self.takeover_next_page,
            ),
        )._job_takeover_read(self.takeover_next_page)

    def _job_takeover_read(self, page):
        """Job: read a few pages from the checkpoint, then queue the rest or the matching."""
        self.ensure_one()
        if self.takeover_state not in ("reading", "interrupted") or page != self.takeover_next_page:
            return self.env._("Nothing to do: the import moved on.")
        result = offer_takeover.read_pages(self, self._get_client(), page)
        self.write(
            {
                "takeover_state": "reading",
                "takeover_next_page": result.next_page,
                "takeover_read_count": self.takeover_read_count + result.read,
            }
        )
        if result.error:
            self.write(
                {
                    "takeover_state": "interrupted",
                    "takeover_message": self.env._(
                        "Interrupted at page %(page)s, resumes by itself: %(error)s",
                        page=result.next_page,
                        error=result.error,
                    ),
                }
            )
            self._queue_takeover_read(eta=offer_takeover.RESUME_DELAY)
            return self.takeover_message
        if not result.done:
            self._queue_takeover_read()
            return self.env._("%s offers read", result.read)
        self.with_delay(
            channel=OFFERS_CHANNEL,
            identity_key=f"emag-takeover-match-{self.id}",
            description=self.env._("Match the eMAG offers of %s to products", self.name),
        )._job_takeover_match()
        return self.env._("%s offers read; all read", result.read)

    def _job_takeover_match(self):
        """Job: match what was read; the sure matches are linked by jobs of their own."""
        self.ensure_one()
        lines = self.env["emag.offer.takeover"].search([("account_id", "=", self.id)])
        sure = offer_takeover.match_lines(self, lines)
        for start in range(0, len(sure), offer_takeover.LINKS_PER_JOB):
            self.with_delay(
                channel=OFFERS_CHANNEL,
                identity_key=identity_exact,
                description=self.env._("Link eMAG offers of %s (nothing is sent)", self.name),
            )._job_takeover_link(sure[start : start + offer_takeover.LINKS_PER_JOB].ids)
        waiting = self.env["emag.offer.takeover"].search_count(
            [("account_id", "=", self.id), ("state", "in", ("ambiguous", "unmatched"))]
        )
        message = self.env._(
            "%(read)s offers read: %(sure)s matched without doubt and linked (nothing is sent "
            "before the first sync), %(waiting)s wait for review",
            read=self.takeover_read_count,
            sure=len(sure),
            waiting=waiting,
        )
        self.write(
            {
                "takeover_state": "done",
                "takeover_message": message,
                "takeover_completed_at": self.takeover_completed_at or fields.Datetime.now(),
            }
        )
        return message

    def _job_takeover_link(self, line_ids):
        """Job: link a chunk of sure matches (a person may have changed them meanwhile)."""
        self.ensure_one()
        lines = (
            self.env["emag.offer.takeover"]
            .browse(line_ids)
            .exists()
            .filtered(lambda line: line.account_id == self and line.state == "matched")
        )
        linked = offer_takeover.link_lines(lines)
        return self.env._("%s offers linked", len(linked))
