"""Products and offers: product_offer/read|save|count, offer/save, offer_stock PATCH.

Validation follows doc §13. Two kinds of problems are distinguished, as eMAG
does: an *offer* problem (price outside the min/max band, unknown VAT id, ...)
rejects that entity; a *documentation* problem (missing mandatory
characteristic, value outside a closed list, bad family) still saves the
offer but answers ``isError: true`` — "saved with warnings".
"""

from datetime import datetime, timedelta

from .market import buy_button, check_freeze
from .nomenclatures import CATEGORY_BY_ID, HANDLING_TIMES, VAT_RATES, characteristic_specs
from .orders import NEW, SELLER
from .protocol import (
    ApiError,
    Response,
    as_decimal,
    as_int,
    count_result,
    json_response,
    money,
    ok,
    paginate,
    save_each,
)

SUPPLY_LEAD_TIMES = {2, 3, 5, 7, 14, 30, 60, 90, 120}
OFFER_KEYS = (
    "status",
    "sale_price",
    "recommended_price",
    "min_sale_price",
    "max_sale_price",
    "currency_type",
    "stock",
    "handling_time",
    "vat_id",
    "start_date",
    "warranty",
    "supply_lead_time",
    "emag_club",
    "green_tax",
)
DOCUMENTATION_KEYS = (
    "category_id",
    "name",
    "part_number",
    "brand",
    "description",
    "images",
    "characteristics",
    "family",
    "ean",
    "attachments",
    "url",
    "safety_information",
    "manufacturer",
    "eu_representative",
    "source_language",
    "vendor_category_id",
    "images_overwrite",
    "force_images_download",
)
VALIDATION_STATUSES = {
    1: "Awaiting Marketplace validation",
    8: "Documentation rejected",
    9: "Approved documentation",
}


def _normalize_part_number(value):
    return "".join(ch for ch in str(value) if ch not in " ,;")


# ------------------------------------------------------------------ offer checks


def _check_offer(account, entity, stored, label):
    """Offer-level checks on the merged values; raise ApiError to reject the entity."""
    merged = {**stored, **{k: v for k, v in entity.items() if k in OFFER_KEYS}}
    status = as_int(merged.get("status"), "status", 0, 2)
    if status == 2 and not stored:
        raise ApiError(f"{label}: status 2 (end of life) is only allowed on updates")
    price = as_decimal(merged["sale_price"], "sale_price")
    if price <= 0:
        raise ApiError(f"{label}: sale_price must be greater than 0")
    if -price.as_tuple().exponent > 4:
        raise ApiError(f"{label}: sale_price can have at most 4 decimals")
    low = as_decimal(merged["min_sale_price"], "min_sale_price")
    high = as_decimal(merged["max_sale_price"], "max_sale_price")
    if low <= 0 or high <= low:
        raise ApiError(f"{label}: max_sale_price must be greater than min_sale_price (both > 0)")
    if not low <= price <= high:
        raise ApiError(
            f"{label}: sale_price {price} is outside the interval "
            f"[{low}, {high}] of min_sale_price and max_sale_price"
        )
    recommended = merged.get("recommended_price")
    if recommended not in (None, "") and as_decimal(recommended, "recommended_price") <= price:
        raise ApiError(f"{label}: recommended_price must be greater than sale_price")
    vat_ids = {vat_id for vat_id, _rate, _default in VAT_RATES[account.country_code]}
    if as_int(merged.get("vat_id"), "vat_id") not in vat_ids:
        raise ApiError(f"{label}: unknown vat_id {merged.get('vat_id')}")
    _check_warehouse_list(merged.get("stock"), "stock", 0, 65535, label, required=True)
    for item in _check_warehouse_list(merged.get("handling_time"), "handling_time", 0, 255, label):
        if item["value"] not in HANDLING_TIMES:
            raise ApiError(f"{label}: handling_time {item['value']} is not an allowed value")
    if (
        merged.get("supply_lead_time") not in (None, "")
        and as_int(merged["supply_lead_time"], "supply_lead_time") not in SUPPLY_LEAD_TIMES
    ):
        raise ApiError(f"{label}: supply_lead_time must be one of {sorted(SUPPLY_LEAD_TIMES)}")
    if merged.get("warranty") not in (None, ""):
        as_int(merged["warranty"], "warranty", 0, 255)
    if merged.get("currency_type") not in (None, "", account.currency) and merged[
        "currency_type"
    ] not in ("EUR", "PLN"):
        raise ApiError(f"{label}: currency_type must be EUR or PLN")
    if entity.get("start_date"):
        _check_start_date(account, entity["start_date"], label)


def _check_warehouse_list(value, name, low, high, label, required=False):
    if value in (None, "", []):
        if required:
            raise ApiError(f"{label}: {name} is mandatory")
        return []
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        raise ApiError(f"{label}: {name} must be a list of {{warehouse_id, value}}")
    items = []
    for item in value:
        items.append(
            {
                "warehouse_id": as_int(item.get("warehouse_id"), f"{name}.warehouse_id", 1),
                "value": as_int(item.get("value"), f"{name}.value", low, high),
            }
        )
    return items


def _check_start_date(account, value, label):
    try:
        day = datetime.strptime(str(value), "%Y-%m-%d").date()
    except ValueError as exc:
        raise ApiError(f"{label}: start_date must have the format YYYY-MM-DD") from exc
    today = account.now().date()
    if not today + timedelta(days=1) <= day <= today + timedelta(days=60):
        raise ApiError(f"{label}: start_date must be between tomorrow and 60 days from now")


# ---------------------------------------------------------- documentation checks


def _check_new_documentation(account, entity, offer_id, label):
    """Hard checks of a new product's documentation (entity rejected on failure)."""
    for key in ("category_id", "part_number", "brand"):
        if entity.get(key) in (None, ""):
            raise ApiError(f"{label}: {key} is mandatory for a new product")
    category_id = as_int(entity["category_id"], "category_id", 1, 65535)
    category = CATEGORY_BY_ID.get(category_id)
    if category is None:
        raise ApiError(f"{label}: category {category_id} does not exist")
    if not category["is_allowed"]:
        raise ApiError(f"{label}: you are not allowed to publish in category {category_id}")
    if category["is_ean_mandatory"] and not entity.get("ean"):
        raise ApiError(f"{label}: EAN is mandatory in category {category_id}")
    if category["is_warranty_mandatory"] and entity.get("warranty") in (None, ""):
        raise ApiError(f"{label}: warranty is mandatory in category {category_id}")
    _check_part_number(account, entity["part_number"], offer_id, label)
    _check_eans(account, [str(e) for e in entity.get("ean") or []], offer_id, label)


def _check_part_number(account, part_number, offer_id, label):
    normalized = _normalize_part_number(part_number)
    if not 1 <= len(normalized) <= 25:
        raise ApiError(f"{label}: part_number must have 1 to 25 characters")
    for other in account.offers.values():
        if other["id"] != offer_id and other.get("part_number") == normalized:
            raise ApiError(
                f"{label}: part_number {normalized} is already used by product id {other['id']}"
            )


def _check_eans(account, eans, offer_id, label):
    for ean in eans:
        text = str(ean)
        if not (text.isdigit() and 6 <= len(text) <= 14):
            raise ApiError(f"{label}: EAN {text} must have 6 to 14 digits")
        for other in account.offers.values():
            if other["id"] != offer_id and text in other.get("ean", []):
                raise ApiError(f"{label}: EAN {text} is already used by product id {other['id']}")


def documentation_warnings(entity, label):
    """Soft checks: returned as messages, the offer is saved anyway."""
    category = CATEGORY_BY_ID.get(int(entity.get("category_id") or 0))
    if category is None:
        return []
    specs = {spec["id"]: spec for spec in characteristic_specs(category)}
    sent = {}
    warnings = []
    for item in entity.get("characteristics") or []:
        try:
            cid = int(item.get("id"))
        except (TypeError, ValueError, AttributeError):
            warnings.append(f"{label}: invalid characteristic {item!r}")
            continue
        spec = specs.get(cid)
        if spec is None:
            warnings.append(
                f"{label}: characteristic {cid} does not belong to category {category['id']}"
            )
            continue
        value = str(item.get("value", ""))
        sent[cid] = value
        if not spec["allow_new_value"] and value not in spec["values"]:
            warnings.append(
                f"{label}: characteristic '{spec['name']}' has an invalid value "
                f"'{value}' for this category"
            )
    for spec in specs.values():
        if spec["is_mandatory"] and not sent.get(spec["id"]):
            warnings.append(
                f"{label}: the mandatory characteristic '{spec['name']}' "
                f"(id {spec['id']}) is missing"
            )
    family = entity.get("family")
    if isinstance(family, dict) and family.get("id") not in (None, 0, "0"):
        family_type = family.get("family_type_id")
        known = {ft["id"]: ft for ft in category["family_types"]}
        if family_type not in known:
            warnings.append(
                f"{label}: family type {family_type} does not belong to category {category['id']}"
            )
        else:
            defining = {c["characteristic_id"] for c in known[family_type]["characteristics"]}
            if not defining <= set(sent):
                warnings.append(
                    f"{label}: Please provide product characteristic values for the given "
                    "family type"
                )
    return warnings


# ------------------------------------------------------------------------- saving


def save_product_offer(state, account, entity):
    """Validate and store one product_offer/save entity.

    Returns the list of documentation warnings (offer saved); raises ApiError
    when the entity is rejected (nothing saved for it).
    """
    if entity.get("id") in (None, ""):
        raise ApiError("Product id is mandatory")
    offer_id = as_int(entity["id"], "id", 1, 16777215)
    label = f"Product id {offer_id}"
    stored = account.offers.get(offer_id)
    pnk = entity.get("part_number_key")
    if entity.get("ean") not in (None, "") and not isinstance(entity["ean"], list):
        raise ApiError(f"{label}: ean must be a list of EAN codes")
    eans = [str(e) for e in entity.get("ean") or []]
    warnings = []
    if stored is None:
        for key in (
            "name",
            "status",
            "sale_price",
            "min_sale_price",
            "max_sale_price",
            "vat_id",
            "stock",
        ):
            if entity.get(key) in (None, ""):
                raise ApiError(f"{label}: {key} is mandatory on the first save")
        _check_offer(account, entity, {}, label)
        if pnk and eans:
            raise ApiError(f"{label}: send either part_number_key or ean, not both")
        catalog_product = _attach_target(state, account, pnk, eans, offer_id, label)
        if catalog_product is None:
            _check_new_documentation(account, entity, offer_id, label)
            warnings = documentation_warnings(entity, label)
        offer = _create(state, account, entity, offer_id, catalog_product, warnings)
    else:
        check_freeze(account, stored, entity, label)
        _check_offer(account, entity, stored, label)
        if "part_number" in entity:
            _check_part_number(account, entity["part_number"], offer_id, label)
        if "ean" in entity:
            _check_eans(account, eans, offer_id, label)
        if any(key in entity for key in DOCUMENTATION_KEYS if key != "name"):
            if stored["ownership"] != 1:
                warnings.append(
                    f"{label}: the documentation belongs to another seller; only the "
                    "offer was updated"
                )
            else:
                warnings = documentation_warnings({**stored, **entity}, label)
        offer = stored
        _apply(offer, entity, documentation=stored["ownership"] == 1)
        _set_validation(account, offer, warnings)
    account.offers[offer_id] = offer
    return warnings


def _attach_target(state, account, pnk, eans, offer_id, label):
    """The catalogue product a new offer attaches to (by PNK or a known EAN), if any."""
    if pnk:
        product = state.catalog.get(str(pnk))
        if product is None:
            raise ApiError(f"{label}: part_number_key {pnk} does not exist")
    elif eans and len(eans) == 1 and eans[0] in state.ean_index:
        product = state.catalog[state.ean_index[eans[0]]]
    else:
        return None
    for other in account.offers.values():
        if other["part_number_key"] == product.part_number_key and other["id"] != offer_id:
            raise ApiError(
                f"{label}: you already have an offer (product id {other['id']}) on "
                f"product {product.part_number_key}; update that offer instead"
            )
    return product


def _create(state, account, entity, offer_id, catalog_product, warnings):
    if catalog_product is None:
        eans = [str(e) for e in entity.get("ean") or []]
        catalog_product = state.add_catalog_product(
            entity["name"],
            entity["brand"],
            int(entity["category_id"]),
            eans,
            owner=account.username,
        )
        ownership = 1
    else:
        ownership = 1 if catalog_product.owner == account.username else 2
    offer = {
        "id": offer_id,
        "part_number_key": catalog_product.part_number_key,
        "mkt_id": catalog_product.mkt_id,
        "category_id": catalog_product.category_id,
        "brand": catalog_product.brand,
        "part_number": "",
        "ean": list(catalog_product.eans),
        "ownership": ownership,
        "characteristics": [],
        "images": [],
        "warranty": 0,
        "handling_time": [],
        "recommended_price": None,
        "_campaign": None,
    }
    _apply(offer, entity, documentation=ownership == 1)
    _set_validation(account, offer, warnings)
    return offer


def _apply(offer, entity, documentation):
    for key, value in entity.items():
        if key in ("id", "part_number_key") or key.startswith("_"):
            continue
        if key in DOCUMENTATION_KEYS and not documentation and key != "name":
            continue
        if key in ("sale_price", "min_sale_price", "max_sale_price", "recommended_price"):
            value = money(value) if value not in (None, "") else None
        elif key == "part_number":
            value = _normalize_part_number(value)
        elif key == "ean":
            value = [str(e) for e in value or []]
        elif key in ("stock", "handling_time"):
            value = [
                {"warehouse_id": int(i["warehouse_id"]), "value": int(i["value"])} for i in value
            ]
        elif key in ("status", "vat_id", "warranty", "category_id", "supply_lead_time"):
            value = int(value)
        offer[key] = value


def _set_validation(account, offer, warnings):
    if warnings and offer["ownership"] == 1:
        offer["validation_status"] = 8
        offer["doc_errors"] = list(warnings)
    elif offer["ownership"] == 1:
        offer["validation_status"] = 9 if account.auto_approve_documentation else 1
        offer["doc_errors"] = None
    else:
        offer.setdefault("validation_status", 9)
        offer.setdefault("doc_errors", None)


def ean13(number):
    """A valid EAN-13 built on ``number`` (twelve digits, then the check digit)."""
    body = f"{int(number):012d}"[-12:]
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(body))
    return body + str((10 - total % 10) % 10)


def catalogue_entity(offer_id, prefix="EXT", ean_base=594_100_000_000):
    """One offer a seller created on eMAG before any connector (documentation included)."""
    price = 20 + (offer_id * 7) % 480
    return {
        "id": offer_id,
        "category_id": 3120,
        "name": f"Produs existent {prefix} {offer_id}",
        "part_number": f"{prefix}-{offer_id:06d}",
        "brand": "Exemplu",
        "status": 1,
        "sale_price": f"{price:.4f}",
        "min_sale_price": f"{price * 0.5:.4f}",
        "max_sale_price": f"{price * 2:.4f}",
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": offer_id % 40}],
        "handling_time": [{"warehouse_id": 1, "value": 1}],
        "ean": [ean13(ean_base + offer_id)],
        "warranty": 24,
    }


def seed_catalogue(state, account, entities):
    """Store offers created outside any connector, approved, without the API's checks.

    Meant for large catalogues (the checks of ``product_offer/save`` scan
    every offer of the account); the rule the checks protect still holds:
    one offer per part number, EAN and catalogue product per seller.
    """
    part_numbers = {offer.get("part_number") for offer in account.offers.values()}
    eans = {ean for offer in account.offers.values() for ean in offer.get("ean") or []}
    for entity in entities:
        offer_id = int(entity["id"])
        label = f"Product id {offer_id}"
        number = _normalize_part_number(entity["part_number"])
        if offer_id in account.offers or number in part_numbers:
            raise ApiError(f"{label}: part_number {number} or id is already used")
        if eans & set(entity.get("ean") or []):
            raise ApiError(f"{label}: EAN already used by another offer of this seller")
        offer = _create(state, account, dict(entity), offer_id, None, [])
        offer["validation_status"] = 9
        account.offers[offer_id] = offer
        part_numbers.add(number)
        eans.update(offer["ean"])
    return len(entities)


def product_offer_save(ctx):
    return save_each(ctx, save_product_offer)


def save_light_offer(state, account, entity):
    """offer/save: update price/stock/status fields of an existing offer only."""
    if entity.get("id") in (None, ""):
        raise ApiError("Offer id is mandatory")
    offer_id = as_int(entity["id"], "id", 1, 16777215)
    stored = account.offers.get(offer_id)
    if stored is None:
        raise ApiError(f"Offer {offer_id} does not exist; offer/save cannot create offers")
    label = f"Offer {offer_id}"
    changes = {k: v for k, v in entity.items() if k in OFFER_KEYS}
    check_freeze(account, stored, changes, label)
    _check_offer(account, changes, stored, label)
    _apply(stored, changes, documentation=False)
    return []


def offer_save(ctx):
    return save_each(ctx, save_light_offer)


# -------------------------------------------------------------------------- reading


def reserved_quantity(account, offer_id):
    """Units held by unacknowledged seller orders (they lower ``estimated_stock``)."""
    return sum(
        line["quantity"]
        for record in account.orders.values()
        if record.status == NEW and record.data["type"] == SELLER
        for line in record.data["products"]
        if line["product_id"] == offer_id and line["status"] == 1
    )


def estimated_stock(account, offer):
    """What a customer can still buy of ``offer``: its stock less the units of
    orders not yet acknowledged."""
    return _stock_figures(account, offer)["estimated_stock"]


def _stock_figures(account, offer):
    general = sum(item["value"] for item in offer.get("stock", []))
    return {
        "general_stock": general,
        "estimated_stock": max(general - reserved_quantity(account, offer["id"]), 0),
    }


def offer_view(state, account, offer, detailed):
    """An offer as product_offer/read returns it (public keys plus computed ones)."""
    view = {k: v for k, v in offer.items() if not k.startswith("_")}
    validation = offer["validation_status"]
    view.update(
        currency=account.currency,
        **_stock_figures(account, offer),
        **buy_button(state, account, offer),
        validation_status={
            "value": validation,
            "description": VALIDATION_STATUSES[validation],
            "errors": offer.get("doc_errors") or [],
        },
        translation_validation_status={
            "value": 9,
            "description": "Approved documentation",
            "errors": [],
        },
        offer_validation_status={"value": 1, "description": "Saleable"},
        genius_eligibility=int(offer.get("emag_club", 1)),
        genius_eligibility_type=1,
        genius_computed=0,
    )
    if not detailed:
        for key in ("manufacturer", "eu_representative"):
            view[key] = bool(offer.get(key))
    return view


def _matching_offers(account, filters):
    offers = sorted(account.offers.values(), key=lambda o: o["id"])
    if "id" in filters:
        wanted = as_int(filters["id"], "id")
        offers = [o for o in offers if o["id"] == wanted]
    if "status" in filters:
        wanted = as_int(filters["status"], "status", 0, 2)
        offers = [o for o in offers if o["status"] == wanted]
    if filters.get("part_number"):
        wanted = _normalize_part_number(filters["part_number"])
        offers = [o for o in offers if o.get("part_number") == wanted]
    if filters.get("part_number_key"):
        offers = [o for o in offers if o["part_number_key"] == str(filters["part_number_key"])]
    if "validation_status" in filters:
        wanted = as_int(filters["validation_status"], "validation_status")
        offers = [o for o in offers if o["validation_status"] == wanted]
    for key in ("general_stock", "estimated_stock"):
        if key in filters:
            limit = as_int(filters[key], key, 0)
            offers = [o for o in offers if _stock_figures(account, o)[key] <= limit]
    return offers


def product_offer_read(ctx):
    filters = ctx.filters()
    offers = _matching_offers(ctx.account, filters)
    page = paginate(offers, filters, ctx.state.max_items_per_page)
    detailed = "id" in filters
    return ok([offer_view(ctx.state, ctx.account, o, detailed) for o in page])


def product_offer_count(ctx):
    filters = ctx.filters()
    total = len(_matching_offers(ctx.account, filters))
    return ok(count_result(total, filters, ctx.state.max_items_per_page))


# ------------------------------------------------------------------- offer_stock


def offer_stock_patch(ctx):
    """PATCH offer_stock/{id} with ``{"stock": n}``: 204, or REST-style errors."""
    try:
        offer_id = int(ctx.params["id"])
    except ValueError:
        return json_response({"message": "Invalid URL"}, 404)
    offer = ctx.account.offers.get(offer_id)
    if offer is None:
        return json_response({"message": "This offer does not exist"}, 404)
    body = ctx.payload.value
    stock = body.get("stock") if isinstance(body, dict) else None
    if isinstance(stock, list) and ctx.state.offer_stock_list_form:
        try:
            items = _check_warehouse_list(
                stock, "stock", 0, 65535, f"Offer {offer_id}", required=True
            )
        except ApiError:
            return json_response({"message": "Invalid content"}, 400)
    elif isinstance(stock, int) and not isinstance(stock, bool) and 0 <= stock <= 65535:
        items = [{"warehouse_id": 1, "value": stock}]
    else:
        return json_response({"message": "Invalid content"}, 400)
    if offer.get("_campaign"):
        return json_response(
            {
                "message": "Validation errors in your request",
                "errors": [
                    {
                        "message": f"The offer is included in the active campaign "
                        f"{offer['_campaign']}, thus the stock has NOT been changed.",
                        "field": "stock",
                    }
                ],
            },
            400,
        )
    others = [
        i
        for i in offer.get("stock", [])
        if i["warehouse_id"] not in {item["warehouse_id"] for item in items}
    ]
    offer["stock"] = sorted(others + items, key=lambda i: i["warehouse_id"])
    return Response(204, b"", "")


ROUTES = {
    "product_offer/read": (("POST",), product_offer_read),
    "product_offer/count": (("POST",), product_offer_count),
    "product_offer/save": (("POST",), product_offer_save),
    "offer/save": (("POST",), offer_save),
    "offer_stock": (("PATCH",), offer_stock_patch),
}
