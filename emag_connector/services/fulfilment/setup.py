"""Read the account's courier accounts and saved addresses from eMAG (doc §11.6-11.7).

They feed the AWBs: the courier account they are issued on, the pickup
address order parcels are collected from, and the return address returned
goods are brought back to. Each read replaces the account's copy; the
choices on the account are kept while eMAG still lists them, and default to
eMAG's own defaults otherwise.
"""

from odoo.addons.queue_job.exception import RetryableJobError

from ...lib.emag_api import EmagTransientError, parsing

# courier_account_type values able to carry orders (2 Order, 3 RMA & Order).
ORDER_COURIER_TYPES = (2, 3)
RETURN_ADDRESS_TYPE, PICKUP_ADDRESS_TYPE = "1", "2"


def fetch_shipping_setup(account):
    """Job: refresh the courier accounts and addresses of ``account``."""
    client = account._get_client()
    try:
        couriers = client.read_courier_accounts()
        addresses = client.read_addresses()
    except EmagTransientError as error:
        raise RetryableJobError(f"Reading eMAG courier accounts: {error}") from error
    _sync_couriers(account, couriers)
    _sync_addresses(account, addresses)
    _choose_defaults(account)


def _sync_couriers(account, items):
    Courier = account.env["emag.courier.account"].with_context(active_test=False)
    existing = {c.emag_id: c for c in Courier.search([("account_id", "=", account.id)])}
    seen = set()
    for item in items:
        if not isinstance(item, dict) or parsing.to_int(item.get("account_id")) is None:
            continue
        emag_id = parsing.to_int(item["account_id"])
        kind = parsing.to_int(item.get("courier_account_type"))
        values = {
            "name": str(item.get("account_display_name") or item.get("courier_name") or emag_id),
            "courier_name": str(item.get("courier_name") or ""),
            "for_orders": kind in ORDER_COURIER_TYPES or kind is None,
            "lockers": 2
            in (parsing.to_int(p) for p in parsing.as_list(item.get("courier_account_properties"))),
            "active": parsing.to_int(item.get("status", 1)) == 1,
        }
        seen.add(emag_id)
        if emag_id in existing:
            existing[emag_id].write(values)
        else:
            Courier.create(dict(values, account_id=account.id, emag_id=emag_id))
    for emag_id, courier in existing.items():
        if emag_id not in seen:
            courier.active = False


def _sync_addresses(account, items):
    Address = account.env["emag.pickup.address"].with_context(active_test=False)
    existing = {a.emag_id: a for a in Address.search([("account_id", "=", account.id)])}
    seen = set()
    for item in items:
        if not isinstance(item, dict) or not item.get("address_id"):
            continue
        emag_id = str(item["address_id"])
        values = {
            "address_type": str(parsing.to_int(item.get("address_type_id")) or ""),
            "locality_id": parsing.to_int(item.get("locality_id")) or 0,
            "city": str(item.get("city") or ""),
            "county": str(item.get("suburb") or ""),
            "street": str(item.get("address") or ""),
            "zipcode": str(item.get("zipcode") or ""),
            "is_default": bool(item.get("is_default")),
            "active": True,
        }
        seen.add(emag_id)
        if emag_id in existing:
            existing[emag_id].write(values)
        else:
            Address.create(dict(values, account_id=account.id, emag_id=emag_id))
    for emag_id, address in existing.items():
        if emag_id not in seen:
            address.active = False


def _choose_defaults(account):
    """Keep the account's choices while they exist; else take eMAG's defaults."""
    env = account.env
    if not account.courier_account_id.active:
        account.courier_account_id = env["emag.courier.account"].search(
            [("account_id", "=", account.id), ("for_orders", "=", True)], limit=1
        )
    Address = env["emag.pickup.address"]
    for field, kind in (
        ("pickup_address_id", PICKUP_ADDRESS_TYPE),
        ("return_address_id", RETURN_ADDRESS_TYPE),
    ):
        if not account[field].active:
            account[field] = Address.search(
                [("account_id", "=", account.id), ("address_type", "=", kind)],
                order="is_default desc, id",
                limit=1,
            )
