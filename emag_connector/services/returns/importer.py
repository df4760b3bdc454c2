"""Import one eMAG return (RMA) into Odoo, and follow it afterwards.

The flow for one return (see :meth:`RmaImporter.import_rma`):

1. take a lock on (account, eMAG return id) so that the poll, the callback
   and retries importing the same return at once are serialised;
2. read the payload into checked values (:mod:`.rma_payload`); a payload that
   makes no sense parks the binding with the reason;
3. link it to the eMAG order and its sale order (an order Odoo does not know
   is queued for import and the return waits in exception);
4. seller returns: map each returned product to its order line and to the
   delivery it left with, refuse quantities above what was delivered and not
   yet returned, then create the return picking (Odoo's own return wizard,
   so stock and the sale order's delivered quantities follow) and ask eMAG
   to mark the return acknowledged;
5. later reads: a return canceled or refused on eMAG cancels the return
   picking while the goods are not in.

Returns fulfilled by eMAG (type 2) are kept for information only.
"""

import json
from collections import defaultdict

import psycopg2

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare
from odoo.tools.translate import LazyTranslate

from odoo.addons.queue_job.exception import RetryableJobError

from ...lib.emag_api import PLATFORMS
from ..common import labels
from ..orders.importer import dump_payload
from . import status as rma_status
from .payload import RmaPayloadError, fingerprint, parse_rma

_lt = LazyTranslate(__name__)

# Leaf ids of eMAG's return-reason tree seen in production (the tree itself
# is not public); others are shown by number.
RETURN_REASONS = {
    37: _lt("Defective or incomplete product"),
    44: _lt("Ordered the wrong product"),
    61: _lt("Does not like the colour"),
}


def reason_text(code):
    """The deferred label of an eMAG return reason (``services/common/labels.py``)."""
    if not code:
        return False
    return RETURN_REASONS.get(code) or _lt("Reason %(code)s", code=code)


class RmaImportError(ValueError):
    """The return cannot be processed as it is; ``args[0]`` is the reason, a
    deferred text (``services/common/labels.py``) the return shows in each reader's
    language."""


def lock_rma(env, account, emag_id):
    """Serialise every transaction working on one eMAG return until it ends."""
    env.cr.execute(
        "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"emag.rma:{account.id}:{emag_id}",)
    )


def delivered_moves(sale_line):
    """The done moves that took ``sale_line``'s goods to the customer."""
    return sale_line.move_ids.filtered(
        lambda m: (
            m.state == "done" and m.picking_code == "outgoing" and not m.origin_returned_move_id
        )
    )


def returnable_quantity(move, exclude_pickings):
    """What of a delivered move has not come back nor is expected back."""
    returned = move.returned_move_ids.filtered(
        lambda m: m.state != "cancel" and m.picking_id not in exclude_pickings
    )
    pending = sum(m.quantity if m.state == "done" else m.product_uom_qty for m in returned)
    return move.quantity - pending


def received_quantities(rma):
    """``{sale line: quantity}`` that actually came back (done return moves)."""
    received = defaultdict(float)
    for move in rma.return_picking_ids.move_ids:
        if move.state == "done" and move.sale_line_id:
            received[move.sale_line_id] += move.quantity
    return received


class RmaImporter:
    """Imports and updates the returns of one eMAG account."""

    def __init__(self, account, client=None):
        self.account = account.with_company(account.company_id)
        self.env = self.account.env
        self.Rma = self.env["emag.rma"]
        self._client = client

    def client(self):
        if self._client is None:
            self._client = self.account._get_client()
        return self._client

    # ------------------------------------------------------------------ entry

    def import_rma(self, emag_id, raw):
        """Create or update the binding of one return payload; returns it."""
        emag_id = str(emag_id)
        lock_rma(self.env, self.account, emag_id)
        rma = self.Rma.search(
            [("account_id", "=", self.account.id), ("emag_id", "=", emag_id)], limit=1
        )
        digest = fingerprint(raw)
        if rma and rma.payload_digest == digest and rma.state != "exception":
            return rma
        try:
            parsed = parse_rma(raw, PLATFORMS[self.account.platform])
        except RmaPayloadError as error:
            rma = rma or self._create_binding(emag_id)
            rma.write({"payload": dump_payload(raw), "payload_digest": digest})
            rma._emag_park(labels.error_text(error))
            return rma
        rma = rma or self._create_binding(emag_id)
        self._store(rma, parsed, raw, digest)
        try:
            with self.env.cr.savepoint():
                self._process(rma, parsed)
        except (RmaImportError, UserError) as error:
            rma._emag_park(error.args[0] if error.args else str(error))
            return rma
        # Before the goods are in, the import is what decides; afterwards a
        # return waits in exception for the receipt step that stopped it.
        if rma.state == "exception" and not rma.received_at:
            rma.write({"state": "imported", "message": False})
        return rma

    def _create_binding(self, emag_id):
        try:
            with self.env.cr.savepoint():
                return self.Rma.create({"account_id": self.account.id, "emag_id": emag_id})
        except psycopg2.errors.UniqueViolation:
            raise RetryableJobError(
                f"eMAG return {emag_id} was imported concurrently", seconds=1, ignore_retry=True
            ) from None

    def _store(self, rma, parsed, raw, digest):
        pickup = parsed.pickup
        address = "\n".join(
            part
            for part in (
                pickup["address"],
                " ".join(filter(None, (pickup["zipcode"], pickup["city"]))),
                ", ".join(filter(None, (pickup["suburb"], pickup["country"]))),
            )
            if part
        )
        rma.write(
            {
                "order_emag_id": str(parsed.order_id),
                "rma_type": "fbe" if parsed.is_fbe else "seller",
                "emag_status": str(parsed.status),
                "emag_date": parsed.date,
                "return_type": str(parsed.return_type)
                if parsed.return_type in range(1, 6)
                else False,
                "replacement_offer_id": str(parsed.replacement_offer_id or "") or False,
                "replacement_name": parsed.replacement_name,
                "replacement_quantity": parsed.replacement_quantity,
                "return_reason": parsed.reason,
                "observations": parsed.observations,
                "customer_name": parsed.customer_name,
                "customer_phone": parsed.customer_phone,
                "pickup_method": str(parsed.pickup_method)
                if parsed.pickup_method in (1, 2, 3)
                else False,
                "pickup_address": address,
                "pickup_locality_id": pickup["locality_id"],
                "return_address_emag_id": parsed.return_address_id,
                "payload": dump_payload(raw),
                "payload_digest": digest,
            }
        )
        current = {line.emag_line_id: line for line in rma.line_ids}
        for line in parsed.lines:
            values = {
                "emag_line_id": str(line.line_id),
                "offer_id": str(line.offer_id),
                "product_emag_id": str(line.product_emag_id or ""),
                "name": line.name,
                "quantity": line.quantity,
                "return_reason": line.reason or parsed.reason,
                "observations": line.observations,
            }
            existing = current.pop(str(line.line_id), None)
            if existing:
                existing.write(values)
            else:
                rma.line_ids = [Command.create(values)]
        if current and not rma.return_picking_ids:
            self.env["emag.rma.line"].union(*current.values()).unlink()
        for record in [rma, *rma.line_ids]:
            labels.write_translated(
                record, "return_reason_label", reason_text(record.return_reason)
            )

    # ---------------------------------------------------------------- process

    def _process(self, rma, parsed):
        binding = self.env["emag.order"].search(
            [("account_id", "=", self.account.id), ("emag_id", "=", str(parsed.order_id))],
            limit=1,
        )
        rma.write({"emag_order_id": binding.id, "sale_order_id": binding.sale_order_id.id})
        if parsed.is_fbe:
            return  # eMAG handles FBE returns; Odoo only keeps them for information
        if not binding.sale_order_id:
            if not binding:
                self.account._emag_enqueue_import(str(parsed.order_id))
            raise RmaImportError(
                _lt(
                    "The eMAG order %(order)s of this return is not in Odoo yet (it was queued "
                    "for import). Press Retry once the order is imported.",
                    order=parsed.order_id,
                )
            )
        status = parsed.status
        open_pickings = rma.return_picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if status in (rma_status.CANCELED, rma_status.REFUSED) and not rma.received_at:
            if open_pickings:
                open_pickings.action_cancel()
                rma.message_post(
                    body=self.env._(
                        "The return was %(status)s on eMAG: its return picking is canceled.",
                        status=rma_status.status_label(self.env, status).lower(),
                    )
                )
            return
        if status not in (rma_status.NEW, rma_status.ACKNOWLEDGED, rma_status.RECEIVED):
            return
        if not rma.return_picking_ids.filtered(lambda p: p.state != "cancel"):
            allocation = self._allocate(rma, binding)
            pickings = self._create_return_pickings(rma, allocation)
            rma.message_post(
                body=self.env._(
                    "Return picking %(pickings)s created for the goods coming back.",
                    pickings=", ".join(pickings.mapped("name")),
                )
            )
        # Asked again on every read while eMAG still shows it new (a refused
        # or lost acknowledgement); the push reads the return first.
        if status == rma_status.NEW:
            rma._emag_request_status(rma_status.ACKNOWLEDGED)

    def _order_lines(self, binding):
        """The eMAG order lines as last read: ``[{id, product_id, quantity, status}]``."""
        try:
            payload = json.loads(binding.payload or "")
        except ValueError:
            payload = None
        products = payload.get("products") if isinstance(payload, dict) else None
        if not isinstance(products, list):
            raise RmaImportError(
                _lt(
                    "The eMAG order %(order)s has no readable product lines in Odoo; read it "
                    "again from eMAG, then press Retry.",
                    order=binding.emag_id,
                )
            )
        return [line for line in products if isinstance(line, dict)]

    def _allocate(self, rma, binding):
        """``{delivered move: quantity}`` to take back, and each returned
        product linked to its sale line. Raises when eMAG asks for more than
        was delivered and not yet returned."""
        sale_order = binding.sale_order_id
        sale_lines = {
            line.emag_line_id: line for line in sale_order.order_line if line.emag_line_id
        }
        order_lines = self._order_lines(binding)
        allocation = {}
        problems = []
        for line in rma.line_ids:
            candidates = [
                sale_lines[str(item.get("id"))]
                for item in order_lines
                if str(item.get("product_id")) == line.offer_id
                and str(item.get("id")) in sale_lines
            ]
            if not candidates:
                problems.append(
                    _lt(
                        "%(product)s is not on the eMAG order %(order)s.",
                        product=line.name or line.offer_id,
                        order=binding.emag_id,
                    )
                )
                continue
            needed = line.quantity
            sale_line = candidates[0]
            for candidate in candidates:
                for move in delivered_moves(candidate):
                    free = returnable_quantity(move, rma.return_picking_ids) - allocation.get(
                        move, 0
                    )
                    take = min(free, needed)
                    if take > 0:
                        allocation[move] = allocation.get(move, 0) + take
                        needed -= take
                        sale_line = candidate
            line.write({"sale_line_id": sale_line.id, "product_id": sale_line.product_id.id})
            line.order_line_emag_id = sale_line.emag_line_id
            if float_compare(needed, 0, precision_digits=3) > 0:
                problems.append(
                    _lt(
                        "eMAG asks to take back %(asked)s × %(product)s, but only %(free)s were "
                        "delivered and not already returned.",
                        asked=line.quantity,
                        product=line.name or sale_line.product_id.display_name,
                        free=line.quantity - needed,
                    )
                )
        if problems:
            raise RmaImportError(problems)
        return allocation

    def _create_return_pickings(self, rma, allocation):
        """One return picking per original delivery, through Odoo's return wizard."""
        pickings = self.env["stock.picking"]
        by_picking = {}
        for move, quantity in allocation.items():
            by_picking.setdefault(move.picking_id, {})[move] = quantity
        for delivery, quantities in by_picking.items():
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=delivery.id, active_model="stock.picking")
                .create({"picking_id": delivery.id})
            )
            for return_line in wizard.product_return_moves:
                return_line.quantity = quantities.get(return_line.move_id, 0)
            picking = wizard._create_return()
            picking.write(
                {
                    "emag_rma_id": rma.id,
                    "origin": self.env._(
                        "eMAG return %(rma)s (%(origin)s)", rma=rma.emag_id, origin=delivery.name
                    ),
                }
            )
            pickings |= picking
        rma.delivery_picking_ids = [Command.set([delivery.id for delivery in by_picking])]
        return pickings
