#!/usr/bin/env python3
"""Print what to click in the demo, from the facts tools/demo_seed.py wrote.

    tools/demo_walkthrough.py .odoo/demo-facts.json http://localhost:8069

Plain Python (no Odoo): the seed runs in Odoo's shell and leaves a JSON file
naming the records it made; this turns it into a short guided tour. The
longer version, with what each screen means, is docs/demo.md.
"""

import json
import sys
import textwrap
from pathlib import Path

WIDTH = 96


def record(base, model, record_id):
    return f"{base}/odoo/{model}/{record_id}" if record_id else "(not created, see the seed log)"


def action(base, xml_id):
    return f"{base}/odoo/action-{xml_id}"


def say(text="", indent=2):
    """Print a paragraph wrapped to the terminal's usual width."""
    if not text:
        print()
        return
    prefix = " " * indent
    for line in text.splitlines():
        print(
            textwrap.fill(
                line,
                WIDTH,
                initial_indent=prefix,
                subsequent_indent=prefix + "   ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )


def walkthrough(facts, base):
    b2c, b2b = facts["b2c"], facts["b2b"]
    canceled, returned, rma = facts["canceled"], facts["returned"], facts["rma"]
    broken, unknown = facts["broken"], facts["unknown_product"]
    offer = facts["rejected_offer"]
    sim, user = facts["emag_sandbox"], facts["ro_user"]
    say()
    say(f"eMAG connector demo: {base}   login admin / password admin")
    say(
        "Demo Magazin SRL sells on eMAG Romania, Bulgaria and Hungary from one warehouse. "
        f"Local sandboxes stand in for eMAG ({sim}) and ANAF ({facts['anaf_sandbox']}). "
        "Today's orders: "
        + ", ".join(f"{name} {count}" for name, count in facts["orders"].items())
        + "."
    )
    say()
    say("1. The channel at a glance")
    say(
        f"Dashboard, one card per platform: {action(base, 'emag_connector.emag_dashboard_action')}",
        5,
    )
    say(
        "Exceptions, what waits for a person (the parked order, the refused offer, the "
        "invoice to fix, a return of an order shipped before Odoo took over): "
        f"{action(base, 'emag_connector.emag_exception_server_action')}",
        5,
    )
    say()
    say("2. Ship an order (the fulfilment pipeline)")
    say(
        f"{b2c['sale_order']}, {b2c['customer']} (a person, cash on delivery): open its delivery "
        f"{record(base, 'stock.picking', b2c['picking_id'])} and press Validate. Within seconds "
        "the eMAG tab of the delivery shows the AWB number and Print eMAG Label (eMAG finalizes "
        "the order on its first AWB); the invoice is posted and sent to the ANAF sandbox, which "
        "accepts it about two minutes later. The invoice PDF is then attached to the eMAG order "
        "at the pipeline's next check, at most 10 minutes after the validation.",
        5,
    )
    say(
        f"{b2b['sale_order']}, {b2b['customer']} (a company, found by its CUI): same, from "
        f"{record(base, 'stock.picking', b2b['picking_id'])}.",
        5,
    )
    say()
    say("3. A customer cancellation")
    say(
        f"{canceled['sale_order']} was acknowledged, then the customer canceled it on eMAG: "
        f"it is {canceled['sale_state'].lower()} in Odoo, with its delivery "
        f"({record(base, 'sale.order', canceled['sale_order_id'])}).",
        5,
    )
    say()
    say("4. A return (RMA)")
    say(
        f"{returned['sale_order']} was shipped yesterday, {returned['shipped_on']} "
        f"({returned['picking']}: "
        f"{returned['fulfilment']}; invoice {returned['invoice']}, e-Factura "
        f"{returned['efactura']}). The customer returned one unit: return {rma['emag_id']} "
        f"({record(base, 'emag.rma', rma['id'])}). Validate its return picking "
        f"{record(base, 'stock.picking', rma['return_picking_id'])}: the unit is back in "
        "stock, a credit note is posted and accepted by the ANAF sandbox, its PDF attached on "
        "eMAG, the order updated and the return finalized there.",
        5,
    )
    exchange = facts.get("exchange") or {}
    if exchange.get("id"):
        say(
            f"Return {exchange['emag_id']} of {exchange['sale_order']} is an exchange: the "
            f"customer wants the same product again ({record(base, 'emag.rma', exchange['id'])})."
            " Validate its return picking "
            f"{record(base, 'stock.picking', exchange['return_picking_id'])}: no credit note and"
            " nothing changes on the eMAG order; a replacement delivery appears on the return."
            " Validate it: its AWB is issued with the return, which is then finalized on eMAG.",
            5,
        )
    say()
    say("5. An e-Factura rejection")
    say(
        f"{broken['sale_order']} ({broken['customer']}): someone emptied the town and county "
        f"of the customer. Its invoice {broken['invoice']} stopped at e-Factura "
        f"({broken['efactura']}): " + " ".join(broken["efactura_message"].split())[:300],
        5,
    )
    say(
        f"Fix: set City and County on {record(base, 'res.partner', facts['broken_partner']['id'])} "
        f"(was {facts['broken_partner']['city']}), press Send again to ANAF on "
        f"{record(base, 'account.move', broken['invoice_id'])}; once accepted, Retry eMAG Step on "
        f"the delivery {record(base, 'stock.picking', broken['picking_id'])}.",
        5,
    )
    say()
    say("6. An order Odoo could not import")
    say(
        f"eMAG order {unknown['emag_id']} ({record(base, 'emag.order', unknown['binding_id'])}): "
        f"{unknown['message']}",
        5,
    )
    say()
    say("7. An offer eMAG refused")
    say(
        f"{record(base, 'emag.offer', offer['id'])} ({offer['state']}): {offer['reason']}",
        5,
    )
    takeover = facts.get("takeover")
    if takeover:
        say()
        say("7b. A catalogue taken over from eMAG")
        say(
            f"{takeover['offers']} offers were listed on eMAG Romania by hand before Odoo. "
            f"Import Offers from eMAG linked {takeover['automatic']} automatically (part number, "
            f"EAN), {takeover['by_hand']} ambiguous ones were matched by hand in the review list, "
            f"{takeover['created']} products created from their offers; nothing was sent until "
            f"the first sync, which kept eMAG's {takeover['prices']} differing prices (now in the "
            f"pricelist) and sent Odoo's stocks: "
            f"{action(base, 'emag_connector.emag_offer_takeover_action')} (remove the To Review "
            "filter).",
            5,
        )
    pricing = facts.get("pricing")
    if pricing:
        say()
        say("7c. One repricing round on eMAG Romania (match the best offer minus 0.01)")
        for line in pricing["repricing"]:
            say(
                f"{line['offer']}: {line['old_price']:.2f} -> {line['new_price']:.2f} "
                f"(floor {line['floor']:.2f}), buy-button rank {line['rank_before']} -> "
                f"{line['rank_after']}: {line['reason']}",
                5,
            )
        say(f"{action(base, 'emag_connector.emag_reprice_log_action')}", 5)
        say("Black Friday campaign proposal, eMAG's answer on each offer:", 5)
        for line in pricing["campaign"]:
            say(f"{line['offer']}: {line['state']} - {line['answer']}", 5)
    buyers = facts.get("buyers")
    if buyers:
        payer, reverse = buyers["payer"], buyers["reverse_charge"]
        say()
        say("7d. Buyers checked at the source (ANAF's registry, VIES)")
        say(
            f"{payer['sale_order']}: the buyer ticked 'not a VAT payer' on eMAG; ANAF's registry "
            f"says it is one, so {record(base, 'res.partner', payer['partner_id'])} is now "
            f"{payer['vat']} ({payer['registry']}) and its invoice {payer['invoice']} carries the "
            f"RO prefix in the e-Factura XML ({payer['xml_has_ro_prefix']}).",
            5,
        )
        say(
            f"{reverse['sale_order']} (eMAG Bulgaria, reverse charge): VIES does not confirm the "
            f"buyer's VAT number, so the delivery waits before invoicing ({reverse['fulfilment']})."
            f" The reason is on {record(base, 'res.partner', reverse['partner_id'])} (tab "
            f"Registry Check): {reverse['reason'][:200]}",
            5,
        )
    money = facts.get("money")
    if money:
        say()
        say("7e. The accountant's day (eMAG Romania)")
        say(
            f"card invoice {money['card']}, COD invoice {money['cod']} (journal eMAG clearing); "
            f"eMAG's commission invoice booked {money['commission_bills']} time(s), "
            f"linked to its e-Factura from SPV: {money['commission_from_anaf']}.",
            5,
        )
        say(
            f"payout: cashed {money['cashed']:.2f} - refunds {money['refunds']:.2f} - eMAG "
            f"invoices {money['emag_invoices']:.2f} = {money['expected_payout']:.2f}; the bank "
            f"line reconciled: {money['payout_reconciled']}.",
            5,
        )
    say()
    say("8. More business from the sandbox (eMAG calls Odoo back at once)")
    say(
        f"new order:  curl -s -X POST {sim}/_sim/orders -d "
        f'\'{{"username": "{user}", "status": 1}}\'',
        5,
    )
    say(f"cancel it:  curl -s -X POST {sim}/_sim/orders/{user}/<order id>/customer_cancel", 5)
    say(
        f"a return:   curl -s -X POST {sim}/_sim/returns -d "
        f'\'{{"username": "{user}", "order_id": <finalized order id>}}\'  then Read '
        "Returns Now on the account",
        5,
    )
    say(f"Every call to eMAG and ANAF: {action(base, 'emag_connector.emag_api_log_action')}", 5)
    if facts.get("problems"):
        say()
        say("Seen while seeding (see .odoo/demo-seed.log):")
        for problem in facts["problems"]:
            say(f"- {problem}", 5)
    say()
    say("Ctrl-C stops Odoo and the sandboxes. The tour with explanations: docs/demo.md")
    say()


def main(argv):
    facts = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    base = argv[2].rstrip("/") if len(argv) > 2 else facts["odoo_url"]
    walkthrough(facts, base)


if __name__ == "__main__":
    main(sys.argv)
