"""What happens once the goods of a seller return are back in the warehouse.

The steps, in order, each run by its own job (:func:`advance` does one and
says whether another follows), so that one failing step never undoes the
side effects of the ones before it on eMAG's side. What the customer asked
for (``return_type``, doc §12.3) decides the road: money back (refund,
instalment contract canceled, voucher) or goods (a replacement).

Money back:

1. ``received``: the return is marked received (6) on eMAG;
2. ``credit_note``: the original invoice is reversed for what came back
   and the credit note posted (the e-Factura bridge, when installed, sends
   it to ANAF when it is posted);
3. ``order``: the eMAG order follows: partial storno (lower quantities and
   ``is_storno``) or returned (5) when everything came back, within eMAG's
   windows — outside them a person is asked to act;
4. ``finalized``: the return is closed (7) on eMAG;
5. ``attach``: the credit note's PDF is attached to the eMAG order through a
   public link (when the bridge holds attachments until ANAF accepted the
   document, this step waits for it).

A replacement (return types 1 and 2): no credit note and nothing changes
on the eMAG order (a storno or "returned" would make eMAG refund the
customer):

1. ``received``: as above;
2. ``replacement``: a delivery of the replacement (the same products, or
   the one eMAG names) is created for the warehouse (:mod:`.rma_replacement`);
3. once the warehouse validated it, ``replacement_awb``: its AWB, issued
   with the return's ``rma_id``;
4. ``finalized``: the return is closed (7) on eMAG.

Every step checks first whether it is already done, on the binding or on
eMAG, so a repeated job does nothing twice.
"""

import json
from collections import defaultdict
from decimal import Decimal

from odoo import fields
from odoo.fields import Command

from odoo.addons.queue_job.exception import RetryableJobError

from ...lib.emag_api import (
    PLATFORMS,
    EmagError,
    EmagOutcomeUnknownError,
    EmagTransientError,
    parsing,
)
from ..orders import status as order_status
from ..orders.payload import OrderPayloadError, parse_order
from ..orders.sync import read_order
from . import replacement as rma_replacement
from . import status as rma_status
from .importer import received_quantities
from .sync import push_status

STEPS = ("received", "credit_note", "order", "finalized", "attach")
ATTACHMENT_NAME_LIMIT = 60
# Pause between two looks at a credit note waiting for ANAF's acceptance.
ATTACH_WAIT_SECONDS = 600


def _transient(error, what):
    return RetryableJobError(f"{what}: {error}", seconds=getattr(error, "retry_after", None))


def next_step(rma, resuming=False):
    """The next step of the receipt of ``rma``, ``None`` when nothing is left
    (or the return waits in exception, unless ``resuming`` it)."""
    if (
        not rma.received_at
        or rma.refuse_reason
        or not rma._emag_is_seller()
        or (rma.state == "exception" and not resuming)
    ):
        return None
    status = int(rma.emag_status or 0)
    if status not in (rma_status.RECEIVED, rma_status.FINALIZED):
        return "received"
    if rma._emag_is_replacement():
        return _next_replacement_step(rma, status)
    if not rma.credit_note_id or rma.credit_note_id.state != "posted":
        return "credit_note"
    if rma.order_update == "todo":
        return "order"
    if status != rma_status.FINALIZED:
        return "finalized"
    if not rma.credit_note_attached:
        return "attach"
    return None


def _next_replacement_step(rma, status):
    deliveries = rma.replacement_picking_ids
    if not deliveries:
        return "replacement"
    if any(picking.state not in ("done", "cancel") for picking in deliveries):
        return None  # the warehouse ships it; validating the delivery carries on
    if not deliveries.filtered(lambda picking: picking.state == "done"):
        return None  # canceled: a person settles the return with the customer
    if not rma.replacement_awb_number:
        return "replacement_awb"
    if status != rma_status.FINALIZED:
        return "finalized"
    return None


def advance(rma, resuming=False):
    """Run the next step; ``True`` when it is done and another may follow.

    ``resuming`` (Retry): the step a return in exception stopped at runs
    again; only when it passes does the return leave the exception.
    """
    done = _run(rma, next_step(rma, resuming=resuming))
    if done and resuming and rma.state == "exception":
        rma.write({"state": "imported", "message": False})
    return done


def _run(rma, step):
    if step == "replacement":
        return rma_replacement.create_delivery(rma)
    if step == "replacement_awb":
        return rma_replacement.issue_awb(rma)
    if step == "received":
        return push_status(rma, rma_status.RECEIVED)
    if step == "credit_note":
        return CreditNote(rma).create()
    if step == "order":
        return update_order(rma)
    if step == "finalized":
        return push_status(rma, rma_status.FINALIZED)
    if step == "attach":
        return attach_credit_note(rma)
    return False


# -------------------------------------------------------------------- credit note


class CreditNote:
    """The credit note of one return: the original invoice reversed for the
    quantities that came back.

    Product lines are credited for the returned quantities. Voucher lines on
    products follow eMAG's split of each voucher over the order lines
    (``product_voucher_split``): a returned unit takes back its line's share;
    a voucher eMAG did not split is credited in proportion to the returned
    value of the lines with the same taxes. Shipping is credited only when the return brings
    back everything left on the invoice; the last credit note then takes
    whatever remains, so the credit notes of an order add up to its invoice.
    """

    def __init__(self, rma):
        self.rma = rma
        self.env = rma.env

    def create(self):
        rma = self.rma
        if rma.credit_note_id.state == "draft":
            rma.credit_note_id.action_post()
            return True
        returned = received_quantities(rma)
        invoice = self._invoice(returned)
        if not invoice:
            rma._emag_park(
                self.env._(
                    "No posted invoice of the sale order invoices the returned products, so no "
                    "credit note can be made. Invoice the order, then press Retry."
                )
            )
            return False
        credit_note = invoice.with_context(tracking_disable=True)._reverse_moves(
            [
                {
                    "ref": self._reference(),
                    "invoice_date": fields.Date.context_today(rma),
                    "date": fields.Date.context_today(rma),
                }
            ]
        )
        self._fit_lines(invoice, credit_note, returned)
        rma.credit_note_id = credit_note
        credit_note.action_post()
        rma.message_post(
            body=self.env._(
                "Credit note %(name)s posted for the goods that came back (%(ref)s).",
                name=credit_note.name,
                ref=credit_note.ref,
            )
        )
        return True

    def _reference(self):
        """The credit note's reference: which return, and how eMAG pays the
        customer back, as the accountant books it."""
        rma, env = self.rma, self.env
        if rma.return_type == "4":
            return env._("eMAG return %(rma)s: instalment contract canceled", rma=rma.emag_id)
        if rma.return_type == "5":
            return env._("eMAG return %(rma)s: refunded as an eMAG voucher", rma=rma.emag_id)
        return env._("eMAG return %(rma)s: refund", rma=rma.emag_id)

    def _invoice(self, returned):
        invoices = self.rma.sale_order_id.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        wanted = set(returned)
        for invoice in invoices.sorted("id"):
            if wanted & set(invoice.invoice_line_ids.sale_line_ids):
                return invoice
        return invoices[:0]

    def _credited(self, invoice):
        """What earlier posted credit notes of ``invoice`` already took back:
        quantities of product lines by sale line, amounts of the others (see
        :func:`_amount_key`)."""
        quantities, amounts = defaultdict(float), defaultdict(float)
        earlier = self.env["account.move"].search(
            [("reversed_entry_id", "=", invoice.id), ("state", "=", "posted")]
        )
        for line in earlier.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
            if line.sale_line_ids[:1].emag_line_id:
                quantities[line.sale_line_ids[:1]] += line.quantity
            else:
                amounts[_amount_key(line)] += _price_amount(line)
        return quantities, amounts

    def _fit_lines(self, invoice, credit_note, returned):
        credited_qty, credited_amount = self._credited(invoice)
        product_lines = credit_note.invoice_line_ids.filtered(
            lambda line: line.sale_line_ids[:1].emag_line_id
        )
        remaining = {
            line: line.quantity - credited_qty[line.sale_line_ids[:1]] for line in product_lines
        }
        complete = all(
            remaining[line] - returned.get(line.sale_line_ids[:1], 0) <= 0 for line in product_lines
        )
        voucher_shares = self._voucher_shares(returned)
        returned_value, invoiced_value = defaultdict(float), defaultdict(float)
        commands = []
        for line in product_lines:
            quantity = min(returned.get(line.sale_line_ids[:1], 0), remaining[line])
            taxes = line.tax_ids
            invoiced_value[taxes] += _price_amount(line)
            returned_value[taxes] += line.price_unit * quantity
            if quantity <= 0:
                commands.append(Command.delete(line.id))
            elif quantity != line.quantity:
                commands.append(Command.update(line.id, {"quantity": quantity}))
        others = (
            credit_note.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            - product_lines
        )
        for line in others:
            sale_line = line.sale_line_ids[:1]
            left = _price_amount(line) - credited_amount[_amount_key(line)]
            if complete:
                price = left / line.quantity if line.quantity else 0
            elif sale_line.emag_voucher_key in voucher_shares:
                price = line.price_unit * voucher_shares[sale_line.emag_voucher_key]
            elif sale_line.emag_voucher_key and sale_line.emag_voucher_key.startswith("product"):
                share = (
                    returned_value[line.tax_ids] / invoiced_value[line.tax_ids]
                    if invoiced_value[line.tax_ids]
                    else 0
                )
                price = line.price_unit * share
            else:
                price = 0
            if not price:
                commands.append(Command.delete(line.id))
            else:
                # A share of a voucher or of the shipping fee is an amount, not
                # a quantity of the sale line: linked, it would take that line's
                # invoiced quantity back and make the order "to invoice" again.
                commands.append(
                    Command.update(
                        line.id, {"price_unit": price, "sale_line_ids": [Command.clear()]}
                    )
                )
        credit_note.invoice_line_ids = commands

    def _voucher_shares(self, returned):
        """``{voucher key: share of the voucher that goes back}`` for the
        vouchers eMAG split over the order lines: each returned unit takes its
        line's part of the split. Vouchers without a split are left out (they
        are credited pro rata)."""
        binding = self.rma.emag_order_id
        try:
            raw = json.loads(binding.payload or "")
            order = parse_order(raw, PLATFORMS[binding.account_id.platform])
        except (ValueError, TypeError, KeyError, OrderPayloadError):
            return {}
        quantities = {
            sale_line.emag_line_id: quantity
            for sale_line, quantity in returned.items()
            if sale_line.emag_line_id
        }
        taken, whole = defaultdict(Decimal), defaultdict(Decimal)
        for line in order.lines:
            initial = line.quantity + line.returned
            back = Decimal(str(quantities.get(str(line.line_id), 0)))
            for part in line.vouchers:
                key = f"product:{part.voucher_id}:{part.vat}"
                amount = part.value + part.vat_value
                whole[key] += amount
                if initial and back:
                    taken[key] += amount * min(back, initial) / initial
        return {key: float(taken[key] / whole[key]) for key in whole if whole[key]}


def _price_amount(line):
    """The line's amount in the terms of its unit price: VAT included when its
    taxes are (eMAG lines are), so that it compares with ``price_unit``."""
    return line.price_unit * line.quantity


def _amount_key(line):
    """What identifies a voucher or shipping line across an invoice and its
    credit notes, which are not linked to the sale line (see ``_fit_lines``)."""
    return (line.product_id.id, line.name, frozenset(line.tax_ids.ids))


# ------------------------------------------------------------------------- order


def _order_targets(rma, raw):
    """``{eMAG line id: quantity eMAG should show}`` for every line of the
    order: ordered minus everything received back through Odoo's returns.

    Computed from the totals, not from this return alone, the targets make
    the storno convergent: sent twice, the second finds nothing to change.
    """
    received = defaultdict(int)
    siblings = rma.search(
        [("emag_order_id", "=", rma.emag_order_id.id), ("received_at", "!=", False)]
    )
    for sibling in siblings:
        for move in sibling.return_picking_ids.move_ids:
            if move.state == "done" and move.sale_line_id.emag_line_id:
                received[move.sale_line_id.emag_line_id] += int(move.quantity)
    targets = {}
    for line in raw.get("products") or []:
        initial = line.get("initial_qty")
        if initial in (None, ""):
            initial = int(line.get("quantity") or 0) + int(line.get("storno_qty") or 0)
        # A null status is not "removed" (0): only an explicit 0 is.
        if parsing.to_int(line.get("status")) == 0 and not received.get(str(line["id"])):
            continue  # removed before shipping: not part of what was delivered
        targets[str(line["id"])] = max(int(initial) - received.get(str(line["id"]), 0), 0)
    return targets


def update_order(rma, now=None):
    """Partial storno, or returned (5) when nothing is left, on the eMAG order."""
    env = rma.env
    binding = rma.emag_order_id
    account = rma.account_id
    client = account._get_client()
    raw = read_order(account, client, binding.emag_id)
    if raw is None:
        return _order_flag(rma, env._("The eMAG order %(o)s no longer exists.", o=binding.emag_id))
    status = int(raw.get("status"))
    _learn_finalization(binding, raw)
    targets = _order_targets(rma, raw)
    if status == order_status.RETURNED:
        rma.order_update = "returned"
        return True
    if not any(targets.values()):
        verdict = binding._emag_check_transition(order_status.RETURNED, current=status, now=now)
        if not verdict.allowed:
            return _order_flag(
                rma,
                env._(
                    "Everything came back, but the eMAG order cannot be marked returned: "
                    "%(reason)s Settle it with eMAG.",
                    reason=verdict.reason,
                ),
            )
        raw["status"] = order_status.RETURNED
        raw["is_storno"] = False  # a full reversal, not another storno
        outcome = "returned"
    else:
        changes = {
            str(line["id"]): targets[str(line["id"])]
            for line in raw.get("products") or []
            if str(line["id"]) in targets
            and int(line.get("quantity") or 0) > targets[str(line["id"])]
        }
        if not changes:
            rma.order_update = "storno"
            return True
        if status != order_status.FINALIZED:
            return _order_flag(
                rma,
                env._(
                    "eMAG accepts a partial storno only on finalized orders; order %(o)s is "
                    "%(status)s. Settle it with eMAG.",
                    o=binding.emag_id,
                    status=order_status.status_label(env, status),
                ),
            )
        for line in raw["products"]:
            if str(line["id"]) in changes:
                line["quantity"] = changes[str(line["id"])]
                if not line["quantity"]:
                    line["status"] = 0
        raw["is_storno"] = True
        outcome = "storno"
    try:
        client.save_order(raw)
    except EmagOutcomeUnknownError as error:
        again = read_order(account, client, binding.emag_id) or {}
        if outcome == "returned" and int(again.get("status", -1)) != order_status.RETURNED:
            raise RetryableJobError(f"eMAG order {binding.emag_id}: {error}") from error
        if outcome == "storno" and any(
            int(line.get("quantity") or 0) > _order_targets(rma, again).get(str(line["id"]), 0)
            for line in again.get("products") or []
            if str(line["id"]) in changes
        ):
            raise RetryableJobError(f"eMAG order {binding.emag_id}: {error}") from error
    except EmagTransientError as error:
        raise _transient(error, f"Updating eMAG order {binding.emag_id}") from error
    except EmagError as error:
        return _order_flag(
            rma, env._("eMAG refused the order update: %(error)s", error=error.message)
        )
    rma.order_update = outcome
    if outcome == "returned":
        binding.emag_status = str(order_status.RETURNED)
    rma.message_post(
        body=env._("eMAG order marked returned.")
        if outcome == "returned"
        else env._("Partial storno sent to eMAG for the returned quantities.")
    )
    return True


def _learn_finalization(binding, raw):
    """Keep the finalization time eMAG gives now when Odoo had none: the
    4 -> 5 window counts from it. Still unknown, the matrix declines the
    change with that reason (never a guess)."""
    if binding.emag_finalized_at:
        return
    try:
        moment = parsing.parse_datetime(
            raw.get("finalization_date"), PLATFORMS[binding.account_id.platform]
        )
    except (ValueError, TypeError):
        return
    if moment:
        binding.emag_finalized_at = moment.replace(tzinfo=None)


def _order_flag(rma, message):
    """The order update needs a person; the return itself goes on."""
    rma.order_update = "flagged"
    rma._emag_flag(message)
    return True


# -------------------------------------------------------------------- attachment


def attach_credit_note(rma):
    """Attach the credit note's PDF to the eMAG order through a public link."""
    env = rma.env
    credit_note = rma.credit_note_id
    attachable = getattr(credit_note, "_emag_invoice_attachable", None)
    if attachable and not attachable():
        if getattr(credit_note, "l10n_ro_efb_state", None) in ("rejected", "invalid"):
            rma._emag_park(
                env._(
                    "The credit note was refused for e-Factura; correct it and send it again, "
                    "then press Retry to attach it to the eMAG order."
                )
            )
            return False
        raise RetryableJobError(
            f"Credit note {credit_note.name} not yet accepted by ANAF",
            seconds=ATTACH_WAIT_SECONDS,
            ignore_retry=True,
        )
    attachment = _pdf_attachment(credit_note)
    account = rma.account_id
    # The fulfilment settings may give eMAG a public address other than Odoo's own.
    if hasattr(account, "_emag_public_base_url"):
        base_url = account._emag_public_base_url()
    else:
        base_url = env["ir.config_parameter"].sudo().get_param("web.base.url", "")
    url = env["emag.document.link"]._issue(attachment, base_url)
    binding = rma.emag_order_id
    entity = {
        "order_id": int(binding.emag_id),
        "order_type": 3,
        "name": env._("Credit note %(name)s", name=credit_note.name)[:ATTACHMENT_NAME_LIMIT],
        "url": url,
        "type": 1,
        "force_download": 1,
    }
    client = account._get_client()
    try:
        client.save_order_attachments([entity])
    except EmagOutcomeUnknownError as error:
        raw = read_order(account, client, binding.emag_id) or {}
        if not any(item.get("url") == url for item in raw.get("attachments") or []):
            raise RetryableJobError(f"Credit note of return {rma.emag_id}: {error}") from error
    except EmagTransientError as error:
        raise _transient(error, f"Attaching the credit note of return {rma.emag_id}") from error
    except EmagError as error:
        rma._emag_park(
            env._("eMAG refused the credit note attachment: %(error)s", error=error.message)
        )
        return False
    rma.credit_note_attached = True
    return True


def _pdf_attachment(move):
    """The PDF of a posted invoice or credit note, rendered once and kept."""
    if move.invoice_pdf_report_id:
        return move.invoice_pdf_report_id
    content, _kind = move.env["ir.actions.report"]._render_qweb_pdf(
        "account.account_invoices", move.ids
    )
    if move.invoice_pdf_report_id:  # the report keeps it on the move itself
        return move.invoice_pdf_report_id
    return move.env["ir.attachment"].create(
        {
            "name": f"{move._get_report_base_filename()}.pdf",
            "raw": content,
            "mimetype": "application/pdf",
            "res_model": "account.move",
            "res_id": move.id,
        }
    )
