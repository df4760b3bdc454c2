"""eMAG campaigns of an account and the proposals of offers to them.

The campaign list comes from the client's campaign route (undocumented by
eMAG; the simulator serves it); proposals go through ``campaign_proposals/save``
(doc §13.7), batched, one answer per offer kept on the proposal: accepted, or
refused with eMAG's words. A proposal below the offer's floor is refused here
before anything is sent (the wizard says so at once).
"""

from odoo import fields

from ...lib.emag_api import parsing
from ...lib.emag_api.batching import OK


def sync_campaigns(account, client=None):
    """Create or update the account's campaigns from eMAG's list; return their count."""
    env = account.env
    client = client or account._get_client()
    Campaign = env["emag.campaign"]
    existing = {c.emag_id: c for c in Campaign.search([("account_id", "=", account.id)])}
    tz = parsing.platform_timezone(account.platform)
    count = 0
    for item in client.read_campaigns():
        emag_id = parsing.to_int(item.get("id"))
        if not emag_id:
            continue
        vals = {
            "name": str(item.get("name") or emag_id),
            "date_start": _utc(item.get("start_date"), tz),
            "date_end": _utc(item.get("end_date"), tz),
            "stock_in_site": parsing.to_bool(item.get("stock_in_site")),
            "min_discount_percent": float(
                parsing.to_decimal(item.get("min_discount_percent")) or 0
            ),
        }
        if emag_id in existing:
            existing[emag_id].write(vals)
        else:
            Campaign.create({**vals, "account_id": account.id, "emag_id": emag_id})
        count += 1
    return count


def _utc(value, tz):
    moment = parsing.parse_datetime(value, tz) if value else None
    return moment.replace(tzinfo=None) if moment else False


def proposal_entity(proposal):
    """The ``campaign_proposals/save`` entity of one proposal (doc §13.7)."""
    entity = {
        "id": proposal.offer_id.seller_product_id,
        "campaign_id": proposal.campaign_id.emag_id,
        "sale_price": proposal.sale_price,
        "stock": proposal.stock,
    }
    if proposal.max_qty_per_order:
        entity["max_qty_per_order"] = proposal.max_qty_per_order
    if proposal.voucher_discount:
        entity["voucher_discount"] = proposal.voucher_discount
    if proposal.post_campaign_price:
        entity["post_campaign_sale_price"] = proposal.post_campaign_price
    return entity


def send_proposals(account, proposals, client=None):
    """Send ``proposals`` (one account); keep eMAG's answer on each. Returns the report."""
    env = account.env
    client = client or account._get_client()
    report = client.save_campaign_proposals([proposal_entity(p) for p in proposals])
    now = fields.Datetime.now()
    for proposal, outcome in zip(proposals, report.outcomes, strict=True):
        words = "\n".join(str(message) for message in outcome.messages)
        if outcome.status == OK:
            proposal.write(
                {"state": "accepted", "answer": words or env._("Accepted."), "answered_at": now}
            )
        elif outcome.error is not None and outcome.messages:
            proposal.write({"state": "refused", "answer": words, "answered_at": now})
        else:
            proposal.write(
                {
                    "answer": env._(
                        "Not sent, will be retried: %(error)s", error=outcome.error or ""
                    ),
                }
            )
    return report
