# Run inside `odoo-bin shell` by tools/demo.sh: one eMAG account per platform,
# all pointing at the local eMAG sandbox. Safe to run again.
import os

sandbox_url = os.environ["EMAG_SANDBOX_URL"]
Account = env["emag.account"].with_context(active_test=False)  # noqa: F821 (odoo shell)
warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)  # noqa: F821
# The credentials of the sandbox's default seed (emag_simulator/seeds/demo.json).
for platform, name, username, password in (
    ("emag_ro", "eMAG Romania", "demo-ro@example.ro", "demo-ro-secret"),
    ("emag_bg", "eMAG Bulgaria", "demo-bg@example.bg", "demo-bg-secret"),
    ("emag_hu", "eMAG Hungary", "demo-hu@example.hu", "demo-hu-secret"),
):
    account = Account.search([("platform", "=", platform), ("name", "=", name)], limit=1)
    values = {
        "name": name,
        "platform": platform,
        "api_username": username,
        "api_password": password,
        "warehouse_id": warehouse.id,
    }
    if not account:
        account = Account.create(values)
    account.write({**values, "api_url": sandbox_url})
    print(f"{name}: {account.api_url} as {username}")
env.cr.commit()  # noqa: F821
