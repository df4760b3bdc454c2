"""The quantity each eMAG offer may promise, for thousands of offers at once.

What an account offers is the *free* quantity (on hand minus reserved) of its
seller-fulfilled warehouse: never the on-hand (a reserved unit is already
sold), never what sits in a Fulfilled-by-eMAG warehouse. When several accounts
draw on one warehouse, each gets its configured share of it, so one platform
cannot sell what another already promised; if the shares add up to more than
100 %, they are scaled down to fit. Then the account buffer and the offer
buffer are subtracted, and the result is clamped to eMAG's 0…65535.

The work is a handful of queries whatever the size of the catalogue: one
fetch of the offers, one grouped sum over ``stock.quant`` per warehouse (the
location tree is matched through ``parent_path``), no per-product loop.
"""

import math
from collections import defaultdict

MAX_STOCK = 65535


def free_quantities(env, warehouse, product_ids, excluded_warehouses=None):
    """Free quantity per product id in ``warehouse``'s internal locations.

    :param excluded_warehouses: warehouses whose locations never count (the
        FBE ones), even if someone nested them inside ``warehouse``
    :returns: ``{product_id: float}``; products without quants are absent
    """
    if not product_ids or not warehouse:
        return {}
    domain = [
        ("product_id", "in", list(product_ids)),
        ("location_id", "child_of", warehouse.view_location_id.id),
        ("location_id.usage", "=", "internal"),
    ]
    excluded = (excluded_warehouses or env["stock.warehouse"]).filtered(lambda wh: wh != warehouse)
    if excluded:
        domain += ["!", ("location_id", "child_of", excluded.view_location_id.ids)]
    groups = (
        env["stock.quant"]
        .sudo()
        .with_context(active_test=False)
        ._read_group(domain, ["product_id"], ["quantity:sum", "reserved_quantity:sum"])
    )
    return {product.id: quantity - reserved for product, quantity, reserved in groups}


def warehouse_shares(env, accounts):
    """Effective share (0…1) of its warehouse for each account.

    Shares are compared with every active seller-fulfilled account drawing on
    the same warehouse, including accounts outside ``accounts``.
    """
    warehouses = accounts.warehouse_id
    siblings = (
        env["emag.account"]
        .sudo()
        .search([("warehouse_id", "in", warehouses.ids), ("fulfilment_type", "=", "seller")])
    )
    totals = defaultdict(float)
    for sibling in siblings:
        totals[sibling.warehouse_id.id] += max(sibling.stock_share_percent, 0.0)
    return {
        account.id: max(account.stock_share_percent, 0.0)
        / max(100.0, totals[account.warehouse_id.id] or 100.0)
        for account in accounts
    }


def offer_quantities(env, offer_ids):
    """Quantity to push for each offer id: ``{offer_id: int}``.

    Offers of FBE accounts or of accounts without a warehouse get 0: there is
    nothing of the seller's own to promise.
    """
    if not offer_ids:
        return {}
    offers = (
        env["emag.offer"]
        .sudo()
        .search_fetch([("id", "in", list(offer_ids))], ["account_id", "product_id", "stock_buffer"])
    )
    by_account = defaultdict(list)
    for offer in offers:
        by_account[offer.account_id].append(offer)
    accounts = env["emag.account"].sudo().browse([account.id for account in by_account])
    shares = warehouse_shares(env, accounts.filtered("warehouse_id"))
    fbe_warehouses = env["emag.account"].sudo().search([]).fbe_warehouse_id
    free_by_warehouse = {}
    result = {}
    for account, account_offers in by_account.items():
        warehouse = account.warehouse_id
        if account.fulfilment_type != "seller" or not warehouse:
            result.update(dict.fromkeys((offer.id for offer in account_offers), 0))
            continue
        if warehouse.id not in free_by_warehouse:
            free_by_warehouse[warehouse.id] = {}
        free = free_by_warehouse[warehouse.id]
        missing = {offer.product_id.id for offer in account_offers} - free.keys()
        if missing:
            computed = free_quantities(env, warehouse, missing, fbe_warehouses)
            free.update({product_id: computed.get(product_id, 0.0) for product_id in missing})
        share = shares[account.id]
        for offer in account_offers:
            # A small epsilon so 2.9999999 units of float noise still count as 3.
            promised = math.floor(max(free[offer.product_id.id], 0.0) * share + 1e-6)
            quantity = promised - max(account.stock_buffer, 0) - max(offer.stock_buffer, 0)
            result[offer.id] = min(max(quantity, 0), MAX_STOCK)
    return result
