"""An exchange: the customer sends the goods back and gets a replacement.

eMAG return types 1 (the same product) and 2 (another product, named in
``replacement_product_*``) are settled in goods, not money (doc §12.3): no
credit note, and the eMAG order is left as it is (a storno or "returned"
would tell eMAG to refund the customer). Once the goods are back:

1. :func:`create_delivery` makes the delivery of the replacement for the
   warehouse, from the warehouse that shipped the order;
2. the warehouse validates it like any delivery;
3. :func:`issue_awb` issues its AWB under the return's ``rma_id``, at most
   once, and writes the number on the delivery.

Both run in jobs of the returns flow (:mod:`.rma_receipt`), as the connector.
"""

import json
from datetime import datetime, timedelta

from odoo.fields import Command

from ...compat import stock_move_name
from ...lib.emag_api import PLATFORMS, parsing
from .importer import received_quantities
from .sync import issue_awb_once, listed_reservations, replacement_awb_payload


class ReplacementError(ValueError):
    """The replacement cannot be prepared as it is; ``str()`` is the plain reason."""


def create_delivery(rma):
    """Create the replacement delivery of ``rma`` (once); ``True`` when done."""
    env = rma.env
    if rma.replacement_picking_ids:
        return True
    try:
        goods = _replacement_goods(rma)
    except ReplacementError as error:
        rma._emag_park(str(error))
        return False
    shipped = rma.delivery_picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")[:1]
    picking_type = shipped.picking_type_id or rma.account_id.warehouse_id.out_type_id
    source = shipped.location_id or picking_type.default_location_src_id
    destination = shipped.location_dest_id or picking_type.default_location_dest_id
    partner = shipped.partner_id or rma.sale_order_id.partner_shipping_id
    # The replacement's AWB is issued later under the same rma_id: what eMAG
    # lists on the return now (its pickup AWB) is not the replacement's.
    known = listed_reservations(rma)
    picking = env["stock.picking"].create(
        {
            "picking_type_id": picking_type.id,
            "partner_id": partner.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": rma.company_id.id,
            "origin": env._("eMAG return %(rma)s: replacement", rma=rma.emag_id),
            "emag_replacement_rma_id": rma.id,
            "move_ids": [
                Command.create(
                    {
                        **stock_move_name(product.display_name),
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "product_uom": product.uom_id.id,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "partner_id": partner.id,
                        # The same product goes out again for the same order
                        # line: its delivered quantity comes back, the
                        # invoice stays as it is.
                        "sale_line_id": sale_line.id,
                    }
                )
                for product, quantity, sale_line in goods
            ],
        }
    )
    picking.action_confirm()
    picking.action_assign()
    rma.replacement_awb_known = ",".join(str(reservation) for reservation in known)
    rma.message_post(
        body=env._(
            "Replacement delivery %(picking)s created: the customer gets %(goods)s instead of a "
            "refund. Its AWB is issued with the return once the warehouse validates it.",
            picking=picking.name,
            goods=", ".join(
                f"{quantity:g} × {product.display_name}" for product, quantity, _line in goods
            ),
        )
    )
    return True


def _replacement_goods(rma):
    """``[(product, quantity, sale line or empty)]`` the customer gets."""
    received = received_quantities(rma)
    if rma.return_type == "1":
        goods = [
            (sale_line.product_id, quantity, sale_line)
            for sale_line, quantity in received.items()
            if quantity > 0
        ]
        if not goods:
            raise ReplacementError(
                rma.env._("No returned product came back, so there is nothing to replace.")
            )
        return goods
    product = _replacement_product(rma)
    quantity = rma.replacement_quantity or sum(received.values())
    return [(product, quantity, rma.env["sale.order.line"])]


def _replacement_product(rma):
    """The product eMAG names as the replacement (type 2): the account's
    offer with that seller id, else an order line of that offer."""
    env = rma.env
    offer_id = rma.replacement_offer_id
    if not offer_id:
        raise ReplacementError(
            env._(
                "eMAG asks for a replacement with another product but does not say which. "
                "Read the return again from eMAG once it does (Retry)."
            )
        )
    if "emag.offer" in env:
        offer = env["emag.offer"].search(
            [("account_id", "=", rma.account_id.id), ("seller_product_id", "=", int(offer_id))],
            limit=1,
        )
        if offer:
            return offer.product_id
    sale_lines = {line.emag_line_id: line for line in rma.sale_order_id.order_line}
    try:
        ordered = json.loads(rma.emag_order_id.payload or "{}").get("products") or []
    except (ValueError, AttributeError):
        ordered = []
    for item in ordered:
        if isinstance(item, dict) and str(item.get("product_id")) == offer_id:
            line = sale_lines.get(str(item.get("id")))
            if line:
                return line.product_id
    raise ReplacementError(
        env._(
            "The replacement product %(name)s (eMAG offer %(offer)s) is not an offer of this "
            "eMAG account in Odoo. Link the product to its eMAG offer, then press Retry.",
            name=rma.replacement_name or "-",
            offer=offer_id,
        )
    )


def issue_awb(rma):
    """Issue the AWB of the validated replacement delivery under the
    return's ``rma_id``; ``True`` when it is there."""
    env = rma.env
    if rma.replacement_awb_number:
        return True
    shipped = rma.replacement_picking_ids.filtered(lambda p: p.state == "done")
    if not rma.account_id.pickup_address_id:
        rma._emag_park(
            env._(
                "The eMAG account has no pickup address for the replacement's AWB: read the "
                "couriers and addresses on the account, choose one, then press Retry."
            )
        )
        return False
    known = {int(value) for value in (rma.replacement_awb_known or "").split(",") if value}
    request = replacement_awb_payload(
        rma, _next_day(rma), parcels=1, weight=sum(shipped.mapped("weight")) or 1.0
    )
    issued = issue_awb_once(rma, request, known=known)
    if isinstance(issued, str):
        rma._emag_park(env._("eMAG refused the replacement's AWB: %(error)s", error=issued))
        return False
    if issued is None:
        return False
    reservation_id, numbers = issued
    number = numbers.get("awb_number") or ""
    rma.write(
        {
            "replacement_awb_number": number,
            "replacement_awb_emag_id": str(numbers.get("emag_id") or ""),
            "replacement_awb_reservation_id": str(reservation_id or ""),
        }
    )
    shipped.carrier_tracking_ref = number
    message = env._(
        "Replacement AWB %(awb)s issued with return %(rma)s.", awb=number, rma=rma.emag_id
    )
    rma.message_post(body=message)
    for picking in shipped:
        picking.message_post(body=message)
    return True


def _next_day(rma):
    """eMAG picks a return's parcels up from the next day on, in its own time zone."""
    zone = parsing.platform_timezone(PLATFORMS[rma.account_id.platform])
    return datetime.now(zone).date() + timedelta(days=1)
