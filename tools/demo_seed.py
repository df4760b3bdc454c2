# Run inside `odoo-bin shell` by tools/demo.sh, on a freshly installed database,
# with both sandboxes (the eMAG and ANAF simulators) running.
#
# A Romanian shop, Demo Magazin SRL, sells on eMAG Romania, Bulgaria and
# Hungary from one warehouse. The seed sets up its company (Romanian chart of
# accounts, e-Factura on the ANAF sandbox), one eMAG account per platform on
# the eMAG sandbox, the sandbox catalogue as products with stock and published
# offers, and then plays a believable day through the connector's own jobs:
#
# - the day's orders of the three platforms imported and acknowledged
#   (persons and companies, couriers and lockers, a few Fulfilled-by-eMAG);
# - two fresh eMAG Romania orders left for the visitor to ship: a person (B2C)
#   and a company (B2B);
# - a customer cancellation after acknowledgement, reversed in Odoo;
# - yesterday's order shipped (AWB, label, invoice accepted by the ANAF
#   sandbox, invoice PDF on eMAG, finalized), then returned by the customer:
#   the return is imported with its return picking, left for the visitor to
#   receive;
# - a company order whose invoice address is broken: its invoice stops at
#   e-Factura with the rules' own words, to be fixed and resent;
# - an order for a product listed on eMAG by hand and unknown to Odoo: parked;
# - a new offer eMAG refuses (its EAN belongs to another product);
# - buyers checked at the source (the registries' sandbox): a company that
#   ticked "not a VAT payer" on eMAG invoiced with the RO prefix ANAF's
#   registry gives, and a Bulgarian company charged by eMAG with reverse
#   charge, whose VAT number VIES does not confirm, waiting before invoicing.
# - the accountant's day (issue 22): a card and a COD order shipped and paid
#   on eMAG, their payments registered on their invoices through the eMAG
#   clearing journal; eMAG's commission invoice delivered by eMAG and by ANAF
#   SPV, booked once; eMAG's payout imported as a bank line and reconciled.
#
# Jobs are run here the way the job runner runs them (same controller code,
# one transaction each), so what the visitor finds is what production does.
# The facts the walkthrough needs are written to $DEMO_FACTS (JSON).
# ruff: noqa: F821 (env is the shell's)
import json
import logging
import os
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from odoo.addons.queue_job.controllers.main import RunJobController

_logger = logging.getLogger("emag_demo_seed")

REPO = Path(os.environ["REPO"])
EMAG_ROOT = os.environ["EMAG_SANDBOX_ROOT"]  # http://127.0.0.1:8099
ANAF_URL = os.environ["ANAF_SANDBOX_URL"]  # http://127.0.0.1:8098
REGISTRY_URL = os.environ["REGISTRY_SANDBOX_URL"]  # http://127.0.0.1:8097
ODOO_URL = os.environ["ODOO_URL"]  # http://127.0.0.1:8069
FACTS_FILE = Path(os.environ["DEMO_FACTS"])
SEED = REPO / "emag_connector/lib/emag_simulator/seeds/demo.json"
seed = json.loads(SEED.read_text())
RO_USER = next(a["username"] for a in seed["accounts"] if a["platform"] == "emag_ro")
facts = {"problems": []}
started = time.monotonic()


def say(message):
    print(f"   [{time.monotonic() - started:5.1f}s] {message}", flush=True)


def control(base, method, path, body=None):
    """Call a sandbox's /_sim control API (plain JSON)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base}/_sim/{path}", data, {"Content-Type": "application/json"}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} /_sim/{path}: {error.code} {error.read()[:300]!r}") from None


def emag(method, path, body=None):
    return control(EMAG_ROOT, method, path, body)


def label(record, field):
    """The label of a selection value, as the screens show it."""
    return dict(record._fields[field]._description_selection(env)).get(record[field], "")


def run_jobs(rounds=12):
    """Run every queued job, as the job runner would, until none is left.

    Jobs that ask to be retried later (ANAF still checking, a fulfilment
    waiting for ANAF's verdict) are run again at the next round instead of
    after their delay; ANAF's sandbox is given the time to judge in between.
    """
    for _round in range(rounds):
        env.cr.commit()
        uuids = env["queue.job"].search([("state", "=", "pending")], order="id").mapped("uuid")
        if not uuids:
            return
        for uuid in uuids:
            env.cr.execute(
                "UPDATE queue_job SET state = 'enqueued' WHERE uuid = %s AND state = 'pending'",
                [uuid],
            )
            env.cr.commit()
            job = RunJobController._acquire_job(env, uuid)
            if not job:
                continue
            try:
                RunJobController._runjob(env, job)
            except Exception as error:  # kept as a failed job, as in production
                env.cr.rollback()
                facts["problems"].append(f"job {job.description!r} failed: {error}")
                _logger.warning("demo: job %s failed: %s", job.description, error)
            env.invalidate_all()
        control(ANAF_URL, "POST", "wait-idle", {"timeout": 20})


# ---------------------------------------------------------------- company

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
        "phone": "+40 21 000 0000",
        "email": "contact@demo-magazin.example.ro",
    }
    if "iap_enrich_auto_done" in env["res.company"]._fields:
        # Odoo would look the company up on its partner-autocomplete service;
        # the demo runs offline, where that call only hangs.
        values["iap_enrich_auto_done"] = True
    company = env["res.company"].create(values)
    env["account.chart.template"].try_loading("ro", company=company, install_demo=False)
# Products shared between companies (no company of their own) are priced in
# the main company's currency: lei here, not the dollar of a fresh install.
main_company = env.ref("base.main_company")
if main_company.currency_id != env.ref("base.RON"):
    main_company.currency_id = env.ref("base.RON")
admin = env.ref("base.user_admin")
admin.write({"company_ids": [(4, company.id)], "company_id": company.id})
env = env(context=dict(env.context, allowed_company_ids=[company.id]))
# Links handed to eMAG (callbacks, invoice PDFs) must name this server.
params = env["ir.config_parameter"].sudo()
params.set_param("web.base.url", ODOO_URL)
params.set_param("web.base.url.freeze", "True")

warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
if not warehouse:
    warehouse = env["stock.warehouse"].create(
        {"name": "Depozit Bucuresti", "code": "BUC", "company_id": company.id}
    )
fbe_warehouse = env["stock.warehouse"].search(
    [("company_id", "=", company.id), ("code", "=", "FBE")], limit=1
) or env["stock.warehouse"].create(
    {"name": "eMAG Fulfilment (FBE)", "code": "FBE", "company_id": company.id}
)

company.write({"l10n_ro_efb_environment": "sandbox", "l10n_ro_efb_sandbox_url": ANAF_URL})
# The tokens are stored from a cursor of their own: the company row must not
# be held by this transaction.
env.cr.commit()
company.action_l10n_ro_efb_connect_sandbox()
say(f"{company.name}: e-Factura on the ANAF sandbox {ANAF_URL}")
# Company buyers are checked on import in ANAF's registry and VIES: their sandbox.
company.write(
    {
        "emag_buyer_check": "import",
        "emag_anaf_registry_url": f"{REGISTRY_URL}/api/PlatitorTvaRest/v9/tva",
        "emag_vies_wsdl_url": f"{REGISTRY_URL}/vies/checkVatService.wsdl",
    }
)

# --------------------------------------------------------------- accounts

# One warehouse, three platforms under the default whole pool: each offers all
# the free stock and a sale anywhere lowers the others within seconds. Romania
# comes first should the seller switch to low-stock priority; the shares are
# those of fixed shares.
PLATFORM_SETUP = {
    "emag_ro": {"name": "eMAG Romania", "stock_priority": 1, "stock_share_percent": 60.0},
    "emag_bg": {"name": "eMAG Bulgaria", "stock_priority": 2, "stock_share_percent": 20.0},
    "emag_hu": {"name": "eMAG Hungary", "stock_priority": 3, "stock_share_percent": 20.0},
}
Account = env["emag.account"].with_context(active_test=False)
accounts = {}
for entry in seed["accounts"]:
    values = {
        **PLATFORM_SETUP[entry["platform"]],
        "platform": entry["platform"],
        "company_id": company.id,
        "api_username": entry["username"],
        "api_password": entry["password"],
        "warehouse_id": warehouse.id,
    }
    if entry["platform"] == "emag_ro":
        values["fbe_warehouse_id"] = fbe_warehouse.id
    account = Account.search([("api_username", "=", entry["username"])], limit=1)
    if not account:
        account = Account.create(values)
    account.write({**values, "api_url": f"{EMAG_ROOT}/api-3"})
    account.action_test_connection()
    accounts[entry["platform"]] = account
    # VAT rates, handling times and categories, then couriers and addresses.
    account.action_sync_reference_data()
    account.action_fetch_shipping_setup()
run_jobs()
for account in accounts.values():
    say(
        f"{account.name}: {account.connection_state}, courier "
        f"{account.courier_account_id.name or '-'}, pickup {account.pickup_address_id.city or '-'}"
    )

# ---------------------------------------------------------------- catalog

for entry in seed["accounts"]:
    account = accounts[entry["platform"]]
    for item in entry["offers"]:
        product = env["product.product"].search([("default_code", "=", item["part_number"])])
        if not product:
            product = env["product.product"].create(
                {
                    "name": item["name"],
                    "default_code": item["part_number"],
                    "type": "consu",
                    "is_storable": True,
                    "list_price": float(item["sale_price"]) * 1.21,
                    "weight": 1.5,
                    "company_id": False,
                }
            )
            quantity = sum(stock["value"] for stock in item.get("stock", []))
            env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, quantity)
        if not env["emag.offer"].search_count(
            [("account_id", "=", account.id), ("product_id", "=", product.id)]
        ):
            # Listed on eMAG before Odoo took over: bound by its seller product id
            # and attached to its eMAG product (part number key).
            listed = emag("GET", f"offers/{entry['username']}/{item['id']}")
            env["emag.offer"].create(
                {
                    "account_id": account.id,
                    "product_id": product.id,
                    "publication_path": "pnk",
                    "part_number_key": listed["part_number_key"],
                    "category_id": env["emag.category"]
                    .search(
                        [
                            ("platform", "=", account.platform),
                            ("emag_id", "=", item["category_id"]),
                        ],
                        limit=1,
                    )
                    .id,
                    "part_number": item["part_number"],
                    "seller_product_id": item["id"],
                    "publish": True,
                    "emag_created": True,
                    "state": "published",
                    "warranty": item.get("warranty", 0),
                    "min_sale_price": float(item["min_sale_price"]),
                    "max_sale_price": float(item["max_sale_price"]),
                }
            )
    account.action_sync_offers()

# A bundle to be attached to an eMAG product by its part number key, copied
# from the wrong page: eMAG knows no such product and refuses the offer.
ro = accounts["emag_ro"]
bundle = env["product.product"].search([("default_code", "=", "KT-1700-DUO")]) or env[
    "product.product"
].create(
    {
        "name": "Set 2 fierbătoare electrice Exemplu 1.7L, inox",
        "default_code": "KT-1700-DUO",
        "type": "consu",
        "is_storable": True,
        "list_price": 189.0,
        "weight": 3.0,
        "company_id": False,
    }
)
env["stock.quant"]._update_available_quantity(bundle, warehouse.lot_stock_id, 10)
rejected_offer = env["emag.offer"].search(
    [("account_id", "=", ro.id), ("product_id", "=", bundle.id)]
) or env["emag.offer"].create(
    {
        "account_id": ro.id,
        "product_id": bundle.id,
        "publish": True,
        "publication_path": "pnk",
        "part_number_key": "DX9K2LMBM",
        "warranty": 24,
    }
)
ro._queue_offer_sync(rejected_offer)
run_jobs()
say(
    "offers: "
    + ", ".join(
        f"{count} {state}"
        for state, count in env["emag.offer"]._read_group([], ["state"], ["__count"])
    )
)
facts["rejected_offer"] = {
    "id": rejected_offer.id,
    "state": label(rejected_offer, "state"),
    "reason": rejected_offer.state_reason,
}

# ----------------------------------------------------------- the takeover

# Before Odoo, the shop had listed 40 more products on eMAG Romania by hand.
# Odoo knows 38 of them: 20 by the same internal reference, 14 by their EAN,
# one product has an EAN that belongs to another offer, two products were
# entered twice; two are unknown. The import links 34 without sending
# anything; the review list is resolved as a person would (four matched by
# hand, two products created from their offers); the first sync keeps eMAG's
# prices (copied into the pricelist) and sends only Odoo's stocks.
HAND_FIRST, HAND_COUNT = 3001, 40
try:
    emag("GET", f"offers/{RO_USER}/{HAND_FIRST}")
except RuntimeError:
    emag(
        "POST",
        "catalogue",
        {"username": RO_USER, "count": HAND_COUNT, "start_id": HAND_FIRST, "prefix": "RO-HAND"},
    )
hand = {n: emag("GET", f"offers/{RO_USER}/{n}") for n in range(HAND_FIRST, HAND_FIRST + HAND_COUNT)}


def hand_product(offer, **vals):
    code = vals.get("default_code", offer["part_number"])
    product = env["product.product"].search([("default_code", "=", code)], limit=1)
    if vals.get("twin") or not product:
        vals.pop("twin", None)
        product = env["product.product"].create(
            {
                "name": offer["name"],
                "default_code": offer["part_number"],
                "type": "consu",
                "is_storable": True,
                # Odoo's price list is 10 % above what the shop charged on eMAG.
                "list_price": round(float(offer["sale_price"]) * 1.21 * 1.1, 2),
                "company_id": False,
                **vals,
            }
        )
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, offer["general_stock"] + 3
        )
    return product


offsets = list(range(HAND_FIRST, HAND_FIRST + HAND_COUNT))
if not ro.takeover_line_ids:
    for n in offsets[:20]:
        hand_product(hand[n])
    for n in offsets[20:34]:
        hand_product(hand[n], default_code=f"RO-SKU-{n}", barcode=hand[n]["ean"][0])
    wrong_ean, other, twin_a, twin_b = offsets[34:38]
    hand_product(hand[wrong_ean], barcode=hand[other]["ean"][0])
    hand_product(hand[other], default_code=f"RO-SKU-{other}")
    for n in (twin_a, twin_b):
        hand_product(hand[n])
        hand_product(hand[n], twin=True, name=f"{hand[n]['name']} (duplicate)")
    ro.action_import_emag_offers()
    run_jobs()
Line = env["emag.offer.takeover"]
lines = {line.seller_product_id: line for line in ro.takeover_line_ids}
automatic = [n for n in offsets if lines[n].state == "linked"]
review = [n for n in offsets if lines[n].state in ("ambiguous", "unmatched")]
say(f"takeover: {len(automatic)} of {HAND_COUNT} linked automatically, {len(review)} to review")
for n in review:
    line = lines[n]
    if line.state != "ambiguous":
        continue  # unknown to Odoo: its product is created from the offer below
    # The person knows: the mistyped EAN belongs to the product kept as RO-SKU-<id>;
    # of two duplicate products, the first one is the real one.
    line.product_id = (
        env["product.product"].search([("default_code", "=", f"RO-SKU-{n}")], limit=1)
        or line.candidate_product_ids[:1]
    )
Line.browse([lines[n].id for n in review if lines[n].product_id]).action_link()
created = Line.browse([lines[n].id for n in review if not lines[n].product_id])
created.action_create_product()
summary = env["emag.offer.takeover.summary"].create({"account_id": ro.id})
facts["takeover"] = {
    "offers": HAND_COUNT,
    "automatic": len(automatic),
    "by_hand": len(review) - len(created),
    "created": len(created),
    "prices": summary.price_count,
    "stocks": summary.stock_count,
    "held": summary.held_count,
}
summary.action_adopt_emag_prices()
run_jobs()
say(
    "takeover: review resolved ({by_hand} by hand, {created} created); first sync kept eMAG's "
    "{prices} prices and sent {stocks} stocks".format(**facts["takeover"])
)

# ------------------------------------------------------------- the orders


def new_order(**options):
    """An eMAG Romania order placed now in the sandbox; returns its id."""
    return emag("POST", "orders", {"username": RO_USER, "status": 1, **options})["id"]


def binding(emag_id):
    return env["emag.order"].search([("account_id", "=", ro.id), ("emag_id", "=", str(emag_id))])


def ship(order_binding):
    """Validate the delivery of an imported order, as the warehouse would."""
    picking = order_binding.sale_order_id.picking_ids.filtered(
        lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
    )[:1]
    picking.action_assign()
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
    picking.move_ids.picked = True
    picking.button_validate()
    return picking


# The morning's orders of the three platforms (the sandbox's seeded day).
for account in accounts.values():
    account.action_sync_orders_now()
run_jobs()

# Fresh orders for the visitor: a person paying cash on delivery, a company.
b2c_id = new_order(b2b=False, locker=False, payment_mode_id=1, voucher=False)
b2b_id = new_order(b2b=True, locker=False, payment_mode_id=1, voucher=False)
# Acknowledged, then canceled by the customer before anything left.
cancel_id = new_order(b2b=False, locker=False)
# Shipped yesterday, returned today: placed yesterday at this hour on eMAG
# (its clock is Bucharest's), the delivery dated yesterday below.
yesterday = datetime.now(ZoneInfo("Europe/Bucharest")) - timedelta(days=1)
placed_yesterday = {
    "b2b": False,
    "locker": False,
    "payment_mode_id": 1,
    "voucher": False,
    "date": yesterday.strftime("%Y-%m-%d %H:%M:%S"),
}
returned_id = new_order(**placed_yesterday)
# Shipped yesterday too; today the customer wants the same product again (an exchange).
exchange_id = new_order(**placed_yesterday)
# A company whose invoice address will be broken in Odoo (not the one above).
b2b_name = emag("GET", f"orders/{RO_USER}/{b2b_id}")["customer"]["company"]
extra_ids = []
for _attempt in range(12):
    broken_id = new_order(b2b=True, locker=False, payment_mode_id=1, voucher=False)
    if emag("GET", f"orders/{RO_USER}/{broken_id}")["customer"]["company"] != b2b_name:
        break
    extra_ids.append(broken_id)  # the same company again: an ordinary order of the day
# A product the seller listed on eMAG by hand; Odoo does not know it.
hand_listed = dict(seed["accounts"][0]["offers"][0])
hand_listed.update(
    id=1999,
    name="Cană termică Exemplu 450 ml",
    part_number="MUG-450-HAND",
    ean=["5940000009997"],
    sale_price="41.3223",
    min_sale_price="30",
    max_sale_price="60",
)
emag("POST", "offers", {"username": RO_USER, "offer": hand_listed})
unknown_id = new_order(lines=[{"product_id": 1999, "quantity": 1}], voucher=False)
# eMAG calls the seller back for each new order; the callback queues its import.
for emag_id in (
    b2c_id,
    b2b_id,
    cancel_id,
    returned_id,
    exchange_id,
    broken_id,
    unknown_id,
    *extra_ids,
):
    ro._emag_enqueue_import(emag_id)
run_jobs()

emag("POST", f"orders/{RO_USER}/{cancel_id}/customer_cancel", {})
ro._emag_enqueue_import(cancel_id)  # the cancellation callback
run_jobs()

shipped = ship(binding(returned_id))
ship(binding(exchange_id))
run_jobs(rounds=20)
shipped_at = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=1)
shipped.date_done = shipped_at
shipped.sale_id.date_order = min(shipped.sale_id.date_order, shipped_at)
say(f"{shipped.name}: fulfilment {shipped.emag_fulfilment_id.summary or '-'}")

broken = binding(broken_id)
invoice_address = broken.sale_order_id.partner_invoice_id
facts["broken_partner"] = {
    "id": invoice_address.id,
    "name": invoice_address.commercial_partner_id.name,
    "city": invoice_address.city,
    "county": invoice_address.state_id.name,
}
# Someone "cleaned" the customer's card: the town and the county are gone.
(invoice_address | invoice_address.commercial_partner_id).write({"city": False, "state_id": False})
broken_picking = ship(broken)
run_jobs(rounds=8)
broken_invoice = broken_picking.emag_fulfilment_id.invoice_id
say(f"{broken_invoice.name}: e-Factura {broken_invoice.l10n_ro_efb_state}")

emag("POST", "returns", {"username": RO_USER, "order_id": returned_id})
emag("POST", "returns", {"username": RO_USER, "order_id": exchange_id, "return_type": 1})
ro.action_sync_returns_now()
run_jobs()

# ----------------------------------------------------------------- buyers

# A builder from Timisoara ticked "not a VAT payer" on eMAG; ANAF's registry
# says it is one: the invoice carries RO30834857.
PAYER_CUI = "30834857"
control(
    REGISTRY_URL,
    "POST",
    "anaf/companies",
    {
        "companies": [
            {
                "cui": PAYER_CUI,
                "name": "CONSTRUCT VEST SRL",
                "vat_payer": True,
                "efactura": True,
                "street": "Str. Gheorghe Lazar",
                "number": "24",
                "city": "Timisoara",
                "county": "TIMIS",
                "county_code": "TM",
                "zip": "300081",
                "nr_reg": "J35/1820/2012",
            }
        ]
    },
)
# A Bulgarian company whose VAT number VIES does not confirm; eMAG charged it
# without VAT (reverse charge).
BG_UNCONFIRMED = "BG831650349"
control(
    REGISTRY_URL, "POST", "vies/numbers", {"numbers": [{"vat": BG_UNCONFIRMED, "valid": False}]}
)
BG_USER = next(a["username"] for a in seed["accounts"] if a["platform"] == "emag_bg")
bg = accounts["emag_bg"]
payer_id = new_order(
    b2b=True,
    locker=False,
    payment_mode_id=1,
    voucher=False,
    customer={"code": PAYER_CUI, "is_vat_payer": 0, "company": "Construct Vest"},
)
reverse_id = emag(
    "POST",
    "orders",
    {
        "username": BG_USER,
        "status": 1,
        "b2b": True,
        "locker": False,
        "payment_mode_id": 1,
        "voucher": False,
        "customer": {"code": BG_UNCONFIRMED, "is_vat_payer": 1},
        "lines": [{"product_id": 1001, "quantity": 1, "reverse_charge": True}],
    },
)["id"]
ro._emag_enqueue_import(payer_id)
bg._emag_enqueue_import(reverse_id)
run_jobs()  # the imports, then the buyers' checks they queued
payer = binding(payer_id)
payer_picking = ship(payer)
reverse = env["emag.order"].search([("account_id", "=", bg.id), ("emag_id", "=", str(reverse_id))])
reverse_picking = ship(reverse)
run_jobs(rounds=12)
payer_invoice = payer_picking.emag_fulfilment_id.invoice_id
payer_xml = b""
if payer_invoice:
    payer_xml, _errors = env["account.edi.xml.ubl_ro"]._export_invoice(payer_invoice)
reverse_partner = reverse.sale_order_id.partner_id.commercial_partner_id
reverse_fulfilment = reverse_picking.emag_fulfilment_id
facts["buyers"] = {
    "payer": dict(
        {
            "emag_id": payer_id,
            "sale_order": payer.sale_order_id.name or "",
            "partner_id": payer.sale_order_id.partner_id.commercial_partner_id.id,
        },
        vat=payer.sale_order_id.partner_id.commercial_partner_id.vat or "",
        registry=label(payer.sale_order_id.partner_id.commercial_partner_id, "emag_registry_state"),
        invoice=payer_invoice.name or "",
        xml_has_ro_prefix=f"RO{PAYER_CUI}".encode() in payer_xml,
    ),
    "reverse_charge": {
        "emag_id": reverse_id,
        "sale_order": reverse.sale_order_id.name or "",
        "partner_id": reverse_partner.id,
        "partner": reverse_partner.name,
        "registry": label(reverse_partner, "emag_registry_state"),
        "reason": reverse_partner.emag_registry_message or "",
        "fulfilment": reverse_fulfilment.state or "",
        "fulfilment_message": reverse_fulfilment.message or "",
        "invoiced": bool(reverse_fulfilment.invoice_id),
    },
}
say(
    "buyers: {vat} on {invoice} (RO prefix in the e-Factura XML: {xml_has_ro_prefix}); ".format(
        **facts["buyers"]["payer"]
    )
    + "reverse charge for {partner}: {registry}, delivery {fulfilment}".format(
        **facts["buyers"]["reverse_charge"]
    )
)

# ----------------------------------------------------- the accountant's day

from odoo.addons.emag_connector.lib.emag_simulator.invoices import as_ubl  # noqa: E402
from odoo.addons.emag_connector.services.money import payout  # noqa: E402

# Core's journal of SPV bills is computed when the country is set, before the
# chart made any purchase journal: give it the one the chart made.
if not company.l10n_ro_edi_anaf_imported_inv_journal_id:
    company.l10n_ro_edi_anaf_imported_inv_journal_id = env["account.journal"].search(
        [("type", "=", "purchase"), ("company_id", "=", company.id)], limit=1
    )
# eMAG invoices the shop under its own fiscal code (the buyer ANAF delivers to).
emag("PATCH", f"accounts/{RO_USER}", {"vendor_cif": company.vat})
card_id = new_order(b2b=False, locker=False, payment_mode_id=3, voucher=False)
cod_id = new_order(b2b=False, locker=False, payment_mode_id=1, voucher=False)
for emag_id in (card_id, cod_id):
    ro._emag_enqueue_import(emag_id)
run_jobs()
for emag_id in (card_id, cod_id):
    ship(binding(emag_id))
run_jobs(rounds=20)
# The courier hands eMAG the cash of the COD order; the next poll reads it.
emag("POST", f"orders/{RO_USER}/{cod_id}/paid", {})
ro.action_sync_orders_now()
run_jobs()
# eMAG's commission for the orders it finalized, through both routes.
commission = emag("POST", "invoices/commission", {"username": RO_USER})
if commission:
    control(ANAF_URL, "POST", "supplier-invoices", {"xml": as_ubl(commission).decode()})
    env["account.move"].with_company(company)._l10n_ro_edi_fetch_invoices()
    run_jobs()
    ro.action_import_vendor_bills()
    run_jobs()
figures = payout.payout_figures(ro)
bank_journal = env["account.journal"].search(
    [("company_id", "=", company.id), ("type", "=", "bank"), ("id", "!=", ro.money_journal_id.id)],
    limit=1,
)
payout_line = env["account.bank.statement.line"].create(
    {
        "journal_id": bank_journal.id,
        "date": datetime.now().date(),
        "payment_ref": f"eMAG payout {ro.name}",
        "amount": sum(payout.open_clearing_lines(ro).mapped("balance")),
    }
)
payout_line.action_emag_reconcile_payout()
env.cr.commit()
commission_bills = env["account.move"].search(
    [("emag_invoice_number", "=", (commission or {}).get("number") or "-")]
)
facts["money"] = {
    "card": binding(card_id).sale_order_id.invoice_ids[:1].payment_state,
    "cod": binding(cod_id).sale_order_id.invoice_ids[:1].payment_state,
    "cashed": figures.cashed,
    "refunds": figures.refunds,
    "emag_invoices": figures.invoices,
    "expected_payout": figures.expected,
    "commission_bills": len(commission_bills),
    "commission_from_anaf": bool(commission_bills.l10n_ro_edi_index),
    "payout_reconciled": payout_line.is_reconciled,
}
say(
    "money: {card} card / {cod} COD invoices; commission booked {commission_bills}x; "
    "payout reconciled {payout_reconciled}".format(**facts["money"])
)

# ------------------------------------------------------------- callbacks

# From now on the sandbox calls Odoo back the moment an order is placed or
# canceled, as eMAG does with the URL given in its seller area.
for account in accounts.values():
    url = account.order_callback_url  # built on web.base.url, i.e. ODOO_URL
    emag(
        "PATCH",
        f"accounts/{account.api_username}",
        {"callback_url": url, "cancel_callback_url": url},
    )
env.cr.commit()


def order_facts(emag_id):
    found = binding(emag_id)
    sale = found.sale_order_id
    return {
        "emag_id": emag_id,
        "binding_id": found.id,
        "state": found.state,
        "message": found.message or "",
        "sale_order": sale.name or "",
        "sale_order_id": sale.id,
        "sale_state": label(sale, "state") if sale else "",
        "customer": sale.partner_id.display_name or "",
        "picking_id": sale.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")[:1].id,
    }


# ---------------------------------------------------------------- pricing

# eMAG Romania prices against competitors: costs, 5 lei shipping per order and a
# 5 % minimum margin give each offer a floor. One repricing round wins the buy
# button where the floor allows it; the two offers whose competitors sell below
# their floor stay at the floor, with the reason in the repricing history.
ro = accounts["emag_ro"]
ro.write(
    {
        "shipping_cost": 5.0,
        "min_margin_kind": "percent",
        "min_margin": 5.0,
        "reprice_strategy": "match_best",
        "reprice_undercut": 0.01,
        "reprice_max_change_percent": 0.0,
    }
)
PRICING = {  # seller product id: (cost, best competitor's net price)
    1001: (40.0, 79.0),
    1002: (60.0, 115.0),
    1003: (460.0, 480.0),  # floor above the competitor: stays at the floor
    1004: (10.0, 23.5),
    1005: (26.0, 30.0),  # likewise
}
ro_offers = env["emag.offer"].search(
    [("account_id", "=", ro.id), ("seller_product_id", "in", list(PRICING))]
)
for offer in ro_offers:
    cost, rival = PRICING[offer.seller_product_id]
    offer.product_id.standard_price = cost
    emag(
        "POST",
        f"offers/{RO_USER}/{offer.seller_product_id}/competitors",
        {"competitors": [[rival, 1]]},
    )
ro.with_context(tracking_disable=True)._job_refresh_estimates()  # eMAG's commission per category
ro._queue_offer_status_refresh(eta=0)  # the batched read-back: rank, best offer
run_jobs()
ro.action_reprice_now()
run_jobs()
pricing_facts = []
for offer in ro_offers.sorted("seller_product_id"):
    log = env["emag.reprice.log"].search(
        [("offer_id", "=", offer.id), ("dry_run", "=", False)], limit=1
    )
    pricing_facts.append(
        {
            "offer": offer.part_number,
            "old_price": log.old_price,
            "new_price": offer.pushed_price,
            "floor": offer.floor_price,
            "rank_before": log.rank_before,
            "rank_after": offer.buy_button_rank,
            "reason": log.reason,
        }
    )
    say(
        f"repricing {offer.part_number}: {log.old_price:.2f} -> {offer.pushed_price:.2f} "
        f"(floor {offer.floor_price:.2f}), rank {log.rank_before} -> "
        f"{offer.buy_button_rank}: {log.reason}"
    )

# A Black Friday campaign in two days: three offers proposed, one too close to
# its current price, which eMAG refuses in its own words.
now_local = datetime.now(ZoneInfo("Europe/Bucharest")).replace(tzinfo=None, microsecond=0)
emag(
    "POST",
    f"campaigns/{RO_USER}",
    {
        "campaign_id": 900,
        "name": "Black Friday",
        "start": (now_local + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S"),
        "end": (now_local + timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S"),
        "stock_in_site": True,
        "min_discount": 10,
    },
)
ro._job_sync_campaigns()
campaign = env["emag.campaign"].search([("account_id", "=", ro.id), ("emag_id", "=", 900)])
proposed = ro_offers.filtered(lambda o: o.seller_product_id in (1001, 1002, 1004))
wizard = (
    env["emag.campaign.propose.wizard"]
    .with_context(**proposed.action_propose_to_campaign()["context"])
    .create({"campaign_id": campaign.id})
)
too_close = wizard.line_ids.filtered(lambda line: line.offer_id.seller_product_id == 1002)
too_close.sale_price = round(too_close.offer_id.pushed_price * 0.98, 2)
wizard.action_propose()
run_jobs()
campaign_facts = [
    {"offer": p.offer_id.part_number, "state": p.state, "answer": p.answer}
    for p in campaign.proposal_ids.sorted("id")
]
for fact in campaign_facts:
    say(f"campaign proposal {fact['offer']}: {fact['state']} - {fact['answer']}")
facts["pricing"] = {"repricing": pricing_facts, "campaign": campaign_facts}

returned = binding(returned_id)
rma = env["emag.rma"].search([("emag_order_id", "=", returned.id)], limit=1)
exchange = env["emag.rma"].search([("emag_order_id", "=", binding(exchange_id).id)], limit=1)
facts.update(
    {
        "odoo_url": ODOO_URL,
        "emag_sandbox": EMAG_ROOT,
        "anaf_sandbox": ANAF_URL,
        "ro_user": RO_USER,
        "b2c": order_facts(b2c_id),
        "b2b": order_facts(b2b_id),
        "canceled": order_facts(cancel_id),
        "returned": dict(
            order_facts(returned_id),
            picking=shipped.name,
            shipped_on=yesterday.date().isoformat(),
            fulfilment=shipped.emag_fulfilment_id.summary or "",
            invoice=shipped.emag_fulfilment_id.invoice_id.name or "",
            efactura=label(shipped.emag_fulfilment_id.invoice_id, "l10n_ro_efb_state"),
        ),
        "rma": {
            "id": rma.id,
            "emag_id": rma.emag_id,
            "state": rma.state,
            "message": rma.message or "",
            "return_picking_id": rma.return_picking_ids[:1].id,
            "return_picking": rma.return_picking_ids[:1].name or "",
        },
        "exchange": {
            "id": exchange.id,
            "emag_id": exchange.emag_id,
            "state": exchange.state,
            "message": exchange.message or "",
            "sale_order": binding(exchange_id).sale_order_id.name or "",
            "return_picking_id": exchange.return_picking_ids[:1].id,
        },
        "broken": dict(
            order_facts(broken_id),
            invoice=broken_invoice.name or "",
            invoice_id=broken_invoice.id,
            efactura=label(broken_invoice, "l10n_ro_efb_state"),
            efactura_message=broken_invoice.l10n_ro_efb_message or "",
        ),
        "unknown_product": order_facts(unknown_id),
        "orders": {account.name: account.emag_order_count for account in accounts.values()},
        "seconds": round(time.monotonic() - started, 1),
    }
)
FACTS_FILE.write_text(json.dumps(facts, indent=1, ensure_ascii=False))
say(f"done; facts in {FACTS_FILE}")
