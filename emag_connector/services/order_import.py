"""Import one eMAG order into Odoo, and keep it in line with eMAG afterwards.

The flow for one order (see :meth:`OrderImporter.import_order`):

1. take a lock on (account, eMAG order id) so that the cron, the callback and
   retries importing the same order at once are serialised;
2. read the payload into checked values (:mod:`.order_payload`); a payload
   that makes no sense parks the binding in exception with the reason;
3. first time: build the customer, the sale order (lines through the offers'
   part numbers, eMAG's prices and VAT rates, vouchers and shipping as lines),
   check that Odoo's total equals eMAG's to the cent, confirm (stock is
   reserved). Anything refused parks the binding, the sale order is rolled
   back and Retry starts over;
4. later reads: apply what eMAG changed — a cancellation (or a customer's
   cancellation request) cancels the sale order while nothing has shipped and
   is flagged for a person otherwise; removed lines and lower quantities
   update the order while its delivery is not done.

Acknowledging on eMAG is a separate job (:mod:`.order_sync`), run after this
transaction is committed.
"""

import json
from decimal import Decimal

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib.emag_api import PLATFORMS
from . import order_status
from .order_partner import CustomerError, CustomerResolver
from .order_payload import FBE_TYPE, OrderPayloadError, parse_order

# Net amounts derived from gross ones keep eMAG's four decimals.
NET_PRECISION = Decimal("0.0001")


class OrderImportError(ValueError):
    """The order cannot be imported as it is; ``str()`` is the plain reason."""


def lock_order(env, account, emag_id):
    """Serialise every transaction working on one eMAG order until it ends."""
    env.cr.execute(
        "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"emag.order:{account.id}:{emag_id}",)
    )


def payload_key(raw):
    """The eMAG order id of a raw payload as the binding keeps it (text)."""
    emag_id = raw.get("id") if isinstance(raw, dict) else None
    return str(emag_id).strip() if emag_id not in (None, "") else ""


class OrderImporter:
    """Imports and updates the orders of one eMAG account."""

    def __init__(self, account, client=None):
        self.account = account.with_company(account.company_id)
        self.env = self.account.env
        self.Binding = self.env["emag.order"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        self._client = client
        self._resolver = CustomerResolver(self.account, self.client)
        self._taxes = {}
        self._products = None

    def client(self):
        if self._client is None:
            self._client = self.account._get_client()
        return self._client

    # ------------------------------------------------------------------ entry

    def import_order(self, emag_id, raw):
        """Create or update the binding and sale order of one order payload.

        :param emag_id: the order id as text (the payload's own may be broken)
        :param raw: the order object as eMAG sent it
        :return: the ``emag.order`` binding
        """
        emag_id = str(emag_id)
        lock_order(self.env, self.account, emag_id)
        binding = self.Binding.search(
            [("account_id", "=", self.account.id), ("emag_id", "=", emag_id)], limit=1
        )
        platform = PLATFORMS[self.account.platform]
        try:
            order = parse_order(raw, platform)
        except OrderPayloadError as error:
            binding = binding or self._create_binding(emag_id, None)
            binding._emag_park(str(error), raw)
            return binding
        if binding.emag_modified and order.modified < binding.emag_modified:
            return binding  # an older read arriving late: the binding already knows better
        binding = binding or self._create_binding(emag_id, order)
        binding._emag_store_payload(order, raw)
        if binding.sale_order_id:
            self._update(binding, order)
        elif order.status == order_status.CANCELED:
            binding.write(
                {
                    "state": "canceled",
                    "message": self.env._("Canceled on eMAG before it was imported."),
                }
            )
        else:
            self._create(binding, order)
        return binding

    def _create_binding(self, emag_id, order):
        values = {"account_id": self.account.id, "emag_id": emag_id}
        if order:
            # Created with what eMAG says: no tracking message for the first read.
            values.update(self.Binding._emag_payload_values(order, order.raw))
        try:
            with self.env.cr.savepoint():
                return self.Binding.create(values)
        except psycopg2.errors.UniqueViolation:
            # Created by a transaction that committed while we waited for the
            # lock: our snapshot cannot see it. Start again on a fresh one.
            raise RetryableJobError(
                f"eMAG order {emag_id} was imported concurrently", seconds=1, ignore_retry=True
            ) from None

    # ----------------------------------------------------------------- create

    def _create(self, binding, order):
        try:
            with self.env.cr.savepoint():
                sale_order = self._create_sale_order(binding, order)
        except (OrderImportError, CustomerError, UserError, ValidationError) as error:
            binding._emag_park(str(error.args[0] if error.args else error))
            return
        binding.write({"sale_order_id": sale_order.id, "state": "imported", "message": False})
        if order.cancellation_request:
            self._cancel_from_emag(binding, order)

    def _create_sale_order(self, binding, order):
        account = self.account
        if order.currency and order.currency != account.currency_id.name:
            raise OrderImportError(
                self.env._(
                    "The order is in %(order)s but the account works in %(account)s.",
                    order=order.currency,
                    account=account.currency_id.name,
                )
            )
        warehouse = (
            account.fbe_warehouse_id if order.order_type == FBE_TYPE else account.warehouse_id
        )
        if order.order_type == FBE_TYPE and not warehouse:
            raise OrderImportError(
                self.env._("Fulfilled-by-eMAG order, but the account has no FBE warehouse.")
            )
        partner, invoice, delivery = self._resolver.resolve(order.customer)
        values = {
            "partner_id": partner.id,
            "partner_invoice_id": invoice.id,
            "partner_shipping_id": delivery.id,
            "company_id": account.company_id.id,
            "team_id": account.team_id.id,
            "pricelist_id": account.pricelist_id.id,
            "client_order_ref": binding.emag_id,
            "origin": binding.emag_id,
            "date_order": order.date,
            "emag_account_id": account.id,
            "emag_order_id": binding.id,
            "note": order.observation or False,
            "order_line": [Command.create(vals) for vals in self._line_values(order)],
        }
        if warehouse:
            values["warehouse_id"] = warehouse.id
        sale_order = (
            self.env["sale.order"]
            .with_context(mail_create_nosubscribe=True, tracking_disable=True)
            .create(values)
        )
        self._check_total(sale_order, order)
        sale_order.action_confirm()
        return sale_order

    def _line_values(self, order):
        products = self._match_products(order.active_lines)
        values = []
        for line in order.lines:
            if not line.active:
                continue
            values.append(
                {
                    "product_id": products[line.part_number].id,
                    "product_uom_qty": line.quantity,
                    "price_unit": float(line.price),
                    "tax_ids": [Command.set(self._tax(line.vat).ids)],
                    "emag_line_id": str(line.line_id),
                }
            )
        values.extend(self._extra_values(order))
        return values

    def _extra_values(self, order):
        """Voucher and shipping lines, each keyed by ``emag_voucher_key``."""
        values = self._voucher_values(order.voucher_parts(), "product")
        if order.shipping_tax:
            # eMAG gives the fee VAT included and no rate: it follows the goods.
            rate = max((line.vat for line in order.active_lines), default=0)
            net = (order.shipping_tax / (1 + rate)).quantize(NET_PRECISION)
            values.append(
                {
                    "product_id": self._service("product_emag_shipping").id,
                    "product_uom_qty": 1,
                    "price_unit": float(net),
                    "tax_ids": [Command.set(self._tax(rate).ids)],
                    "is_delivery": True,
                    "emag_voucher_key": "shipping",
                }
            )
        values.extend(self._voucher_values(order.shipping_vouchers, "shipping"))
        return values

    def _voucher_values(self, parts, scope):
        """One discount line per voucher and VAT rate, with that rate's tax."""
        grouped = {}
        for part in parts:
            key = f"{scope}:{part.voucher_id}:{part.vat}"
            entry = grouped.setdefault(key, {"part": part, "value": 0})
            entry["value"] += part.value
        product = self._service("product_emag_voucher")
        values = []
        for key, entry in grouped.items():
            part = entry["part"]
            label = part.name or self.env._("eMAG voucher %(id)s", id=part.voucher_id)
            if part.offered_by:
                label = f"{label} ({part.offered_by})"
            values.append(
                {
                    "product_id": product.id,
                    "name": label,
                    "product_uom_qty": 1,
                    "price_unit": float(entry["value"]),
                    "tax_ids": [Command.set(self._tax(part.vat).ids)],
                    "emag_voucher_key": key,
                }
            )
        return values

    def _match_products(self, lines):
        """Products of the lines' part numbers: through the account's offers,
        else the internal reference. Unknown or ambiguous ones refuse the order."""
        wanted = {line.part_number for line in lines}
        found = {}
        if "emag.offer" in self.env:
            offers = self.env["emag.offer"].search(
                [("account_id", "=", self.account.id), ("part_number", "in", list(wanted))]
            )
            found = {offer.part_number: offer.product_id for offer in offers}
        missing = wanted - set(found)
        if missing:
            products = self.env["product.product"].search(
                [
                    ("default_code", "in", list(missing)),
                    ("company_id", "in", (False, self.account.company_id.id)),
                ]
            )
            for product in products:
                if product.default_code in found:
                    raise OrderImportError(
                        self.env._(
                            "The part number %(part)s matches several products; give each "
                            "product its own internal reference, then press Retry.",
                            part=product.default_code,
                        )
                    )
                found[product.default_code] = product
        unknown = sorted(wanted - set(found))
        if unknown:
            raise OrderImportError(
                self.env._(
                    "No product is offered on this account with the part number %(parts)s. "
                    "Create the offer (or set the product's internal reference), then press "
                    "Retry.",
                    parts=", ".join(unknown),
                )
            )
        return found

    def _tax(self, rate):
        """The company's sale tax of an eMAG VAT rate (created when missing)."""
        if rate not in self._taxes:
            company = self.account.company_id
            amount = float(rate * 100)
            Tax = self.env["account.tax"]
            domain = [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", amount),
                ("price_include", "=", False),
            ]
            country = company.account_fiscal_country_id
            tax = Tax.search(domain + [("country_id", "=", country.id)], limit=1)
            if not tax:
                tax = Tax.search(domain, limit=1)
            if not tax:
                tax = Tax.create(
                    {
                        "name": self.env._("%(rate)s%% VAT (eMAG)", rate=f"{amount:g}"),
                        "amount": amount,
                        "amount_type": "percent",
                        "type_tax_use": "sale",
                        "company_id": company.id,
                        "country_id": country.id or False,
                    }
                )
            self._taxes[rate] = tax
        return self._taxes[rate]

    def _service(self, xmlid):
        return self.env.ref(f"emag_connector.{xmlid}")

    def _check_total(self, sale_order, order):
        expected = float(order.gross_total())
        if sale_order.currency_id.compare_amounts(sale_order.amount_total, expected):
            raise OrderImportError(
                self.env._(
                    "The Odoo total %(odoo)s differs from the eMAG total %(emag)s; the order "
                    "was not imported. Check the taxes and the product lines, then press Retry.",
                    odoo=f"{sale_order.amount_total:.2f}",
                    emag=f"{expected:.2f}",
                )
            )

    # ----------------------------------------------------------------- update

    def _update(self, binding, order):
        sale_order = binding.sale_order_id
        if order.status == order_status.CANCELED or order.cancellation_request:
            self._cancel_from_emag(binding, order)
            return
        if sale_order.state == "cancel":
            return
        changes = self._line_changes(sale_order, order)
        if not changes:
            return
        if self._shipped(sale_order):
            binding._emag_flag(
                self.env._(
                    "eMAG changed the product lines after the goods left the warehouse. "
                    "Check the order on eMAG and adjust the delivery by hand."
                )
            )
            return
        try:
            with self.env.cr.savepoint():
                self._apply_line_changes(sale_order, order, changes)
                self._check_total(sale_order, order)
        except (OrderImportError, UserError, ValidationError) as error:
            binding._emag_park(str(error.args[0] if error.args else error))
            return
        sale_order.message_post(body=self.env._("Order lines updated from eMAG."))

    def _line_changes(self, sale_order, order):
        """``{emag line id: new quantity}`` for the product lines eMAG changed,
        plus the voucher/shipping lines when their amounts differ."""
        current = {
            line.emag_line_id: line.product_uom_qty
            for line in sale_order.order_line
            if line.emag_line_id
        }
        changes = {}
        for line in order.lines:
            quantity = line.quantity if line.active else 0
            if current.get(str(line.line_id), 0) != quantity:
                changes[str(line.line_id)] = quantity
        return changes

    def _apply_line_changes(self, sale_order, order, changes):
        by_line_id = {
            line.emag_line_id: line for line in sale_order.order_line if line.emag_line_id
        }
        added = []
        for line in order.lines:
            key = str(line.line_id)
            if key not in changes:
                continue
            if key in by_line_id:
                by_line_id[key]._emag_set_quantity(changes[key])
            elif changes[key]:
                added.append(line)
        if added:
            products = self._match_products(added)
            sale_order.order_line = [
                Command.create(
                    {
                        "product_id": products[line.part_number].id,
                        "product_uom_qty": line.quantity,
                        "price_unit": float(line.price),
                        "tax_ids": [Command.set(self._tax(line.vat).ids)],
                        "emag_line_id": str(line.line_id),
                    }
                )
                for line in added
            ]
        # Vouchers follow the lines they were split on: set their amounts anew.
        wanted = {vals["emag_voucher_key"]: vals for vals in self._extra_values(order)}
        for so_line in sale_order.order_line.filtered("emag_voucher_key"):
            vals = wanted.pop(so_line.emag_voucher_key, None)
            if vals is None:
                so_line._emag_set_quantity(0)
            elif so_line.currency_id.compare_amounts(so_line.price_unit, vals["price_unit"]):
                so_line.price_unit = vals["price_unit"]
        if wanted:
            sale_order.order_line = [Command.create(vals) for vals in wanted.values()]

    @staticmethod
    def _shipped(sale_order):
        return any(
            picking.state == "done" and picking.picking_type_code == "outgoing"
            for picking in sale_order.picking_ids
        )

    def _cancel_from_emag(self, binding, order):
        """eMAG canceled the order, or the customer asked to: cancel it in Odoo
        while nothing has shipped; otherwise a person must handle it."""
        sale_order = binding.sale_order_id
        requested = order.status != order_status.CANCELED
        if sale_order.state != "cancel":
            if self._shipped(sale_order):
                binding._emag_flag(
                    self.env._(
                        "eMAG canceled this order (or the customer asked to cancel it) after "
                        "goods were shipped. Arrange the return with the customer and eMAG."
                    )
                )
                return
            if sale_order.locked:
                sale_order.action_unlock()
            sale_order.with_context(emag_cancel_from_remote=True).action_cancel()
            reason = (
                self.env._("the customer asked to cancel it")
                if requested
                else self.env._("eMAG canceled it")
            )
            sale_order.message_post(body=self.env._("Canceled because %(reason)s.", reason=reason))
        if requested:
            binding._emag_request_status(
                order_status.CANCELED, order_status.CUSTOMER_REQUEST_REASON
            )


def dump_payload(raw):
    """The payload as kept on the binding for audit (readable JSON)."""
    try:
        return json.dumps(raw, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(raw)
