# Run inside `odoo-bin shell` by tools/demo.sh; safe to run again.
#
# A Romanian shop selling on eMAG Romania, Bulgaria and Hungary from one
# warehouse: its company (Romanian chart of accounts), one eMAG account per
# platform on the local eMAG sandbox, and the sandbox catalog as Odoo products
# with stock and published offers. With the e-Factura bridge installed, the
# company sends to the local ANAF sandbox.
# ruff: noqa: F821 (env is the shell's)
import json
import os
from pathlib import Path

SEED = Path(os.environ["REPO"]) / "emag_connector/lib/emag_simulator/seeds/demo.json"
seed = json.loads(SEED.read_text())
romania = env.ref("base.ro")
bucharest = env["res.country.state"].search(
    [("country_id", "=", romania.id), ("code", "=", "B")], limit=1
)

company = env["res.company"].search([("name", "=", "Demo Magazin SRL")], limit=1)
if not company:
    values = {
        "name": "Demo Magazin SRL",
        "country_id": romania.id,
        "currency_id": env.ref("base.RON").id,
        "vat": "RO18547290",
        "company_registry": "J40/1234/2020",
        "street": "Bulevardul Unirii 1",
        "city": "Sector 3",
        "state_id": bucharest.id,
        "zip": "030167",
    }
    if "iap_enrich_auto_done" in env["res.company"]._fields:
        # Odoo would look the company up on its partner-autocomplete service;
        # the demo runs offline, where that call only hangs.
        values["iap_enrich_auto_done"] = True
    company = env["res.company"].create(values)
    env["account.chart.template"].try_loading("ro", company=company, install_demo=False)
admin = env.ref("base.user_admin")
admin.write({"company_ids": [(4, company.id)], "company_id": company.id})
env = env(context=dict(env.context, allowed_company_ids=[company.id]))
warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
if not warehouse:
    warehouse = env["stock.warehouse"].create(
        {"name": "Depozit Bucuresti", "code": "BUC", "company_id": company.id}
    )

if "l10n_ro_efb_environment" in company._fields:
    company.write(
        {
            "l10n_ro_efb_environment": "sandbox",
            "l10n_ro_efb_sandbox_url": os.environ["ANAF_SANDBOX_URL"],
        }
    )
    company.action_l10n_ro_efb_connect_sandbox()
    print(f"e-Factura: {company.name} sends to the ANAF sandbox {os.environ['ANAF_SANDBOX_URL']}")

names = {"emag_ro": "eMAG Romania", "emag_bg": "eMAG Bulgaria", "emag_hu": "eMAG Hungary"}
Account = env["emag.account"].with_context(active_test=False)
for entry in seed["accounts"]:
    values = {
        "name": names[entry["platform"]],
        "platform": entry["platform"],
        "company_id": company.id,
        "api_username": entry["username"],
        "api_password": entry["password"],
        "warehouse_id": warehouse.id,
    }
    account = Account.search([("api_username", "=", entry["username"])], limit=1)
    if not account:
        account = Account.create(values)
    account.write({**values, "api_url": os.environ["EMAG_SANDBOX_URL"]})
    print(f"{account.name}: {account.api_url} as {entry['username']}")

    for item in entry["offers"]:
        product = env["product.product"].search([("default_code", "=", item["part_number"])])
        if not product:
            product = env["product.product"].create(
                {
                    "name": item["name"],
                    "default_code": item["part_number"],
                    "barcode": (item.get("ean") or [False])[0],
                    "type": "consu",
                    "is_storable": True,
                    "list_price": float(item["sale_price"]) * 1.21,
                    "company_id": False,
                }
            )
            quantity = sum(stock["value"] for stock in item.get("stock", []))
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, quantity)
        offer = env["emag.offer"].search(
            [("account_id", "=", account.id), ("product_id", "=", product.id)]
        )
        if not offer:
            env["emag.offer"].create(
                {
                    "account_id": account.id,
                    "product_id": product.id,
                    "part_number": item["part_number"],
                    "seller_product_id": item["id"],
                    "publish": True,
                    "emag_created": True,
                    "state": "published",
                    "warranty": item.get("warranty", 0),
                }
            )
    # Read the sandbox's day of orders now rather than at the first poll.
    account.action_sync_orders_now()
env.cr.commit()
