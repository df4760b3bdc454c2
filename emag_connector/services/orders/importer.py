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

A poll's batch (:meth:`OrderImporter.import_orders`) runs steps 1, 2 and 4 per
order, then step 3 for all its new orders at once: one ``create`` and one
``action_confirm`` for all the sale orders, back to one order at a time when
Odoo refuses one of them.

Acknowledging on eMAG is a separate job (:mod:`.order_sync`), run after this
transaction is committed.

Amounts: eMAG's order lines carry net unit prices with four decimals, derived
from the whole-cent gross prices the customer sees, and eMAG computes what
the customer pays from the unrounded gross amounts, rounded once for the
whole order (doc §3.3, §9.5: ``Σ sale_price·qty·(1+vat) + vouchers +
shipping_tax``). Net lines rounded to the cent by Odoo, then taxed and
rounded again, land a cent away from that on a few orders in a hundred
(50.405 net at 21%: Odoo 50.41 + 10.59 = 61.00, eMAG 60.99005 → 60.99).
So the lines are written VAT included — the gross unit price
``sale_price·(1+vat)`` with the rate's price-included tax, a voucher's
``value + vat_value``, the shipping fee as eMAG gives it — and Odoo's total
is the sum of the same gross amounts eMAG adds up; the net and VAT of each
line follow from it. One case goes the other way: a large quantity of a
price whose gross is not whole cents (82.6446 net is 99.999966 gross; 500 of
them are 49,999.98 for eMAG, 50,000.00 in whole-cent gross lines), where the
net lines with price-excluded taxes reproduce eMAG's sum. Both are exact
renderings of eMAG's net prices and VAT rates; the one whose total is eMAG's
is kept. When neither is (a fiscal position changing the taxes, amounts Odoo
cannot write with its price precision), the order is parked, never
adjusted.
"""

import copy
import json
from datetime import datetime

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools.translate import LazyGettext, LazyTranslate

from odoo.addons.queue_job.exception import RetryableJobError

from ...lib.emag_api import PLATFORMS
from ..buyers import gate as buyer_gate
from ..common import labels
from . import status as order_status
from .figures import read_figures
from .partner import CustomerError, CustomerResolver
from .payload import FBE_TYPE, OrderPayloadError, modified_at, parse_order

_lt = LazyTranslate(__name__)

_EPOCH = datetime.min


class OrderImportError(ValueError):
    """The order cannot be imported as it is; its argument is the reason, a lazy
    translation said in each reader's language (``services/common/labels.py``)."""


def lock_order(env, account, emag_id):
    """Serialise every transaction working on one eMAG order until it ends."""
    env.cr.execute(
        "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"emag.order:{account.id}:{emag_id}",)
    )


# What refuses one order without failing the job: the order is parked with the reason.
REFUSALS = (OrderImportError, CustomerError, UserError, ValidationError)


def refusal_reason(error):
    """Why ``error`` refuses the order, as a deferred text (``services/common/labels.py``):
    the importer's own refusals are lazy translations, said in each reader's language."""
    reason = error.args[0] if error.args else error
    return reason if isinstance(reason, (str, LazyGettext)) else str(reason)


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
        binding, new_order = self._receive(emag_id, raw, binding)
        if new_order:
            self._create(binding, new_order)
        return binding

    def import_orders(self, payloads):
        """Import several order payloads in one transaction (a poll's batch).

        Each order is read, checked and updated on its own, as
        :meth:`import_order` does; the sale orders of the new ones are then
        created and confirmed together, which costs Odoo less than half of
        what one at a time does (one procurement run, one flush). When one of
        them is refused there, they are made one at a time again, so that only
        that one is parked.

        :param payloads: ``[(emag_id, raw)]``
        :return: the ``emag.order`` bindings
        """
        platform = PLATFORMS[self.account.platform]
        latest = {}
        for emag_id, raw in payloads:
            emag_id = str(emag_id)
            # The same order read twice (two windows): the newer read wins.
            earlier = latest.get(emag_id)
            if earlier is None or (modified_at(raw, platform) or _EPOCH) >= (
                modified_at(earlier, platform) or _EPOCH
            ):
                latest[emag_id] = raw
        # Always in the same order: two batches sharing orders never deadlock.
        for emag_id in sorted(latest):
            lock_order(self.env, self.account, emag_id)
        existing = {
            binding.emag_id: binding
            for binding in self.Binding.search(
                [("account_id", "=", self.account.id), ("emag_id", "in", list(latest))]
            )
        }
        bindings = self.Binding
        new_orders = []
        for emag_id, raw in latest.items():
            binding, new_order = self._receive(emag_id, raw, existing.get(emag_id, self.Binding))
            bindings |= binding
            if new_order:
                new_orders.append((binding, new_order))
        self._create_together(new_orders)
        return bindings

    def _receive(self, emag_id, raw, binding):
        """Record what eMAG says of one order and apply it to an imported one.

        :return: ``(binding, order)`` where ``order`` is the parsed payload
            when its sale order is still to be created, else ``None``
        """
        platform = PLATFORMS[self.account.platform]
        try:
            order = parse_order(raw, platform)
        except OrderPayloadError as error:
            binding = binding or self._create_binding(emag_id, None)
            binding._emag_park(labels.error_text(error), raw)
            return binding, None
        if binding.emag_modified and order.modified < binding.emag_modified:
            return binding, None  # an older read arriving late: the binding already knows better
        if binding:
            binding._emag_store_payload(order, raw)
        else:
            binding = self._create_binding(emag_id, order)
        if binding.sale_order_id:
            self._update(binding, order)
        elif order.status == order_status.CANCELED:
            binding.write(
                {
                    "state": "canceled",
                    "message": _lt("Canceled on eMAG before it was imported."),
                }
            )
        elif not order.complete:
            # Imported now, it would be acknowledged and invoiced without the
            # buyer's address (an e-Factura ANAF rejects). It waits, and each
            # poll reads it again until eMAG completes it.
            binding._emag_park(
                _lt(
                    "eMAG is still completing the customer's details, so the order is not "
                    "imported or acknowledged yet. It is read again at every poll and imported "
                    "as soon as eMAG completes it."
                )
            )
        else:
            return binding, order
        return binding, None

    def _create_binding(self, emag_id, order):
        values = {"account_id": self.account.id, "emag_id": emag_id}
        if order:
            # Created with what eMAG says: no tracking message for the first read.
            values.update(self.Binding._emag_payload_values(order, order.raw))
            if order.status == order_status.CANCELED:
                values["emag_canceled_at"] = order.modified
        try:
            with self.env.cr.savepoint():
                return self.Binding.with_context(tracking_disable=True).create(values)
        except psycopg2.errors.UniqueViolation:
            # Created by a transaction that committed while we waited for the
            # lock: our snapshot cannot see it. Start again on a fresh one.
            raise RetryableJobError(
                f"eMAG order {emag_id} was imported concurrently", seconds=1, ignore_retry=True
            ) from None

    # ----------------------------------------------------------------- create

    def _create(self, binding, order, values=None):
        """Create and confirm the sale order of one order, or park it."""
        try:
            with self.env.cr.savepoint():
                if values is None:
                    values = self._sale_order_values(binding, order)
                sale_order = self._new_sale_orders([values])
                self._match_total(sale_order, order)
                sale_order.action_confirm()
        except REFUSALS as error:
            self._taxes.clear()  # one may have been created in the rolled-back savepoint
            binding._emag_park(refusal_reason(error))
            return
        self._created(binding, order, sale_order)

    def _create_together(self, new_orders):
        """Create and confirm the sale orders of ``[(binding, order)]`` in one go."""
        if len(new_orders) < 2:
            for binding, order in new_orders:
                self._create(binding, order)
            return
        customers = self._resolve_customers([order.customer for _binding, order in new_orders])
        prepared = []
        for (binding, order), customer in zip(new_orders, customers, strict=True):
            try:
                with self.env.cr.savepoint():
                    values = self._sale_order_values(binding, order, customer)
                    prepared.append((binding, order, values))
            except REFUSALS as error:
                self._taxes.clear()
                binding._emag_park(refusal_reason(error))
        try:
            with self.env.cr.savepoint():
                # Copies: create() may write into them, the fallback needs them intact.
                sale_orders = self._new_sale_orders(
                    [copy.deepcopy(values) for _b, _o, values in prepared]
                )
                for (_binding, order, _values), sale_order in zip(prepared, sale_orders):
                    self._match_total(sale_order, order)
                sale_orders.action_confirm()
        except REFUSALS:
            # Which one was refused is not known: one at a time, each in its
            # own savepoint, parks that one alone.
            self._taxes.clear()
            for binding, order, values in prepared:
                self._create(binding, order, values)
            return
        for (binding, order, _values), sale_order in zip(prepared, sale_orders):
            self._created(binding, order, sale_order)

    def _created(self, binding, order, sale_order):
        values = {"sale_order_id": sale_order.id}
        if binding.state != "imported" or binding.message:
            values.update(state="imported", message=False)  # a Retry that worked
        binding.write(values)
        buyer_gate.after_import(sale_order)
        if order.cancellation_request:
            self._cancel_from_emag(binding, order)

    def _resolve_customers(self, customers):
        """The customers of a batch, found or created together (see
        :meth:`CustomerResolver.resolve_many`); ``None`` for each when Odoo
        refuses one of the new partners: each is then resolved with its order."""
        try:
            with self.env.cr.savepoint():
                return self._resolver.resolve_many(customers)
        except (UserError, ValidationError):
            return [None] * len(customers)

    def _sale_order_values(self, binding, order, customer=None):
        """Values of the sale order of ``order``, its customer found or created
        (``customer``: what :meth:`_resolve_customers` gave for it)."""
        account = self.account
        if order.currency and order.currency != account.currency_id.name:
            raise OrderImportError(
                _lt(
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
                _lt("Fulfilled-by-eMAG order, but the account has no FBE warehouse.")
            )
        if isinstance(customer, CustomerError):
            raise customer
        partner, invoice, delivery = customer or self._resolver.resolve(order.customer)
        values = {
            "partner_id": partner.id,
            "partner_invoice_id": invoice.id,
            "partner_shipping_id": delivery.id,
            "company_id": account.company_id.id,
            "team_id": account.team_id.id,
            "pricelist_id": account.pricelist_id.id,
            # Explicit, even when empty: the lines carry eMAG's VAT, which an
            # automatic position (an exemption for a foreign buyer) would contradict.
            "fiscal_position_id": account.fiscal_position_id.id,
            "client_order_ref": binding.emag_id,
            "origin": binding.emag_id,
            "date_order": order.date,
            "emag_account_id": account.id,
            "emag_order_id": binding.id,
            "note": order.observation or False,
            "order_line": [Command.create(vals) for vals in self._line_values(order, True)],
        }
        if warehouse:
            values["warehouse_id"] = warehouse.id
        return values

    def _new_sale_orders(self, values_list):
        return (
            self.env["sale.order"]
            .with_context(mail_create_nosubscribe=True, tracking_disable=True)
            .create(values_list)
        )

    def _match_total(self, sale_order, order):
        """Make the sale order's total eMAG's, or refuse the order."""
        if not self._total_matches(sale_order, order):
            # Large quantities of a price whose gross is not whole cents: the
            # net lines reproduce eMAG's arithmetic (see the module docstring).
            sale_order.order_line = [Command.clear()] + [
                Command.create(vals) for vals in self._line_values(order, False)
            ]
            self._check_total(sale_order, order)

    def _line_values(self, order, included):
        """Values of all the order's lines, VAT ``included`` in their prices
        or not (see the module docstring)."""
        products = self._match_products(order.active_lines)
        values = []
        for line in order.lines:
            if not line.active:
                continue
            values.append(self._product_line_values(line, products[line.part_number], included))
        values.extend(self._extra_values(order, included))
        return values

    def _product_line_values(self, line, product, included):
        return {
            "product_id": product.id,
            "product_uom_qty": line.quantity,
            "price_unit": float(line.price * (1 + line.vat) if included else line.price),
            "tax_ids": [Command.set(self._tax(line.vat, included).ids)],
            "emag_line_id": str(line.line_id),
        }

    def _extra_values(self, order, included):
        """Voucher and shipping lines, each keyed by ``emag_voucher_key``."""
        values = self._voucher_values(order.voucher_parts(), "product", included)
        if order.shipping_tax:
            rate = order.shipping_rate
            fee = order.shipping_tax if included else order.shipping_tax / (1 + rate)
            values.append(
                {
                    "product_id": self._service("product_emag_shipping").id,
                    "product_uom_qty": 1,
                    "price_unit": float(fee),
                    "tax_ids": [Command.set(self._tax(rate, included).ids)],
                    "is_delivery": True,
                    "emag_voucher_key": "shipping",
                }
            )
        values.extend(self._voucher_values(order.shipping_vouchers, "shipping", included))
        return values

    def _voucher_values(self, parts, scope, included):
        """One discount line per voucher and VAT rate, with that rate's tax."""
        grouped = {}
        for part in parts:
            key = f"{scope}:{part.voucher_id}:{part.vat}"
            entry = grouped.setdefault(key, {"part": part, "value": 0})
            entry["value"] += part.value + part.vat_value if included else part.value
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
                    "tax_ids": [Command.set(self._tax(part.vat, included).ids)],
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
                        _lt(
                            "The part number %(part)s matches several products; give each "
                            "product its own internal reference, then press Retry.",
                            part=product.default_code,
                        )
                    )
                found[product.default_code] = product
        unknown = sorted(wanted - set(found))
        if unknown:
            raise OrderImportError(
                _lt(
                    "Unknown part number %(parts)s: no product is offered on this account "
                    "with it. Create the offer (or set the product's internal reference), then "
                    "press Retry.",
                    parts=", ".join(unknown),
                )
            )
        return found

    def _tax(self, rate, included):
        """The company's sale tax of an eMAG VAT rate, included in the price or not.

        A missing included tax is made from the excluded one of the same rate
        (same accounts, tax grids and e-invoicing category); a missing rate is
        created.
        """
        key = (rate, included)
        if key not in self._taxes:
            tax = self._find_tax(rate, included)
            amount = f"{float(rate * 100):g}"
            if included:
                name = _lt("%(rate)s%% VAT included (eMAG)", rate=amount)
            else:
                name = _lt("%(rate)s%% VAT (eMAG)", rate=amount)
            made = not tax
            if not tax and included:
                excluded = self._find_tax(rate, False)
                if excluded:
                    tax = excluded.copy(
                        {
                            "name": labels.render(self.env, name),
                            "price_include_override": "tax_included",
                        }
                    )
            if not tax:
                company = self.account.company_id
                tax = self.env["account.tax"].create(
                    {
                        "name": labels.render(self.env, name),
                        "amount": float(rate * 100),
                        "amount_type": "percent",
                        "type_tax_use": "sale",
                        "price_include_override": "tax_included" if included else "tax_excluded",
                        "company_id": company.id,
                        "country_id": company.account_fiscal_country_id.id or False,
                    }
                )
            if made:
                # Named in every language, not only in the one of the job that made it.
                labels.write_translated(tax, "name", name)
            self._taxes[key] = tax
        return self._taxes[key]

    def _find_tax(self, rate, included):
        company = self.account.company_id
        domain = [
            ("company_id", "=", company.id),
            ("type_tax_use", "=", "sale"),
            ("amount_type", "=", "percent"),
            ("amount", "=", float(rate * 100)),
            ("price_include", "=", included),
            ("children_tax_ids", "=", False),
        ]
        country = company.account_fiscal_country_id
        Tax = self.env["account.tax"]
        return Tax.search(domain + [("country_id", "=", country.id)], limit=1) or Tax.search(
            domain, limit=1
        )

    def _service(self, xmlid):
        return self.env.ref(f"emag_connector.{xmlid}")

    def _emag_total(self, order):
        """What the customer pays, read from eMAG's figures independently of
        the lines the importer built (see :mod:`.order_figures`)."""
        try:
            return read_figures(order.raw).total
        except (ValueError, TypeError, ArithmeticError) as error:
            raise OrderImportError(
                _lt("The total of the order cannot be read: %(error)s", error=error)
            ) from None

    def _total_matches(self, sale_order, order):
        return not sale_order.currency_id.compare_amounts(
            sale_order.amount_total, float(self._emag_total(order))
        )

    def _check_total(self, sale_order, order):
        if not self._total_matches(sale_order, order):
            raise OrderImportError(
                _lt(
                    "The Odoo total %(odoo)s differs from the eMAG total %(emag)s; the order "
                    "was not imported. Check the taxes and the product lines, then press Retry.",
                    odoo=f"{sale_order.amount_total:.2f}",
                    emag=f"{self._emag_total(order):.2f}",
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
                _lt(
                    "eMAG changed the product lines after the goods left the warehouse. "
                    "Check the order on eMAG and adjust the delivery by hand."
                )
            )
            return
        try:
            with self.env.cr.savepoint():
                self._apply_line_changes(sale_order, order, changes)
                self._check_total(sale_order, order)
        except REFUSALS as error:
            binding._emag_park(refusal_reason(error))
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
            # Quantities a storno took back were sold all the same: our own
            # returns flow sent that storno, and the credit note covers it.
            # An order first read after its storno was imported without them.
            quantity = line.quantity if line.active else 0
            if current.get(str(line.line_id), 0) not in (quantity + line.returned, quantity):
                changes[str(line.line_id)] = quantity + line.returned
        return changes

    def _apply_line_changes(self, sale_order, order, changes):
        by_line_id = {
            line.emag_line_id: line for line in sale_order.order_line if line.emag_line_id
        }
        included = any(line.tax_ids.price_include for line in by_line_id.values())
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
                    self._product_line_values(line, products[line.part_number], included)
                )
                for line in added
            ]
        # Vouchers follow the lines they were split on: set their amounts anew.
        wanted = {vals["emag_voucher_key"]: vals for vals in self._extra_values(order, included)}
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
                    _lt(
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
        if requested and binding.emag_status != str(order_status.NEW):
            binding._emag_request_status(
                order_status.CANCELED, order_status.CUSTOMER_REQUEST_REASON
            )
        # Still new on eMAG: it may only leave "new" by acknowledgement (doc
        # §9.2). The acknowledgement job takes it (see
        # order_sync.awaiting_acknowledgement_domain); reading it back after
        # that brings the request here again, in progress, and the
        # cancellation is sent then.


def dump_payload(raw):
    """The payload as kept on the binding for audit (readable JSON)."""
    try:
        return json.dumps(raw, ensure_ascii=False, indent=1, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(raw)
