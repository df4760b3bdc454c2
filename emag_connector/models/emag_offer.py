# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import html

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services.common.labels import selection_label
from ..services.offers.export import SELLABLE_VALIDATION
from ..services.offers.stock import offer_quantities
from ..services.offers.validation import offer_problems
from ..services.pricing.bounds import bounded_prices

REJECTED_VALIDATION = {5, 6, 8, 10}
PRICE_PRECISION_HELP = (
    "eMAG takes prices without VAT, to 4 decimals, and adds the VAT itself. A price is "
    "sent to the cent when eMAG's price with VAT stays the same; else it keeps 4 decimals "
    "(48.43 with 21% VAT is 40.0248 without; 40.02 would show 48.42), so that customers see "
    "your price to the cent."
)


class EmagOffer(models.Model):
    """A product variant offered on one eMAG account.

    The seller part number is the join key between Odoo and eMAG: order lines
    come back carrying it, so it is locked once the offer was published. The
    offer keeps what eMAG was last told (``pushed_values``, the documentation
    fingerprint) so that only real changes are sent.
    """

    _name = "emag.offer"
    _description = "eMAG Offer"
    _inherit = ["mail.thread"]
    _order = "account_id, part_number, id"
    _rec_name = "part_number"
    _check_company_auto = True

    account_id = fields.Many2one(
        "emag.account", required=True, index=True, ondelete="cascade", tracking=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    platform = fields.Selection(related="account_id.platform")
    currency_id = fields.Many2one(related="account_id.currency_id")
    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="restrict", check_company=True
    )
    product_tmpl_id = fields.Many2one(related="product_id.product_tmpl_id")
    part_number = fields.Char(
        string="Seller Part Number",
        compute="_compute_part_number",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
        help="Your SKU on eMAG; defaults to the internal reference. Orders are matched "
        "by it, so it cannot change once the offer was published.",
    )
    seller_product_id = fields.Integer(
        string="eMAG Offer ID",
        copy=False,
        index=True,
        help="The numeric id eMAG keys this offer by (the 'id' sent with every update, "
        "the 'product_id' of order lines). An offer taken over from eMAG keeps eMAG's id; "
        "a new one gets Odoo's own at its first push. Type the id of an offer you already "
        "have on eMAG to update it instead of creating a second one.",
    )
    takeover_hold = fields.Boolean(
        string="Waiting for First Sync",
        readonly=True,
        copy=False,
        index=True,
        help="Taken over from eMAG: nothing is sent until you choose, in the first sync "
        "summary of the account, whose prices and stocks win.",
    )
    publish = fields.Boolean(
        tracking=True,
        copy=False,
        help="Offer the product on eMAG. Unticking deactivates the offer on eMAG.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("attention", "Needs Attention"),
            ("pending", "Pending"),
            ("published", "Published"),
            ("rejected", "Rejected"),
            ("inactive", "Inactive"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    state_reason = fields.Text(string="Reason", readonly=True, copy=False)

    # --- publication path and documentation
    publication_path = fields.Selection(
        [
            ("documentation", "New product (full documentation)"),
            ("ean", "Attach to an eMAG product by EAN"),
            ("pnk", "Attach to an eMAG product by part number key"),
        ],
        required=True,
        default="documentation",
        help="Attach when eMAG already sells the product (found by its EAN or its part "
        "number key); otherwise describe the product fully.",
    )
    part_number_key = fields.Char(
        string="eMAG Part Number Key",
        copy=False,
        help="The product's key on eMAG: the last part of its page address (e.g. D5DD9BBBM).",
    )
    ean_codes = fields.Char(
        string="EAN",
        compute="_compute_ean_codes",
        store=True,
        readonly=False,
        precompute=True,
        help="EAN codes separated by commas; defaults to the product's barcode.",
    )
    category_id = fields.Many2one(
        "emag.category",
        string="eMAG Category",
        domain="[('platform', '=', platform), ('is_allowed', '=', True)]",
        index=True,
    )
    characteristic_value_ids = fields.One2many(
        "emag.offer.characteristic", "offer_id", string="Characteristic Values"
    )
    emag_name = fields.Char(
        string="Name on eMAG",
        compute="_compute_documentation_defaults",
        store=True,
        readonly=False,
        precompute=True,
    )
    brand = fields.Char()
    emag_description = fields.Html(
        string="Description",
        compute="_compute_documentation_defaults",
        store=True,
        readonly=False,
        precompute=True,
        sanitize=True,
    )
    image_urls = fields.Text(
        string="Image URLs",
        help="Public addresses of the product's images, one per line; the first is the main "
        "image. eMAG downloads them, so they must be reachable from the Internet.",
    )
    warranty = fields.Integer(string="Warranty (months)")

    # --- offer values
    vat_id = fields.Many2one(
        "emag.vat",
        string="eMAG VAT",
        compute="_compute_vat_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('platform', '=', platform)]",
    )
    handling_time = fields.Integer(
        string="Handling Time (days)",
        compute="_compute_handling_time",
        store=True,
        readonly=False,
        precompute=True,
    )
    emag_status = fields.Selection(
        [("1", "Active"), ("0", "Inactive")],
        string="Status on eMAG",
        compute="_compute_emag_status",
        help="The status sent to eMAG: active while the offer is published.",
    )
    price_override = fields.Float(
        string="Price Override (excl. VAT)",
        digits=(16, 4),
        help="Net sale price that replaces the pricelist price for this offer.",
    )
    min_sale_price = fields.Float(
        string="Minimum Price (excl. VAT)",
        digits=(16, 4),
        help="eMAG refuses prices below it. Empty: the account's price band applies.",
    )
    max_sale_price = fields.Float(
        string="Maximum Price (excl. VAT)",
        digits=(16, 4),
        help="eMAG refuses prices above it. Empty: the account's price band applies.",
    )
    stock_buffer = fields.Integer(
        help="Units kept back from eMAG for this product, on top of the account buffer."
    )
    preview_price = fields.Float(
        string="Price to Push (excl. VAT)",
        digits=(16, 4),
        compute="_compute_preview",
        help=PRICE_PRECISION_HELP,
    )
    preview_stock = fields.Integer(string="Stock to Push", compute="_compute_preview")

    # --- what eMAG was told, and what it answered
    emag_created = fields.Boolean(
        string="Known to eMAG", readonly=True, copy=False, help="eMAG holds this offer."
    )
    pushed_values = fields.Json(readonly=True, copy=False)
    pushed_price = fields.Float(
        string="Pushed Price (excl. VAT)",
        digits=(16, 4),
        compute="_compute_pushed",
        store=True,
        help=PRICE_PRECISION_HELP,
    )
    pushed_stock = fields.Integer(string="Pushed Stock", compute="_compute_pushed", store=True)
    pushed_at = fields.Datetime(string="Last Push", readonly=True, copy=False)
    doc_fingerprint = fields.Char(readonly=True, copy=False)
    failed_fingerprint = fields.Char(readonly=True, copy=False)
    stock_dirty = fields.Boolean(
        readonly=True, copy=False, help="Stock moved since the last push of this offer."
    )
    validation_status = fields.Integer(string="eMAG Validation", readonly=True, copy=False)
    validation_description = fields.Char(string="eMAG Validation Status", readonly=True, copy=False)
    last_answer = fields.Text(string="eMAG's Last Answer", readonly=True, copy=False)
    last_answer_at = fields.Datetime(string="Answered At", readonly=True, copy=False)

    _account_product_unique = models.Constraint(
        "UNIQUE(account_id, product_id)", "This product already has an offer on this account."
    )
    _account_part_number_unique = models.Constraint(
        "UNIQUE(account_id, part_number)",
        "This part number is already used by another offer of this account.",
    )
    _account_seller_product_id_unique = models.UniqueIndex(
        "(account_id, seller_product_id) WHERE seller_product_id != 0",
        "This eMAG offer id is already used by another offer of this account.",
    )
    _stock_buffer_positive = models.Constraint(
        "CHECK(stock_buffer >= 0)", "The stock buffer cannot be negative."
    )
    _warranty_range = models.Constraint(
        "CHECK(warranty >= 0 AND warranty <= 255)", "The warranty must be 0 to 255 months."
    )

    # ------------------------------------------------------------ computes

    @api.depends("product_id")
    def _compute_part_number(self):
        for offer in self:
            if not offer.emag_created and offer.product_id.default_code:
                offer.part_number = offer.product_id.default_code.strip()
            else:
                offer.part_number = offer.part_number

    @api.depends("product_id.barcode")
    def _compute_ean_codes(self):
        for offer in self:
            if not offer.emag_created:
                offer.ean_codes = offer.product_id.barcode or False
            else:
                offer.ean_codes = offer.ean_codes

    @api.depends("product_id.name", "product_id.description_sale")
    def _compute_documentation_defaults(self):
        for offer in self:
            product = offer.product_id
            offer.emag_name = product.with_context(display_default_code=False).display_name
            if product.description_sale:
                offer.emag_description = html.escape(product.description_sale).replace(
                    "\n", "<br/>"
                )
            else:
                offer.emag_description = False

    @api.depends("account_id", "product_id")
    def _compute_vat_id(self):
        """Map the product's sales tax to the eMAG VAT id of the same rate."""
        for offer in self:
            if not offer.account_id:
                offer.vat_id = offer.vat_id
                continue
            vats = self.env["emag.vat"].search([("platform", "=", offer.account_id.platform)])
            taxes = offer.product_id.with_company(offer.account_id.company_id).taxes_id.filtered(
                lambda tax, company=offer.account_id.company_id: (
                    tax.company_id in company.parent_ids and tax.amount_type == "percent"
                )
            )
            rate = taxes[:1].amount / 100.0 if taxes else None
            match = vats.filtered(
                lambda vat, rate=rate: rate is not None and abs(vat.rate - rate) < 1e-6
            )
            offer.vat_id = match[:1] or vats.filtered("is_default")[:1] or offer.vat_id

    @api.depends("account_id")
    def _compute_handling_time(self):
        for offer in self:
            offer.handling_time = offer.account_id.handling_time

    @api.depends("publish")
    def _compute_emag_status(self):
        for offer in self:
            offer.emag_status = "1" if offer.publish else "0"

    @api.depends("pushed_values")
    def _compute_pushed(self):
        for offer in self:
            values = offer.pushed_values or {}
            offer.pushed_price = values.get("sale_price") or 0.0
            offer.pushed_stock = values.get("stock") or 0

    @api.depends_context("uid")
    def _compute_preview(self):
        offers = self.filtered("id")
        prices = bounded_prices(self.env, offers)  # as pushed: within floor and ceiling
        stocks = offer_quantities(self.env, offers.ids)
        for offer in self:
            offer.preview_price = prices[offer.id].sale_price if offer.id in prices else 0.0
            offer.preview_stock = stocks.get(offer.id, 0)

    # ---------------------------------------------------------------- ORM

    def write(self, vals):
        if vals.get("seller_product_id") and self.filtered(
            lambda o: (
                o.emag_created
                and o.seller_product_id
                and o.seller_product_id != vals["seller_product_id"]
            )
        ):
            raise UserError(
                self.env._("The eMAG offer id cannot change once eMAG knows the offer.")
            )
        if "part_number" in vals:
            locked = self.filtered(
                lambda o: o.emag_created and o.part_number != vals["part_number"]
            )
            if locked:
                raise UserError(
                    self.env._(
                        "The part number of %(offers)s cannot change: eMAG already knows "
                        "the offer by it and orders are matched on it.",
                        offers=", ".join(locked.mapped("part_number")),
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------- helpers

    def _image_urls(self):
        self.ensure_one()
        return [line.strip() for line in (self.image_urls or "").splitlines() if line.strip()]

    def _set_state(self, state, reason):
        """Change the state; a message on the chatter only when it becomes a problem."""
        for offer in self:
            if offer.state == state and (offer.state_reason or "") == (reason or ""):
                continue
            offer.write({"state": state, "state_reason": reason or False})
            if state in ("attention", "rejected") and reason:
                offer.message_post(
                    body=self.env._(
                        "%(state)s: %(reason)s", state=offer._state_label(), reason=reason
                    )
                )

    def _state_label(self):
        return selection_label(self.env, self._name, "state", self.state)

    def _record_answer(self, answer):
        self.write({"last_answer": answer, "last_answer_at": fields.Datetime.now()})

    def _state_from_validation(self):
        """The state an accepted offer is in, from eMAG's validation status."""
        self.ensure_one()
        if not self.publish:
            return "inactive"
        if self.validation_status in SELLABLE_VALIDATION:
            return "published"
        if self.validation_status in REJECTED_VALIDATION:
            return "rejected"
        return "pending"

    def _apply_emag_status(self, reading):
        """Take eMAG's read-back of this offer (``offer_readback.OfferReadback``);
        return 1 if the state moved."""
        self.ensure_one()
        if self.seller_product_id and self.seller_product_id != reading.emag_id:
            return 0
        vals = {
            "validation_status": reading.validation_status,
            "validation_description": reading.validation_description or False,
        }
        if not self.emag_created and reading.emag_id:
            vals.update(emag_created=True, seller_product_id=reading.emag_id)
        if reading.part_number_key and not self.part_number_key:
            vals["part_number_key"] = reading.part_number_key
        self.write(vals)
        before = self.state
        if reading.status == 0 and self.publish:
            reason = self.env._("eMAG shows the offer as inactive.")
            state = "attention"
        else:
            state = self._state_from_validation()
            reason = (
                "\n".join(reading.errors) or self.validation_description
                if state == "rejected"
                else (self.validation_description if state == "pending" else "")
            )
        if state == "attention" and self.state == "attention":
            return 0
        self._set_state(state, reason)
        return int(self.state != before)

    # ------------------------------------------------------------- actions

    def action_publish(self):
        """Mark the offers for publication, check them and queue the push."""
        self.write({"publish": True, "takeover_hold": False})
        self._validate_now()
        self._queue_sync()
        return True

    def action_unpublish(self):
        """Deactivate the offers on eMAG (status 0) through a queued push."""
        self.write({"publish": False})
        for offer in self.filtered(lambda o: not o.emag_created):
            offer._set_state("draft", "")
        self._queue_sync()
        return True

    def action_retry(self):
        """Check again and resend, even an update eMAG refused before."""
        self.write({"failed_fingerprint": False, "takeover_hold": False})
        self._validate_now()
        self._queue_sync()
        return True

    def action_refresh_status(self):
        for account in self.account_id:
            account._queue_offer_status_refresh(eta=0)
        return True

    def _validate_now(self):
        """Local checks at once, so the seller sees problems without waiting for a job."""
        handling = {}
        prices = bounded_prices(self.env, self.filtered("publish"))
        for offer in self.filtered("publish"):
            platform = offer.account_id.platform
            if platform not in handling:
                handling[platform] = (
                    set(
                        self.env["emag.handling.time"]
                        .search([("platform", "=", platform)])
                        .mapped("days")
                    )
                    or None
                )
            problems = offer_problems(offer, prices[offer.id], handling[platform])
            if problems:
                offer._set_state("attention", "\n".join(problems))
            elif offer.state in ("draft", "attention", "inactive", "rejected"):
                offer._set_state(
                    "pending" if not offer.emag_created else offer._state_from_validation(),
                    self.env._("Waiting to be sent to eMAG.") if not offer.emag_created else "",
                )

    def _queue_sync(self):
        for account in self.account_id:
            offers = self.filtered(lambda o, account=account: o.account_id == account)
            account._queue_offer_sync(offers)

    @api.model
    def _mark_stock_changed(self, products):
        """Stock of ``products`` moved: flag their live offers and queue one push per account.

        Called by the stock hooks and by the order import. The job carries no
        product list: it pushes every flagged offer of its account, so the
        identity key can debounce a burst of moves into one push.
        """
        if not products:
            return
        offers = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("publish", "=", True),
                    ("emag_created", "=", True),
                    ("account_id.active", "=", True),
                ]
            )
        )
        if not offers:
            return
        offers.filtered(lambda offer: not offer.stock_dirty).write({"stock_dirty": True})
        for account in offers.account_id:
            account._queue_stock_push()


class EmagOfferCharacteristic(models.Model):
    """A characteristic value typed on the offer (wins over the category mapping)."""

    _name = "emag.offer.characteristic"
    _description = "eMAG Offer Characteristic Value"
    _order = "offer_id, characteristic_id, id"

    offer_id = fields.Many2one("emag.offer", required=True, index=True, ondelete="cascade")
    category_id = fields.Many2one(related="offer_id.category_id")
    characteristic_id = fields.Many2one(
        "emag.category.characteristic",
        required=True,
        ondelete="cascade",
        domain="[('category_id', '=', category_id)]",
    )
    value = fields.Char(required=True)
    tag = fields.Char(help="For characteristics sent once per tag (e.g. original, converted).")
