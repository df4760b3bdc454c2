"""The steps that follow the validation of an eMAG delivery, in order.

1. ``read_order``: read the order on eMAG again; canceled, or a cancellation
   asked for by the customer: stop and flag it (the parcel must not leave).
2. ``prepared``: status prepared (3) on eMAG, unless it is there already.
3. ``awb``: issue the AWB. ``awb/save`` is never repeated blindly: the
   request is written down and committed before it leaves
   (``emag.awb.intent``); when one exists, the order is read again and the
   AWBs eMAG lists on it are checked first, so one delivery never gets two.
4. ``label``: the label PDF, in the account's format, on the picking.
5. ``invoice``: the customer invoice of what this delivery shipped, posted
   (see :mod:`.fulfilment_invoice`).
6. ``efactura``: handed to e-Factura through ``account.move._emag_efactura_submit``.
7. ``attach``: the invoice PDF attached to the eMAG order through a public,
   expiring link, once ``account.move._emag_invoice_attachable`` allows it.
8. ``finalize``: finalized (4) on eMAG; the first AWB does it, else it is sent.

Fulfilled-by-eMAG orders only have steps 1, 5, 6 and 7.

Each call of :meth:`FulfilmentPipeline.run_next` runs one step in the job's
transaction and says what comes next; a step whose work is already there
(an AWB number, a label, an invoice) returns at once, so running it twice
changes nothing.
"""

import json
import logging
from datetime import timedelta
from decimal import Decimal

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from odoo.addons.queue_job.exception import RetryableJobError

from ...compat import outer_packages
from ...lib.emag_api import (
    PLATFORMS,
    EmagAuthError,
    EmagError,
    EmagOutcomeUnknownError,
    EmagTransientError,
)
from ..buyers import gate as buyer_gate
from ..common import labels
from ..orders import status as order_status
from ..orders.payload import FBE_TYPE, SELLER_TYPE, OrderPayloadError, parse_order
from .awb import (
    AwbRequestError,
    Parcels,
    Sender,
    amount_due,
    build_request,
    issued_from_read,
    issued_from_response,
    listed_awb_ids,
)
from .invoice import DeliveryInvoice

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

STEP_SELECTION = [
    ("read_order", "Order checked on eMAG"),
    ("prepared", "Prepared on eMAG"),
    ("awb", "AWB"),
    ("label", "Label"),
    ("invoice", "Invoice"),
    ("efactura", "e-Factura"),
    ("attach", "Invoice on eMAG"),
    ("finalize", "Finalized on eMAG"),
]
STEP_CODES = tuple(code for code, _label in STEP_SELECTION)
FBE_STEPS = ("read_order", "invoice", "efactura", "attach")

# What the job does after a step.
CONTINUE, RECHECK, REST = "continue", "recheck", "rest"
RECHECK_DELAY = timedelta(minutes=10)
ACTIVITY_PREFIX = "eMAG fulfilment"
INVOICE_ATTACHMENT_TYPE = 1


def steps_for(order_type):
    return FBE_STEPS if order_type == "fbe" else STEP_CODES


def _status_text(status):
    """The deferred name of an eMAG order status (``services/common/labels.py``)."""
    return labels.selection_text("emag.order", "emag_status", status)


class Outcome:
    """How a step ended: ``done``, ``waiting``, ``failed`` or ``stopped``, and why
    (a deferred text, ``services/common/labels.py``)."""

    def __init__(self, state, message=""):
        self.state = state
        self.message = message


def done(message=""):
    return Outcome("done", message)


def waiting(message):
    return Outcome("waiting", message)


def failed(message):
    return Outcome("failed", message)


def efactura_summary(env, invoice):
    """The invoice's e-Factura state as it is now, with the authority's index
    when it has one ("Accepted by ANAF (index 5000000002)"); empty without
    an e-Factura module."""
    status = invoice._emag_efactura_status() or {}
    if not status.get("state"):
        return ""
    if status.get("index"):
        return env._("%(state)s (index %(index)s)", state=status["state"], index=status["index"])
    return status["state"]


def invoice_hold(env, invoice):
    """Why the invoice may not be attached to the eMAG order now, as the
    attach step's :class:`Outcome` (``failed`` while it must be fixed,
    ``waiting`` while e-Factura has not answered); ``None`` when it may."""
    status = invoice._emag_efactura_status() or {}
    if status.get("refused"):
        return failed(
            status.get("problem")
            or env._(
                "e-Factura refused the invoice: %(m)s. Fix it and send it again; it is attached "
                "to eMAG once accepted.",
                m=status.get("message") or status.get("state"),
            )
        )
    if not invoice._emag_invoice_attachable():
        return waiting(
            env._(
                "Held until ANAF accepts the invoice (e-Factura: %(s)s).",
                s=status.get("state") or "-",
            )
        )
    return None


def step_message(step):
    """What ``step`` says now, for the screen.

    The steps that depend on the invoice's e-Factura state are described from
    that state as it is now, not as it was when the step ran: the
    e-Factura step shows where the invoice stands, and an attach step held
    for the invoice shows why it is still held (or that it goes on).
    """
    env = step.env
    invoice = step.fulfilment_id.invoice_id.sudo()
    if not invoice:
        return step.message or ""
    if step.code == "efactura" and step.state == "done":
        return efactura_summary(env, invoice) or step.message or ""
    if step.code == "attach" and step.state in ("waiting", "failed"):
        hold = invoice_hold(env, invoice)
        if hold:
            return hold.message
        if step.state == "waiting":
            return env._("The invoice may be attached now: the step runs again at once.")
    return step.message or ""


class FulfilmentPipeline:
    """Runs the steps of one ``emag.fulfilment`` (as superuser, in its company)."""

    def __init__(self, fulfilment):
        self.fulfilment = fulfilment.with_company(fulfilment.company_id)
        self.env = self.fulfilment.env
        self.binding = self.fulfilment.emag_order_id
        self.account = self.binding.account_id
        self.picking = self.fulfilment.picking_id
        self._client = None

    def client(self):
        if self._client is None:
            self._client = self.account._get_client()
        return self._client

    # ----------------------------------------------------------------- driver

    def run_next(self):
        """Run the next step; return :data:`CONTINUE`, :data:`RECHECK` or :data:`REST`."""
        fulfilment = self.fulfilment
        if fulfilment.state in ("done", "stopped"):
            return REST
        step = fulfilment._current_step()
        if not step:
            fulfilment.write({"state": "done", "message": False})
            return REST
        step.runs += 1
        try:
            with self.env.cr.savepoint():
                outcome = getattr(self, f"_step_{step.code}")()
        except EmagOutcomeUnknownError as error:
            raise RetryableJobError(f"{step.code}: {error}") from error
        except EmagAuthError as error:
            outcome = failed(
                self.env._("eMAG refused the account's credentials: %(e)s", e=error.message)
            )
        except EmagTransientError as error:
            raise RetryableJobError(f"{step.code}: {error}") from error
        except EmagError as error:
            outcome = failed(self.env._("eMAG says: %(e)s", e=error.message))
        except (AwbRequestError, OrderPayloadError) as error:
            outcome = failed(labels.error_text(error))
        except (UserError, ValidationError) as error:
            outcome = failed(str(error.args[0] if error.args else error))
        return self._record(step, outcome)

    def _record(self, step, outcome):
        fulfilment = self.fulfilment
        values = {"state": outcome.state}
        if outcome.state == "done":
            values["done_at"] = fields.Datetime.now()
        step.write(values)
        # Read on the picking by people of every language, whoever ran the step.
        labels.write_translated(step, "message", outcome.message)
        message = labels.render(self.env, outcome.message)
        if outcome.state == "done":
            if fulfilment._current_step():
                fulfilment.write({"state": "running", "message": False})
                return CONTINUE
            fulfilment.write({"state": "done", "message": False})
            return REST
        fulfilment.write({"state": outcome.state, "message": message})
        if outcome.state == "waiting":
            return RECHECK
        if outcome.state == "failed":
            self._open_activity(step, message)
        return REST

    def fail_current(self, message):
        """Mark the current step failed (its job gave up) and tell the responsible user."""
        step = self.fulfilment._current_step()
        if step:
            self._record(step, failed(message))

    def _open_activity(self, step, message):
        label = dict(STEP_SELECTION)[step.code]
        summary = f"{ACTIVITY_PREFIX}: {label}"
        picking = self.picking
        if picking.activity_ids.filtered(lambda activity: activity.summary == summary):
            return
        picking.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=message,
            user_id=self._responsible().id,
        )

    def _note(self, body):
        """Log a step's result in the delivery's chatter."""
        self.picking.message_post(body=body)

    def _responsible(self):
        return (
            self.picking.user_id
            or self.fulfilment.sale_order_id.user_id
            or self.account.team_id.user_id
            or self.fulfilment.create_uid
        )

    # ------------------------------------------------------------- eMAG order

    def _read_order(self):
        """The order as eMAG has it now, stored on the binding; ``None`` if gone."""
        order_type = FBE_TYPE if self.binding.order_type == "fbe" else SELLER_TYPE
        found = self.client().read_orders(id=int(self.binding.emag_id), type=order_type)
        if not found:
            return None
        raw = found[0]
        self._parse(raw, store=True)
        return raw

    def _parse(self, raw, store=False):
        order = parse_order(raw, PLATFORMS[self.account.platform])
        if store:
            self.binding._emag_store_payload(order, raw)
        return order

    def _payload(self):
        """The order as last read (by step 1, or a poll since)."""
        try:
            raw = json.loads(self.binding.payload or "")
        except ValueError:
            raw = None
        return raw if isinstance(raw, dict) else self._read_order()

    def _save_status(self, raw, status):
        """Send the order back with ``status``, as eMAG wants it (the full object).

        After an unknown outcome the order is read again: only a status still
        not changed makes the job try again later.
        """
        raw = dict(raw, status=status)
        try:
            self.client().save_order(raw)
        except EmagOutcomeUnknownError as error:
            again = self._read_order()
            if not again or int(again.get("status")) != status:
                raise RetryableJobError(f"eMAG order {self.binding.emag_id}: {error}") from error
        self.binding.emag_status = str(status)

    # ------------------------------------------------------------------ steps

    def _step_read_order(self):
        raw = self._read_order()
        if raw is None:
            return failed(self.env._("eMAG no longer shows this order to the account."))
        order = self._parse(raw)
        if order.status == order_status.CANCELED or order.cancellation_request:
            message = (
                _lt(
                    "eMAG canceled the order: do not ship it. Put the goods back in stock "
                    "(return the delivery) and cancel the sale order."
                )
                if order.status == order_status.CANCELED
                else _lt(
                    "The customer asked to cancel the order (%(request)s): do not ship it. "
                    "Return the delivery to stock and cancel the order.",
                    request=order.cancellation_request,
                )
            )
            self.binding._emag_flag(message)
            return Outcome("stopped", message)
        if order.status == order_status.NEW and self.binding.order_type == "seller":
            self.account._emag_enqueue_acknowledge()
            return waiting(self.env._("The order is not acknowledged on eMAG yet."))
        return done(_lt("eMAG status: %(s)s", s=_status_text(order.status)))

    def _step_prepared(self):
        current = int(self.binding.emag_status)
        if current in (order_status.PREPARED, order_status.FINALIZED):
            return done(_lt("Already %(s)s", s=_status_text(current)))
        verdict = self.binding._emag_check_transition(order_status.PREPARED)
        if not verdict.allowed:
            return failed(order_status.reason_text(verdict))
        if not verdict.noop:
            self._save_status(self._payload(), order_status.PREPARED)
            self._note(
                self.env._("eMAG: order %(order)s marked prepared.", order=self.binding.emag_id)
            )
        return done()

    def _step_awb(self):
        fulfilment = self.fulfilment
        if fulfilment.awb_number:
            return done(fulfilment.awb_number)
        raw = self._payload()
        if self._has_intent():
            # A request may have reached eMAG without its answer reaching us.
            raw = self._read_order() or raw
        issued = self._find_issued(raw)
        if issued:
            self._store_awb(issued)
            return done(self.env._("%(n)s (found on eMAG)", n=issued.number))
        order = self._parse(raw)
        cod = max(amount_due(raw, order.gross_total()) - self._cod_on_other_parcels(), 0)
        request = build_request(
            raw,
            order_id=self.binding.emag_id,
            sender=self._sender(),
            parcels=self._parcels(),
            cod=cod,
            courier_account_id=self.account.courier_account_id.emag_id or None,
            note=self.picking.name,
        )
        self._record_intent(request)
        try:
            issued = issued_from_response(self.client().save_awb(request))
        except EmagOutcomeUnknownError as error:
            issued = self._find_issued(self._read_order() or raw)
            if not issued:
                raise RetryableJobError(
                    f"eMAG order {self.binding.emag_id}: AWB outcome unknown and none on eMAG "
                    f"yet ({error}); looked up again before any new request"
                ) from error
        self._store_awb(issued, cod=cod, parcels=request["parcel_number"])
        return done(issued.number)

    def _step_label(self):
        fulfilment = self.fulfilment
        if fulfilment.label_attachment_id:
            return done()
        if not fulfilment.awb_emag_id:
            return failed(self.env._("eMAG gives labels only for AWBs issued through the API."))
        label_format = self.account.awb_label_format
        content = self.client().read_awb_pdf(int(fulfilment.awb_emag_id), label_format)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"AWB {fulfilment.awb_number}.pdf",
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": "stock.picking",
                "res_id": self.picking.id,
            }
        )
        fulfilment.label_attachment_id = attachment
        self.picking.message_post(
            body=self.env._(
                "eMAG AWB %(number)s issued (%(courier)s); label %(format)s attached.",
                number=fulfilment.awb_number,
                courier=fulfilment.awb_courier or "-",
                format=label_format,
            ),
            attachment_ids=attachment.ids,
        )
        return done(label_format)

    def _step_invoice(self):
        fulfilment = self.fulfilment
        invoice = fulfilment.invoice_id
        if not invoice:
            sale_order = fulfilment.sale_order_id
            # The buyer as its registry knows it (VAT prefix, reverse charge) before billing it.
            hold = buyer_gate.invoice_hold(sale_order, self._parse(self._payload()))
            if hold:
                return Outcome(*hold)
            invoice = DeliveryInvoice(self.picking).create()
            if not invoice:
                # Invoiced by hand already: take that invoice, unless another
                # delivery of the order has it.
                taken = (
                    self.env["emag.fulfilment"]
                    .search([("sale_order_id", "=", sale_order.id), ("id", "!=", fulfilment.id)])
                    .invoice_id
                )
                invoice = (
                    sale_order.invoice_ids.filtered(
                        lambda m: m.move_type == "out_invoice" and m.state != "cancel"
                    )
                    - taken
                )[:1]
            if not invoice:
                return done(self.env._("Nothing left to invoice on the sale order."))
            fulfilment.invoice_id = invoice[:1]
            invoice = invoice[:1]
        if invoice.state == "draft":
            invoice.action_post()
            self._note(self.env._("eMAG: invoice %(invoice)s posted.", invoice=invoice.name))
        return done(invoice.name)

    def _step_efactura(self):
        invoice = self.fulfilment.invoice_id
        if not invoice:
            return done(self.env._("No invoice"))
        invoice._emag_efactura_submit()
        return done(efactura_summary(self.env, invoice) or self.env._("Not used for this account"))

    def _step_attach(self):
        fulfilment = self.fulfilment
        invoice = fulfilment.invoice_id
        if fulfilment.invoice_attached_at or not invoice:
            return done()
        hold = invoice_hold(self.env, invoice)
        if hold:
            return hold
        url = self.env["emag.document.link"]._issue(
            self._invoice_pdf(invoice), self.account._emag_public_base_url()
        )
        entity = {
            "order_id": int(self.binding.emag_id),
            "order_type": FBE_TYPE if self.binding.order_type == "fbe" else SELLER_TYPE,
            "name": invoice.name[:60],
            "url": url,
            "type": INVOICE_ATTACHMENT_TYPE,
            "force_download": 1,
        }
        try:
            self.client().save_order_attachments([entity])
        except EmagOutcomeUnknownError as error:
            raw = self._read_order() or {}
            if not any(a.get("url") == url for a in raw.get("attachments") or []):
                raise RetryableJobError(f"Attaching {invoice.name}: {error}") from error
        fulfilment.invoice_attached_at = fields.Datetime.now()
        self._note(
            self.env._("eMAG: invoice %(name)s attached to the eMAG order.", name=invoice.name)
        )
        return done(invoice.name)

    def _step_finalize(self):
        raw = self._read_order()
        if raw is None:
            return failed(self.env._("eMAG no longer shows this order to the account."))
        status = int(raw.get("status"))
        if status != order_status.FINALIZED:
            verdict = self.binding._emag_check_transition(order_status.FINALIZED, current=status)
            if not verdict.allowed:
                return failed(order_status.reason_text(verdict))
            self._save_status(raw, order_status.FINALIZED)
        self.fulfilment.finalized_at = self.binding.emag_finalized_at or fields.Datetime.now()
        self._note(self.env._("eMAG: order %(order)s finalized.", order=self.binding.emag_id))
        return done()

    # -------------------------------------------------------------------- AWB

    def _sender(self):
        address = self.account.pickup_address_id
        if not address:
            raise AwbRequestError(
                self.env._(
                    "The eMAG account has no pickup address: read the couriers and addresses "
                    "on the account, choose one, then press Retry."
                )
            )
        company = self.account.company_id
        return Sender(
            name=company.name,
            contact=self.account.pickup_contact or company.name,
            phone=self.account.pickup_phone or company.phone or "",
            locality_id=address.locality_id,
            street=address.street,
            zipcode=address.zipcode or "",
            address_id=address.emag_id,
        )

    def _cod_on_other_parcels(self):
        """Cash the AWBs of the order's other deliveries already collect: a
        split delivery never makes the customer pay twice."""
        siblings = self.env["emag.fulfilment"].search(
            [
                ("emag_order_id", "=", self.binding.id),
                ("id", "!=", self.fulfilment.id),
                ("awb_number", "!=", False),
            ]
        )
        return sum((Decimal(str(f.awb_cod)) for f in siblings), Decimal(0))

    def _parcels(self):
        """One parcel per outer package of the delivery, else one with its weight."""
        picking = self.picking
        packages = picking.move_line_ids.result_package_id
        outer = outer_packages(packages)
        if not outer:
            return Parcels(1, picking.weight)
        weight = sum(
            p.shipping_weight or p.with_context(picking_id=picking.id).weight for p in outer
        )
        return Parcels(len(outer), weight)

    def _has_intent(self):
        return bool(
            self.env["emag.awb.intent"].search_count(
                [("fulfilment_id", "=", self.fulfilment.id)], limit=1
            )
        )

    def _record_intent(self, request):
        """Write the request down and commit it before it is sent.

        On a cursor of its own: whatever happens to this job's transaction
        afterwards, the next attempt knows a request may have left. A
        fulfilment its cursor cannot see yet (created in this transaction)
        gets it in this transaction instead.
        """
        values = {"fulfilment_id": self.fulfilment.id, "request": json.dumps(request)}
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT 1 FROM emag_fulfilment WHERE id = %s", [self.fulfilment.id])
            if cr.rowcount:
                api.Environment(cr, SUPERUSER_ID, {})["emag.awb.intent"].create(values)
                return
        self.env["emag.awb.intent"].create(values)

    def _find_issued(self, raw):
        """An AWB eMAG lists on the order that no delivery of ours holds yet."""
        siblings = self.env["emag.fulfilment"].search(
            [("emag_order_id", "=", self.binding.id), ("id", "!=", self.fulfilment.id)]
        )
        known_ids = set(siblings.mapped("awb_emag_id"))
        known_numbers = set(siblings.mapped("awb_number"))
        for kind, value in listed_awb_ids(raw):
            if kind == "number":
                if value not in known_numbers:
                    return issued_from_read(
                        {"order_id": self.binding.emag_id, "awb": [{"awb_number": value}]},
                        self.binding.emag_id,
                    )
                continue
            if value in known_ids:
                continue
            for item in self.client().read_awb(emag_id=int(value)):
                issued = issued_from_read(item, self.binding.emag_id)
                if issued and issued.number and issued.number not in known_numbers:
                    return issued
        return None

    def _store_awb(self, issued, cod=None, parcels=None):
        values = {
            "awb_emag_id": issued.emag_id or False,
            "awb_number": issued.number,
            "awb_reservation_id": issued.reservation_id or False,
            "awb_courier": issued.courier or False,
        }
        if cod is not None:
            values["awb_cod"] = float(cod)
        if parcels is not None:
            values["awb_parcels"] = parcels
        self.fulfilment.write(values)
        self.picking.carrier_tracking_ref = issued.number

    # ---------------------------------------------------------------- invoice

    def _invoice_pdf(self, invoice):
        """The invoice's PDF attachment, rendered once when it has none yet."""
        if invoice.invoice_pdf_report_id:
            return invoice.invoice_pdf_report_id
        content, _kind = self.env["ir.actions.report"]._render_qweb_pdf(
            "account.account_invoices", invoice.ids
        )
        invoice.invalidate_recordset(["invoice_pdf_report_id"])
        return invoice.invoice_pdf_report_id or self.env["ir.attachment"].create(
            {
                "name": invoice._get_invoice_report_filename(),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": invoice.id,
            }
        )
