"""Take over a catalogue the seller already has on eMAG.

Sellers who buy the connector usually sell on eMAG already. The takeover
turns their existing offers into Odoo-managed ones without a single write to
eMAG until the seller says so:

1. **read** — every offer of the account through ``product_offer/read``, a few
   pages per job, paced by the account's rate limiter. The next page to read
   is the checkpoint on the account: an interrupted read (eMAG down, a
   timeout) keeps what it read and resumes from there;
2. **match** — each offer to an Odoo product, strongest key first
   (:mod:`.offer_matching`); offers matched without doubt are linked at once,
   ambiguous and unmatched ones wait on the review list for a person, who
   matches by hand, creates the product from the offer, or ignores it;
3. **link** — the Odoo offer takes eMAG's seller product id and what eMAG
   holds (price, band, stock, status, VAT, documentation fingerprint) as its
   last push, and is *held*: no sync sends it anything;
4. **first sync** — :func:`first_sync_summary` tells what Odoo would change
   on eMAG (prices, stocks, deactivations); the seller adopts Odoo's values
   or first copies eMAG's prices into the pricelist, which releases the hold.

Publishing a product whose offer exists on eMAG already ends in the same
link (:func:`link_offer`) instead of a refusal.

A later read finds offers added on eMAG by hand; they wait on the review list
and show in the exception report.
"""

import re
from dataclasses import dataclass, field

from odoo import fields

from ...lib.emag_api.errors import (
    EmagRateLimitedError,
    EmagTransientError,
    EmagUnexpectedResponseError,
)
from ...lib.emag_api.parsing import as_list, to_decimal, to_int
from .matching import (
    AMBIGUOUS,
    CONFIDENCE,
    LINKED_ELSEWHERE,
    MATCHED,
    UNMATCHED,
    ProductKeys,
    match_offers,
    offer_keys,
)
from .payload import documentation, fingerprint, offer_values
from .pricing import gross_price, offer_prices
from .stock import offer_quantities
from .validation import offer_problems

ITEMS_PER_PAGE = 100  # eMAG's maximum
PAGES_PER_JOB = 10  # a failure re-reads at most these (about 3 s of reads)
RESUME_DELAY = 60  # seconds before an interrupted read resumes
LINKS_PER_JOB = 200  # offers linked per job: a job stays well within a worker's time limit
# Reads worth resuming by themselves; anything else (credentials, refusals)
# waits for a person.
TRANSIENT_ERRORS = (EmagTransientError, EmagRateLimitedError, EmagUnexpectedResponseError)
# eMAG's refusals that name the seller's own offer of the same product.
_EXISTING_OFFER = re.compile(
    r"(?:already have an offer \(product id (\d+)\)"
    r"|(?:part_number|EAN) \S+ is already used by product id (\d+))",
    re.IGNORECASE,
)


# ---------------------------------------------------------------------- reading


@dataclass
class ReadResult:
    """One job's reading: how many offers, where to go on, why it stopped."""

    read: int = 0
    next_page: int = 1
    done: bool = False
    error: Exception = None


def read_pages(account, client, first_page, pages=None):
    """Read up to ``pages`` pages of the account's offers into review lines."""
    result = ReadResult(next_page=first_page)
    categories = category_ids(account)
    for page in range(first_page, first_page + (pages or PAGES_PER_JOB)):
        try:
            items = client.read_product_offers(currentPage=page, itemsPerPage=ITEMS_PER_PAGE)
        except TRANSIENT_ERRORS as error:
            result.error = error
            return result
        store_items(account, items, categories)
        result.read += len(items)
        result.next_page = page + 1
        if len(items) < ITEMS_PER_PAGE:
            result.done = True
            return result
    return result


def line_values(item, categories, found_later):
    """Review line values of a ``product_offer/read`` item."""
    keys = offer_keys(item)
    validation = item.get("validation_status") or {}
    if not isinstance(validation, dict):
        validation = {"value": validation}
    stock = to_int(item.get("general_stock"))
    if stock is None:
        stock = sum(to_int(entry.get("value")) or 0 for entry in as_list(item.get("stock")))
    handling = [to_int(entry.get("value")) or 0 for entry in as_list(item.get("handling_time"))]
    category_emag_id = to_int(item.get("category_id")) or 0
    return {
        "seller_product_id": keys.seller_product_id,
        "part_number": keys.part_number or False,
        "part_number_key": keys.part_number_key or False,
        "ean": ",".join(keys.eans) or False,
        "name": item.get("name") or keys.part_number or str(keys.seller_product_id),
        "sale_price": float(to_decimal(item.get("sale_price")) or 0),
        "min_sale_price": float(to_decimal(item.get("min_sale_price")) or 0),
        "max_sale_price": float(to_decimal(item.get("max_sale_price")) or 0),
        "stock": stock,
        "handling_time": handling[0] if handling else 0,
        "emag_status": str(to_int(item.get("status")) or 0),
        "vat_emag_id": to_int(item.get("vat_id")) or 0,
        "warranty": to_int(item.get("warranty")) or 0,
        "validation_status": to_int(validation.get("value")) or 0,
        "category_emag_id": category_emag_id,
        "category_id": categories.get(category_emag_id, False),
        "found_later": found_later,
        "seen_at": fields.Datetime.now(),
    }


def category_ids(account):
    """``{eMAG category id: emag.category id}`` of the account's platform."""
    return {
        row["emag_id"]: row["id"]
        for row in account.env["emag.category"].search_read(
            [("platform", "=", account.platform)], ["emag_id"]
        )
    }


def store_items(account, items, categories=None):
    """Create or refresh the review lines of ``items`` (one query to find them)."""
    Line = account.env["emag.offer.takeover"]
    if not items:
        return Line
    if categories is None:
        categories = category_ids(account)
    existing = {
        line.seller_product_id: line
        for line in Line.search(
            [
                ("account_id", "=", account.id),
                ("seller_product_id", "in", [to_int(item.get("id")) for item in items]),
            ]
        )
    }
    found_later = bool(account.takeover_completed_at)
    new = []
    for item in items:
        vals = line_values(item, categories, found_later)
        line = existing.get(vals["seller_product_id"])
        if line:
            vals.pop("found_later")
            line.write(vals)
        else:
            new.append({**vals, "account_id": account.id})
    return Line.create(new)


# --------------------------------------------------------------------- matching


def product_keys(account):
    """The :class:`ProductKeys` of every product of the account's company."""
    env = account.env
    rows = (
        env["product.product"]
        .with_context(active_test=True)
        .search_read(
            [
                ("company_id", "in", [False, account.company_id.id]),
                "|",
                ("default_code", "!=", False),
                ("barcode", "!=", False),
            ],
            ["default_code", "barcode"],
        )
    )
    pnks = {}
    for offer in env["emag.offer"].search(
        [("platform", "=", account.platform), ("part_number_key", "!=", False)]
    ):
        pnks.setdefault(offer.product_id.id, set()).add(offer.part_number_key)
    keys = [
        ProductKeys(
            row["id"],
            row["default_code"] or "",
            row["barcode"] or "",
            tuple(pnks.pop(row["id"], ())),
        )
        for row in rows
    ]
    keys += [ProductKeys(product_id, "", "", tuple(values)) for product_id, values in pnks.items()]
    return keys


def known_ids(account):
    """``{eMAG seller product id: product id}`` of the offers Odoo links already."""
    return {
        offer.seller_product_id: offer.product_id.id
        for offer in account.env["emag.offer"].search(
            [("account_id", "=", account.id), ("emag_created", "=", True)]
        )
        if offer.seller_product_id
    }


def match_lines(account, lines):
    """Match ``lines`` (of ``account``) to products; return the lines matched for sure."""
    env = account.env
    lines = lines.filtered(lambda line: line.state in ("new", MATCHED, AMBIGUOUS, UNMATCHED))
    lines = lines.filtered(lambda line: line.match_key not in ("manual", "created"))
    offers = [
        offer_keys(
            {
                "id": line.seller_product_id,
                "part_number": line.part_number,
                "ean": line.ean,
                "part_number_key": line.part_number_key,
            }
        )
        for line in lines
    ]
    matches = match_offers(offers, product_keys(account), known_ids(account))
    sure = env["emag.offer.takeover"]
    for line in lines:
        match = matches[line.seller_product_id]
        vals = {
            "state": match.state,
            "product_id": match.product_id or False,
            "match_key": match.key or False,
            "confidence": match.confidence,
            "note": _ambiguity(env, match),
        }
        # Written only when it changed: a re-import of a large catalogue stays cheap.
        changed = {
            name: value
            for name, value in vals.items()
            if line._fields[name].convert_to_write(line[name], line) != value
        }
        if set(line.candidate_product_ids.ids) != set(match.candidates):
            changed["candidate_product_ids"] = [fields.Command.set(list(match.candidates))]
        if changed:
            # With its key, a product chosen here is not taken for a person's choice.
            line.write({**changed, "match_key": vals["match_key"]})
        if match.state == MATCHED:
            sure |= line
    return sure


def _ambiguity(env, match):
    if match.state == UNMATCHED:
        return env._("No product has this part number, EAN or part number key.")
    if match.state != AMBIGUOUS:
        return False
    if match.reason == LINKED_ELSEWHERE:
        return env._("The product is already linked to your eMAG offer %(id)s.", id=match.detail)
    if match.candidates and len(match.candidates) > 1:
        return env._(
            "%(count)s products share this %(key)s: choose one.",
            count=len(match.candidates),
            key=match.key.replace("_", " "),
        )
    return env._("%(count)s of your eMAG offers point to this product: choose.", count=match.detail)


# ---------------------------------------------------------------------- linking


def emag_values(line, fulfilment_type):
    """What eMAG holds, in the shape of :func:`.offer_payload.offer_values`."""
    values = {
        "status": int(line.emag_status or 0),
        "sale_price": line.sale_price,
        "min_sale_price": line.min_sale_price,
        "max_sale_price": line.max_sale_price,
        "vat_id": line.vat_emag_id,
        "handling_time": line.handling_time,
    }
    if fulfilment_type == "seller":
        values["stock"] = line.stock
    return values


def _offer_vals(line, offer):
    env = line.env
    account = line.account_id
    vat = env["emag.vat"].search(
        [("platform", "=", account.platform), ("emag_id", "=", line.vat_emag_id)], limit=1
    )
    vals = {
        "seller_product_id": line.seller_product_id,
        "emag_created": True,
        "part_number_key": line.part_number_key or offer.part_number_key,
        "publication_path": "pnk" if line.part_number_key else "ean",
        "ean_codes": line.ean or offer.ean_codes,
        "emag_name": line.name,
        "handling_time": line.handling_time,
        "warranty": line.warranty,
        "validation_status": line.validation_status,
        "pushed_values": emag_values(line, account.fulfilment_type),
        "failed_fingerprint": False,
        "stock_dirty": False,
    }
    if line.category_id:
        vals["category_id"] = line.category_id.id
    if vat:
        vals["vat_id"] = vat.id
    if line.part_number and not offer.emag_created:
        # Orders name the offer by eMAG's part number: it must be the offer's.
        vals["part_number"] = line.part_number
    return vals


def link_offer(line, publish=None, hold=True):
    """Make the account's offer of ``line.product_id`` the one eMAG knows as the line's id.

    Nothing is sent: the offer remembers eMAG's values as its last push, so
    the next sync sends only what Odoo changes, and while ``hold`` it sends
    nothing at all. Returns the offer, or raises ``ValueError`` with a plain
    reason when another offer of the account stands in the way.
    """
    env = line.env
    Offer = env["emag.offer"].with_context(active_test=False, mail_create_nolog=True)
    account, product = line.account_id, line.product_id
    offer = Offer.search([("account_id", "=", account.id), ("product_id", "=", product.id)])
    if offer.emag_created and offer.seller_product_id not in (0, line.seller_product_id):
        raise ValueError(
            env._(
                "%(product)s is already linked to your eMAG offer %(id)s.",
                product=product.display_name,
                id=offer.seller_product_id,
            )
        )
    same_key = [("seller_product_id", "=", line.seller_product_id)]
    if line.part_number:
        same_key = ["|", *same_key, ("part_number", "=", line.part_number)]
    taken = Offer.search(
        [("account_id", "=", account.id), ("product_id", "!=", product.id), *same_key], limit=1
    )
    if taken:
        raise ValueError(
            env._(
                "The offer of %(product)s in Odoo already uses this eMAG id or part number.",
                product=taken.product_id.display_name,
            )
        )
    if offer.emag_created and offer.seller_product_id == line.seller_product_id:
        # Odoo manages this offer already: its last push stands, nothing to adopt.
        line.write({"state": "linked", "offer_id": offer.id, "note": False})
        return offer
    if not offer:
        offer = Offer.create(
            {
                "account_id": account.id,
                "product_id": product.id,
                "part_number": line.part_number
                or product.default_code
                or str(line.seller_product_id),
            }
        )
    vals = _offer_vals(line, offer)
    if publish is None:
        publish = line.emag_status == "1" and product.sale_ok and product.active
    vals.update(publish=publish, takeover_hold=hold)
    offer.write(vals)
    offer.doc_fingerprint = fingerprint(documentation(offer))
    offer._set_state(offer._state_from_validation(), "")
    line.write({"state": "linked", "offer_id": offer.id, "note": False})
    return offer


def link_lines(lines):
    """Link every line that has a product; a line that cannot be linked says why."""
    linked = lines.env["emag.offer"]
    for line in lines.filtered(lambda line: line.product_id and line.state != "linked"):
        try:
            with line.env.cr.savepoint():
                linked |= link_offer(line)
        except ValueError as error:
            line.write({"state": AMBIGUOUS, "note": str(error)})
    return linked


def existing_offer_id(messages):
    """The id of the seller's own eMAG offer named in a refusal, or ``None``."""
    for message in messages or ():
        found = _EXISTING_OFFER.search(str(message))
        if found:
            return int(found.group(1) or found.group(2))
    return None


def adopt_existing_offer(offer, item):
    """Link ``offer`` (refused as a duplicate) to the seller's eMAG offer ``item``.

    The seller asked to publish, so the offer stays published and is not
    held: the next push updates eMAG's offer with Odoo's values. Raises
    ``ValueError`` with a plain reason when that eMAG offer belongs to another
    product in Odoo.
    """
    account = offer.account_id
    store_items(account, [item])
    line = offer.env["emag.offer.takeover"].search(
        [("account_id", "=", account.id), ("seller_product_id", "=", to_int(item.get("id")))]
    )
    if line.state == "linked" and line.product_id != offer.product_id:
        raise ValueError(
            offer.env._(
                "eMAG keeps your offer %(id)s for this product, and it is linked to "
                "%(product)s in Odoo: publish that one, or fix the EAN or part number.",
                id=line.seller_product_id,
                product=line.product_id.display_name,
            )
        )
    line.write(
        {
            "product_id": offer.product_id.id,
            "match_key": "known_id",
            "confidence": CONFIDENCE["known_id"],
        }
    )
    link_offer(line, publish=offer.publish, hold=False)
    message = offer.env._(
        "eMAG already had your offer %(id)s on product %(pnk)s: linked to it instead of "
        "creating a second one. Odoo's price and stock update it from now on.",
        id=line.seller_product_id,
        pnk=line.part_number_key or "-",
    )
    offer._record_answer(message)
    offer.message_post(body=message)
    return offer


# ------------------------------------------------------------- products from offers


def create_products(lines):
    """Create a product from each line (name, EAN, part number, VAT) and link it."""
    env = lines.env
    for line in lines.filtered(lambda line: line.state not in ("linked",)):
        account = line.account_id
        barcode = (line.ean or "").split(",")[0] or False
        if barcode and env["product.product"].search_count([("barcode", "=", barcode)]):
            barcode = False
        vat = env["emag.vat"].search(
            [("platform", "=", account.platform), ("emag_id", "=", line.vat_emag_id)], limit=1
        )
        taxes = env["account.tax"].search(
            [
                ("company_id", "in", account.company_id.parent_ids.ids),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", round(vat.rate * 100, 4)),
            ],
            limit=1,
        )
        product = env["product.product"].create(
            {
                "name": line.name,
                "default_code": line.part_number or False,
                "barcode": barcode,
                "type": "consu",
                "is_storable": True,
                "list_price": line.sale_price,
                "taxes_id": [fields.Command.set(taxes.ids)],
                "company_id": account.company_id.id,
            }
        )
        line.write(
            {
                "product_id": product.id,
                "match_key": "created",
                "confidence": CONFIDENCE["created"],
                "state": MATCHED,
            }
        )
    return link_lines(lines)


# ------------------------------------------------------------------- first sync


@dataclass
class FirstSyncSummary:
    """What the first sync of the held offers would change on eMAG."""

    offers: object
    prices: list = field(default_factory=list)  # (offer, eMAG's price, Odoo's price)
    stocks: list = field(default_factory=list)  # (offer, eMAG's stock, Odoo's stock)
    deactivations: list = field(default_factory=list)  # offers active on eMAG only
    attention: list = field(default_factory=list)  # (offer, problems): would not be sent


def first_sync_summary(offers):
    """Compare what eMAG holds with what Odoo would push for ``offers``."""
    env = offers.env
    summary = FirstSyncSummary(offers)
    prices = offer_prices(env, offers.filtered("publish"))
    stocks = offer_quantities(env, offers.filtered("publish").ids)
    for offer in offers:
        pushed = offer.pushed_values or {}
        if not offer.publish:
            if pushed.get("status") == 1:
                summary.deactivations.append(offer)
            continue
        problems = offer_problems(offer, prices[offer.id], None)
        if problems:
            summary.attention.append((offer, problems))
            continue
        values = offer_values(offer, prices[offer.id], stocks.get(offer.id, 0))
        if values["sale_price"] != pushed.get("sale_price"):
            summary.prices.append((offer, pushed.get("sale_price"), values["sale_price"]))
        if "stock" in values and values["stock"] != pushed.get("stock"):
            summary.stocks.append((offer, pushed.get("stock"), values["stock"]))
    return summary


def release(offers):
    """End the hold: from now on the offers sync like any other (queued, not here)."""
    offers.write({"takeover_hold": False})
    for account in offers.account_id:
        account._queue_offer_sync()
    return offers


def adopt_emag_prices(offers):
    """Copy eMAG's prices and bands onto the account pricelists, then release.

    The price goes into a fixed-price rule of the product on the account's
    pricelist (gross when the product's taxes include the price), and eMAG's
    band onto the offer, so the first sync finds nothing to change in prices.
    """
    env = offers.env
    Item = env["product.pricelist.item"]
    for offer in offers:
        account = offer.account_id
        pushed = offer.pushed_values or {}
        if not pushed.get("sale_price") or not account.pricelist_id:
            continue
        product = offer.product_id.with_company(account.company_id)
        price = gross_price(pushed["sale_price"], product, account.company_id, offer.vat_id.rate)
        rule = Item.search(
            [
                ("pricelist_id", "=", account.pricelist_id.id),
                ("applied_on", "=", "0_product_variant"),
                ("product_id", "=", product.id),
                ("min_quantity", "<=", 1),
            ],
            limit=1,
        )
        vals = {"compute_price": "fixed", "fixed_price": price}
        if rule:
            rule.write(vals)
        else:
            Item.create(
                {
                    **vals,
                    "pricelist_id": account.pricelist_id.id,
                    "applied_on": "0_product_variant",
                    "product_id": product.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                }
            )
        offer.write(
            {
                "min_sale_price": pushed.get("min_sale_price") or 0.0,
                "max_sale_price": pushed.get("max_sale_price") or 0.0,
                "price_override": 0.0,
            }
        )
    return release(offers)
