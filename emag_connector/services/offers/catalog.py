"""eMAG's reference data in Odoo: VAT rates, handling times, categories.

Each function reads one thing and upserts it, writing only what differs, so a
re-run over unchanged data costs the reads and nothing else. Categories come
page by page (one job per page, resumable); the characteristics, their
allowed values (paged by the client) and the family types are read per
category, only for the categories the seller may publish in.
"""

from odoo import fields

from ...lib.emag_api.parsing import as_list, handling_time_days, to_bool, to_int, vat_fraction

STALE_AFTER_DAYS = 7
CATEGORIES_PER_PAGE = 100


def _upsert(model, domain, vals):
    """Create or update the record matching ``domain``; write only changed values."""
    record = model.search(domain, limit=1)
    if not record:
        return model.create(vals)
    changes = {}
    for name, value in vals.items():
        current = record[name]
        if model._fields[name].type == "many2one":
            current = current.id
        if current != value:
            changes[name] = value
    if changes:
        record.write(changes)
    return record


def sync_vat_rates(account, client):
    Vat = account.env["emag.vat"].sudo().with_context(active_test=False)
    seen = Vat
    for item in client.read_vat_rates():
        seen |= _upsert(
            Vat,
            [("platform", "=", account.platform), ("emag_id", "=", to_int(item.get("vat_id")))],
            {
                "platform": account.platform,
                "emag_id": to_int(item.get("vat_id")),
                "rate": float(vat_fraction(item.get("vat_rate"))),
                "is_default": to_bool(item.get("is_default")) or False,
                "active": True,
            },
        )
    gone = Vat.search([("platform", "=", account.platform), ("id", "not in", seen.ids)])
    gone.filtered("active").write({"active": False})
    return len(seen)


def sync_handling_times(account, client):
    Handling = account.env["emag.handling.time"].sudo()
    days = {handling_time_days(item) for item in client.read_handling_times()}
    days.discard(None)
    known = Handling.search([("platform", "=", account.platform)])
    known.filtered(lambda record: record.days not in days).unlink()
    missing = days - set(known.mapped("days"))
    Handling.create([{"platform": account.platform, "days": value} for value in sorted(missing)])
    return len(days)


def sync_categories_page(account, client, page):
    """Upsert one page of the category list; return how many it held."""
    Category = account.env["emag.category"].sudo()
    items = client.read_categories(currentPage=page, itemsPerPage=CATEGORIES_PER_PAGE)
    for item in items:
        _upsert(
            Category,
            [("platform", "=", account.platform), ("emag_id", "=", to_int(item.get("id")))],
            {
                "platform": account.platform,
                "emag_id": to_int(item.get("id")),
                "name": item.get("name") or str(item.get("id")),
                "emag_parent_id": to_int(item.get("parent_id")) or 0,
                "is_allowed": bool(to_bool(item.get("is_allowed"))),
                "is_ean_mandatory": bool(to_bool(item.get("is_ean_mandatory"))),
                "is_warranty_mandatory": bool(to_bool(item.get("is_warranty_mandatory"))),
            },
        )
    _link_parents(Category, account.platform)
    return len(items)


def _link_parents(Category, platform):
    orphans = Category.search(
        [("platform", "=", platform), ("emag_parent_id", "!=", 0), ("parent_id", "=", False)]
    )
    if not orphans:
        return
    parents = {
        category.emag_id: category
        for category in Category.search(
            [("platform", "=", platform), ("emag_id", "in", orphans.mapped("emag_parent_id"))]
        )
    }
    for orphan in orphans:
        if orphan.emag_parent_id in parents:
            orphan.parent_id = parents[orphan.emag_parent_id]


def sync_category_details(account, client, category):
    """Characteristics with all their allowed values, and family types, of ``category``."""
    env = account.env
    data = client.read_category(category.emag_id)
    if data is None:
        category.sudo().is_allowed = False
        return
    category = category.sudo()
    _upsert(
        category,
        [("id", "=", category.id)],
        {
            "is_allowed": bool(to_bool(data.get("is_allowed"))),
            "is_ean_mandatory": bool(to_bool(data.get("is_ean_mandatory"))),
            "is_warranty_mandatory": bool(to_bool(data.get("is_warranty_mandatory"))),
        },
    )
    Characteristic = env["emag.category.characteristic"].sudo()
    Value = env["emag.category.characteristic.value"].sudo()
    by_emag_id = {}
    for item in as_list(data.get("characteristics")):
        emag_id = to_int(item.get("id"))
        characteristic = _upsert(
            Characteristic,
            [("category_id", "=", category.id), ("emag_id", "=", emag_id)],
            {
                "category_id": category.id,
                "emag_id": emag_id,
                "name": item.get("name") or str(emag_id),
                "type_id": str(to_int(item.get("type_id")))
                if str(to_int(item.get("type_id")))
                in dict(Characteristic._fields["type_id"].selection)
                else False,
                "display_order": to_int(item.get("display_order")) or 0,
                "is_mandatory": bool(to_bool(item.get("is_mandatory"))),
                "is_filter": bool(to_bool(item.get("is_filter"))),
                "allow_new_value": bool(to_bool(item.get("allow_new_value"))),
                "tags": ",".join(str(tag) for tag in as_list(item.get("tags"))) or False,
            },
        )
        by_emag_id[emag_id] = characteristic
        values = [_value_text(value) for value in as_list(item.get("values"))]
        values = list(dict.fromkeys(value for value in values if value))
        known = {value.name: value for value in characteristic.value_ids}
        Value.browse(
            [record.id for name, record in known.items() if name not in set(values)]
        ).unlink()
        Value.create(
            [
                {"characteristic_id": characteristic.id, "name": name, "sequence": index}
                for index, name in enumerate(values)
                if name not in known
            ]
        )
    category.characteristic_ids.filtered(
        lambda characteristic: characteristic.emag_id not in by_emag_id
    ).unlink()
    FamilyType = env["emag.category.family.type"].sudo()
    family_ids = set()
    for item in as_list(data.get("family_types")):
        emag_id = to_int(item.get("id"))
        family_ids.add(emag_id)
        defining = [
            by_emag_id[to_int(char.get("characteristic_id"))].id
            for char in as_list(item.get("characteristics"))
            if to_int(char.get("characteristic_id")) in by_emag_id
        ]
        family = _upsert(
            FamilyType,
            [("category_id", "=", category.id), ("emag_id", "=", emag_id)],
            {"category_id": category.id, "emag_id": emag_id, "name": item.get("name") or ""},
        )
        if set(family.characteristic_ids.ids) != set(defining):
            family.characteristic_ids = [fields.Command.set(defining)]
    category.family_type_ids.filtered(lambda family: family.emag_id not in family_ids).unlink()
    category.details_synced_at = fields.Datetime.now()


def _value_text(value):
    """Characteristic values are strings in the doc; tolerate ``{"name"|"value": ...}``."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("value")
    return str(value).strip() if value not in (None, "") else ""
