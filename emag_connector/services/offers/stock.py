"""The quantity each eMAG offer may promise, for thousands of offers at once.

What an account offers is the *free* quantity (on hand minus reserved) of its
seller-fulfilled warehouse: never the on-hand (a reserved unit is already
sold), never what sits in a Fulfilled-by-eMAG warehouse. When several accounts
draw on one warehouse, the warehouse's allocation policy (``offer_allocation``:
whole pool, low-stock priority or fixed shares) decides what each may promise.
Then the account buffer and the offer buffer are subtracted, and the result is
clamped to eMAG's 0…65535.

The work is a handful of queries whatever the size of the catalogue: one
fetch of the offers, one grouped sum over ``stock.quant`` per warehouse (the
location tree is matched through ``parent_path``), one grouped read of which
sibling accounts sell which product; the per-product loop is pure Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .allocation import Claimant, allocate

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


def warehouse_claimants(env, accounts, product_ids):
    """Every account drawing on the warehouses of ``accounts``, as the allocation sees them.

    :returns: ``(siblings_by_warehouse, sellers)``: the active seller-fulfilled
        accounts of each warehouse id, in priority order, and the set of
        ``(account_id, product_id)`` that have a live offer (published, or
        still on eMAG), which is where units can be shown at all
    """
    warehouses = accounts.warehouse_id
    siblings = (
        env["emag.account"]
        .sudo()
        .search(
            [("warehouse_id", "in", warehouses.ids), ("fulfilment_type", "=", "seller")],
            order="stock_priority, id",
        )
    )
    by_warehouse = defaultdict(lambda: env["emag.account"])
    for sibling in siblings:
        by_warehouse[sibling.warehouse_id.id] |= sibling
    live = (
        env["emag.offer"]
        .sudo()
        ._read_group(
            [
                ("account_id", "in", siblings.ids),
                ("product_id", "in", list(product_ids)),
                "|",
                ("publish", "=", True),
                ("emag_created", "=", True),
            ],
            ["account_id", "product_id"],
        )
    )
    sellers = {(account.id, product.id) for account, product in live}
    return by_warehouse, sellers


def warehouse_allocations(env, accounts, product_ids, free_by_warehouse, offers=None):
    """``{(account_id, product_id): Allocation}`` for ``accounts`` and ``product_ids``.

    Each product's free quantity of a warehouse is allocated across every
    account sharing it (including accounts outside ``accounts``), under the
    policy of the warehouse's first account in priority order.

    :param offers: offers about to be pushed; they count as live even before
        their first push
    """
    by_warehouse, sellers = warehouse_claimants(env, accounts, product_ids)
    sellers |= {(offer.account_id.id, offer.product_id.id) for offer in offers or ()}
    result = {}
    for warehouse_id, siblings in by_warehouse.items():
        # The policy is written on every account of the warehouse at once; if
        # the database disagrees anyway, the first in priority decides.
        lead = siblings[:1]
        policy, threshold = lead.stock_allocation_policy, lead.low_stock_threshold
        free = free_by_warehouse.get(warehouse_id, {})
        configured = [
            (sibling.id, sibling.stock_share_percent, sibling.stock_priority)
            for sibling in siblings
        ]
        mine = (siblings & accounts).ids
        for product_id in product_ids:
            claimants = [
                Claimant(key, share=share, priority=priority, sells=(key, product_id) in sellers)
                for key, share, priority in configured
            ]
            allocated = allocate(free.get(product_id, 0.0), claimants, policy, threshold)
            for account_id in mine:
                result[account_id, product_id] = allocated[account_id]
    return result


@dataclass
class OfferPlan:
    """What a set of offers may promise, and why.

    :ivar quantities: ``{offer_id: int}``, the quantity to push
    :ivar allocations: ``{(account_id, product_id): Allocation}`` before buffers
    :ivar free: ``{(warehouse_id, product_id): float}``, free quantity
    """

    quantities: dict = field(default_factory=dict)
    allocations: dict = field(default_factory=dict)
    free: dict = field(default_factory=dict)


def offer_plan(env, offer_ids):
    """Quantity to push for each offer id, with the allocation behind it.

    Offers of FBE accounts or of accounts without a warehouse get 0: there is
    nothing of the seller's own to promise.
    """
    plan = OfferPlan()
    if not offer_ids:
        return plan
    offers = (
        env["emag.offer"]
        .sudo()
        .search_fetch([("id", "in", list(offer_ids))], ["account_id", "product_id", "stock_buffer"])
    )
    accounts = offers.account_id
    sellers = accounts.filtered(
        lambda account: account.fulfilment_type == "seller" and account.warehouse_id
    )
    fbe_warehouses = env["emag.account"].sudo().search([]).fbe_warehouse_id
    product_ids = set(offers.product_id.ids)
    free_by_warehouse = {
        warehouse.id: free_quantities(env, warehouse, product_ids, fbe_warehouses)
        for warehouse in sellers.warehouse_id
    }
    plan.free = {
        (warehouse_id, product_id): quantity
        for warehouse_id, free in free_by_warehouse.items()
        for product_id, quantity in free.items()
    }
    plan.allocations = warehouse_allocations(env, sellers, product_ids, free_by_warehouse, offers)
    for offer in offers:
        account = offer.account_id
        if account not in sellers:
            plan.quantities[offer.id] = 0
            continue
        promised = plan.allocations[account.id, offer.product_id.id].units
        quantity = promised - max(account.stock_buffer, 0) - max(offer.stock_buffer, 0)
        plan.quantities[offer.id] = min(max(quantity, 0), MAX_STOCK)
    return plan


def offer_quantities(env, offer_ids):
    """Quantity to push for each offer id: ``{offer_id: int}`` (see :func:`offer_plan`)."""
    return offer_plan(env, offer_ids).quantities


def live_offers(env, accounts, product_ids=None):
    """Live offers (published, or still on eMAG) of every seller-fulfilled
    account sharing a warehouse with ``accounts``, optionally of some products."""
    warehouses = accounts.filtered(lambda account: account.fulfilment_type == "seller").warehouse_id
    domain = [
        ("account_id.warehouse_id", "in", warehouses.ids),
        ("account_id.fulfilment_type", "=", "seller"),
        ("account_id.active", "=", True),
        "|",
        ("publish", "=", True),
        ("emag_created", "=", True),
    ]
    if product_ids is not None:
        domain.append(("product_id", "in", list(product_ids)))
    return env["emag.offer"].sudo().search(domain)


@dataclass(frozen=True)
class ProductAllocation:
    """One product of a shared warehouse: its free units and each live offer's share.

    :ivar offers: ``[(offer, Allocation, quantity)]`` in the accounts' priority
        order; ``quantity`` is what is pushed, buffers subtracted
    """

    product: object
    warehouse: object
    free: float
    offers: list

    @property
    def hidden(self):
        """In stock, offered on no account."""
        return self.free >= 1 and not any(quantity for _offer, _alloc, quantity in self.offers)


def product_allocations(env, offers):
    """:class:`ProductAllocation` per (warehouse, product) of ``offers``."""
    plan = offer_plan(env, offers.ids)
    grouped = defaultdict(list)
    for offer in offers.sorted(
        lambda offer: (offer.account_id.stock_priority, offer.account_id.id)
    ):
        allocation = plan.allocations.get((offer.account_id.id, offer.product_id.id))
        if allocation is not None:
            grouped[offer.account_id.warehouse_id, offer.product_id].append(
                (offer, allocation, plan.quantities[offer.id])
            )
    return [
        ProductAllocation(product, warehouse, plan.free.get((warehouse.id, product.id), 0.0), rows)
        for (warehouse, product), rows in grouped.items()
    ]
