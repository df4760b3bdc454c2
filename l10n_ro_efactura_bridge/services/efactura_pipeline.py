# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The life of one invoice at ANAF: build, pre-check, upload, follow, store the answer.

Why the bridge's own ``anaf_spv`` client and not core's ``l10n_ro_edi``
request helpers: core builds every URL as ``https://api.anaf.ro/{test|prod}``
(no sandbox, not configurable per company) and carries the pitfalls listed in
``efactura.md`` §3.7 — temporary errors shown as refusals, "XML cu erori
nepreluat de sistem" polled forever, upload errors read in the wrong
namespace (empty message), a ``KeyError`` on failed downloads, resending
blocked once any document exists. Fixing those by patching core's module
level functions would be fragile; the client was written against them.

Core stays the place of record the accountant already knows: every outcome
here is mirrored into core's ``l10n_ro_edi.document`` records and
``l10n_ro_edi_index``/``l10n_ro_edi_state`` on the move, exactly as core
itself would write them, so core's e-Factura tab, filters and statuses show
the same truth; and core's own entry points (Send & Print, "Fetch status",
"Synchronize with ANAF", its crons) are routed to this pipeline by the model
overrides.

Every step is idempotent and decided from the stored state, so a job that
runs twice, late, or after a crash does the right next thing. Before an
upload leaves, ``l10n_ro_efb_upload_pending_since`` is committed: if the
answer never comes back (or the worker dies), the next run first looks for
the upload in ANAF's message list and never uploads blindly again.
"""

import logging
from datetime import datetime, time, timedelta

import pytz
from lxml import etree

from odoo import fields

from ..compat import feedback_automated_activities, mirror_core_document
from ..lib.anaf_spv import (
    AnafAuthError,
    AnafOutcomeUnknown,
    AnafRequestRefused,
    AnafRightsError,
    AnafTemporaryError,
    AnafUnexpectedResponse,
    AnafUploadRejected,
    StatusState,
)
from .anaf_connection import AnafConnection
from .ciusro_precheck import precheck

_logger = logging.getLogger(__name__)

ANAF_TZ = pytz.timezone("Europe/Bucharest")
NS_DSIG = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
# ANAF asks for a first status query no sooner than a minute after upload.
FIRST_STATUS_DELAY = timedelta(minutes=1)
# Waits after consecutive temporary errors / "in prelucrare" answers; the last one repeats.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
)
# How long a lost upload may take to show in the message list before it is
# considered never registered (or refused, which has no legal effect).
PARAM_LOST_UPLOAD_WINDOW = "l10n_ro_efactura_bridge.lost_upload_window_minutes"
DEFAULT_LOST_UPLOAD_WINDOW = 60
XML_ERRORS_NOT_TAKEN = "XML cu erori nepreluat de sistem"
# States a pipeline step acts on; "unauthorized" only when someone clicks Retry.
PROCESSED_STATES = ("to_send", "sent", "waiting", "unauthorized")


# ANAF judges most invoices within a few minutes of the upload, and a delivery
# waits for that verdict: ask often at first (12 of the 100 status queries ANAF
# allows per message a day, covering 3 minutes after the first one), then back off.
QUICK_POLL = timedelta(seconds=15)
QUICK_POLLS = 12


def backoff(attempts):
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def verdict_poll_delay(attempts):
    """The wait before asking ANAF again about an invoice it is still checking."""
    return QUICK_POLL if attempts <= QUICK_POLLS else backoff(attempts - QUICK_POLLS)


def after_daily_limit(now):
    """ANAF's daily quotas reset at midnight, Bucharest time: try a few minutes after."""
    local = pytz.utc.localize(now).astimezone(ANAF_TZ)
    tomorrow = ANAF_TZ.localize(datetime.combine(local.date() + timedelta(days=1), time(0, 5)))
    return tomorrow.astimezone(pytz.utc).replace(tzinfo=None)


def _signature_keys(signature):
    """``SignatureValue`` and ``X509Certificate`` of ANAF's signature file (core stores them)."""
    if not signature:
        return False, False
    try:
        root = etree.fromstring(signature, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False, False
    return (
        root.findtext(".//ds:SignatureValue", namespaces=NS_DSIG) or False,
        root.findtext(".//ds:X509Certificate", namespaces=NS_DSIG) or False,
    )


class EfacturaPipeline:
    """Moves invoices forward at ANAF, one step per call of :meth:`process`."""

    def __init__(self, env):
        self.env = env

    # -- entry point -----------------------------------------------------------

    def process(self, move):
        """Do the next step of ``move``: upload, recover a lost upload, or read the verdict."""
        move.ensure_one()
        if move.state != "posted" or move.l10n_ro_efb_state not in PROCESSED_STATES:
            return
        connection = AnafConnection(move.company_id)
        try:
            if move.l10n_ro_edi_index:
                self._follow(move, connection)
            elif move.l10n_ro_efb_upload_pending_since and self._recover(move, connection):
                return
            else:
                self._upload(move, connection)
        except AnafTemporaryError as exc:
            self._wait(move, exc.message, exc.reason)
        except AnafAuthError as exc:
            self._wait(
                move,
                self.env._(
                    "ANAF refused the credentials (%(error)s). A manager must generate a new "
                    "token in the settings; sending resumes by itself afterwards.",
                    error=exc.message,
                ),
                "auth",
            )
        except AnafRightsError as exc:
            self._unauthorized(move, exc)
        except (AnafRequestRefused, AnafUnexpectedResponse) as exc:
            self._wait(move, exc.message, "unexpected")

    # -- upload ------------------------------------------------------------------

    def _upload(self, move, connection):
        xml, errors = self.env["account.edi.xml.ubl_ro"]._export_invoice(move)
        problems = sorted(errors) or precheck(self.env, xml, move)
        if problems:
            self._refuse(move, problems, invalid=True)
            return
        partner = move.commercial_partner_id
        b2c = partner._l10n_ro_efb_is_consumer()
        # Business buyers without a Romanian CUI are flagged "extern" as ANAF asks.
        extern = not b2c and partner.country_id.code not in (False, "RO")
        standard = "CN" if move.move_type == "out_refund" else "UBL"
        move.l10n_ro_efb_upload_pending_since = fields.Datetime.now()
        self._commit(move)
        try:
            index = connection.call(
                lambda client: client.upload(
                    xml, move.company_id.vat, b2c=b2c, standard=standard, extern=extern
                )
            )
        except (AnafOutcomeUnknown, AnafUnexpectedResponse) as exc:
            # The document may be registered: only the message list can tell.
            self._mirror(move, "not_indexed", attachment=xml)
            self._wait(
                move,
                self.env._(
                    "ANAF's answer to the upload was lost (%(error)s). The invoice will be looked "
                    "up in ANAF's message list before any new upload.",
                    error=exc.message,
                ),
                "lost_answer",
            )
            return
        except AnafUploadRejected as exc:
            move.l10n_ro_efb_upload_pending_since = False
            self._refuse(move, exc.messages)
            return
        except Exception:
            # Nothing was registered (temporary error, refused token...): no recovery needed.
            move.l10n_ro_efb_upload_pending_since = False
            raise
        self._sent(move, index, xml)

    def _sent(self, move, index, xml):
        move.write(
            {
                "l10n_ro_edi_index": index,
                "l10n_ro_efb_state": "sent",
                "l10n_ro_efb_message": False,
                "l10n_ro_efb_upload_pending_since": False,
                "l10n_ro_efb_uploaded_at": fields.Datetime.now(),
                "l10n_ro_efb_attempts": 0,
            }
        )
        self._mirror(move, "sent", attachment=xml)
        move.message_post(
            body=self.env._("e-Factura sent to ANAF with index %(index)s.", index=index)
        )
        self._schedule(move, fields.Datetime.now() + FIRST_STATUS_DELAY)

    # -- lost answers --------------------------------------------------------------

    def _recover(self, move, connection):
        """Look for a lost upload at ANAF; ``True`` when handled, ``False`` to upload again."""
        pending_since = move.l10n_ro_efb_upload_pending_since
        days = min(60, (fields.Datetime.now() - pending_since).days + 1)
        known = (move.l10n_ro_efb_rejected_indexes or "").split()
        match = connection.call(
            lambda client: client.reconcile_upload(
                move.company_id.vat, move.name, days=days, known_indexes=known
            )
        )
        if match:
            move.write(
                {"l10n_ro_edi_index": match.index, "l10n_ro_efb_upload_pending_since": False}
            )
            move.message_post(
                body=self.env._(
                    "The lost upload was found at ANAF with index %(index)s; it was not sent "
                    "again.",
                    index=match.index,
                )
            )
            self._accept(move, match.download)
            return True
        window = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(PARAM_LOST_UPLOAD_WINDOW, DEFAULT_LOST_UPLOAD_WINDOW)
        )
        if fields.Datetime.now() - pending_since < timedelta(minutes=window):
            self._wait(
                move,
                self.env._(
                    "The invoice does not show in ANAF's message list yet; the lost upload may "
                    "still be processing. It is not sent again before %(limit)s.",
                    limit=fields.Datetime.to_string(pending_since + timedelta(minutes=window)),
                ),
                "lost_answer",
            )
            return True
        # Not accepted within the window: never registered, or refused (no legal effect).
        move.l10n_ro_efb_upload_pending_since = False
        move.l10n_ro_edi_document_ids.sudo().unlink()
        return False

    # -- verdict ---------------------------------------------------------------------

    def _follow(self, move, connection):
        result = connection.call(lambda client: client.status(move.l10n_ro_edi_index))
        state = result.state
        if state == StatusState.TEMPORARY_ERROR:
            self._wait(move, "; ".join(result.messages), result.reason)
        elif state == StatusState.IN_PROGRESS:
            attempts = move.l10n_ro_efb_attempts + 1
            move.write(
                {
                    "l10n_ro_efb_state": "sent",
                    "l10n_ro_efb_attempts": attempts,
                    "l10n_ro_efb_message": False,
                }
            )
            self._schedule(move, fields.Datetime.now() + verdict_poll_delay(attempts))
        elif state == StatusState.XML_ERRORS_NOT_TAKEN:
            self._refuse(move, [XML_ERRORS_NOT_TAKEN])
        else:
            download = connection.call(lambda client: client.download(result.download_id))
            if state == StatusState.OK:
                self._accept(move, download)
            else:
                messages = [error.text for error in download.errors] or [
                    self.env._("ANAF refused the invoice without giving a reason.")
                ]
                self._refuse(move, messages, download=download)

    def _accept(self, move, download):
        index = move.l10n_ro_edi_index
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{move.name.replace('/', '_')}_anaf_{index}.zip",
                    "raw": download.zip_bytes,
                    "mimetype": "application/zip",
                    "res_model": "account.move",
                    "res_id": move.id,
                }
            )
        )
        move.write(
            {
                "l10n_ro_efb_state": "accepted",
                "l10n_ro_efb_message": False,
                "l10n_ro_efb_attempts": 0,
                "l10n_ro_efb_next_try": False,
                "l10n_ro_efb_zip_id": attachment.id,
                "l10n_ro_efb_late": False,
            }
        )
        self._mirror(move, "validated", download=download)
        feedback_automated_activities(
            move, ["mail.mail_activity_data_todo"], self.env._("Accepted by ANAF.")
        )
        # no_new_invoice: the signed archive is ANAF's receipt, not a document to
        # read into the invoice (17.0/18.0 would try, and say so in the chatter).
        move.with_context(no_new_invoice=True).message_post(
            body=self.env._(
                "e-Factura accepted by ANAF (index %(index)s); the signed archive is attached.",
                index=index,
            ),
            attachment_ids=attachment.ids,
        )

    def _refuse(self, move, messages, download=None, invalid=False):
        """The invoice must be fixed: show why, and open an activity for the accountant."""
        text = "\n".join(messages)
        index = move.l10n_ro_edi_index
        values = {
            "l10n_ro_efb_state": "invalid" if invalid else "rejected",
            "l10n_ro_efb_message": text,
            "l10n_ro_efb_attempts": 0,
            "l10n_ro_efb_next_try": False,
        }
        if index:
            known = (move.l10n_ro_efb_rejected_indexes or "").split()
            values["l10n_ro_efb_rejected_indexes"] = " ".join([*known, index])
        move.write(values)
        if not invalid:
            self._mirror(move, "refused", message=text, download=download)
        if invalid:
            summary = self.env._("e-Factura: fix the invoice before sending")
            body = self.env._("The invoice was not sent to ANAF: %(errors)s", errors=text)
        else:
            summary = self.env._("e-Factura rejected by ANAF")
            body = self.env._("ANAF rejected the e-Factura: %(errors)s", errors=text)
        move.message_post(body=body)
        responsible = move._l10n_ro_efb_responsible()
        if responsible:
            move.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=text,
                user_id=responsible.id,
            )

    def _unauthorized(self, move, error):
        """ANAF refused the company's rights, not the invoice: rest until a manager fixes them.

        No automatic retry (every call would be refused the same way) and no
        accountant activity (the invoice is fine); the state says what to fix
        and Retry resumes from where the invoice stands at ANAF.
        """
        entering = move.l10n_ro_efb_state != "unauthorized"
        move.write(
            {
                "l10n_ro_efb_state": "unauthorized",
                "l10n_ro_efb_message": self.env._(
                    "ANAF refused access for CIF %(cif)s: %(error)s",
                    cif=move.company_id.vat,
                    error=error.message,
                ),
                "l10n_ro_efb_attempts": 0,
                "l10n_ro_efb_next_try": False,
            }
        )
        if entering:
            move.message_post(
                body=self.env._(
                    "e-Factura blocked: the company's ANAF authorisation has no SPV rights for "
                    "its CIF (%(error)s). The invoice itself needs no change.",
                    error=error.message,
                )
            )

    # -- waiting -----------------------------------------------------------------------

    def _wait(self, move, message, reason):
        """A temporary failure: keep the invoice as it is at ANAF and try again later."""
        now = fields.Datetime.now()
        attempts = move.l10n_ro_efb_attempts + 1
        next_try = after_daily_limit(now) if reason == "daily_limit" else now + backoff(attempts)
        entering = move.l10n_ro_efb_state != "waiting"
        move.write(
            {
                "l10n_ro_efb_state": "waiting",
                "l10n_ro_efb_message": message,
                "l10n_ro_efb_attempts": attempts,
            }
        )
        if entering:
            move.message_post(
                body=self.env._(
                    "e-Factura waiting after a temporary problem at ANAF: %(message)s",
                    message=message,
                )
            )
        _logger.info("e-Factura of %s waits until %s (%s)", move.name, next_try, reason)
        self._schedule(move, next_try)

    # -- helpers -----------------------------------------------------------------------

    def _schedule(self, move, when):
        move.l10n_ro_efb_next_try = when
        move._l10n_ro_efb_schedule(eta=when)

    def _commit(self, move):
        """Make the "upload in flight" mark durable before the document leaves."""
        if move._can_commit():
            self.env.cr.commit()

    def _mirror(self, move, outcome, attachment=None, message=None, download=None):
        """Write the outcome the way core's ``l10n_ro_edi`` does, for its UI and filters
        (``outcome``: sent, not_indexed, refused, validated; named per series in compat)."""
        keys = {}
        if download:
            signature_value, certificate = _signature_keys(download.signature)
            keys = {
                "download_id": download.download_id,
                "signature": signature_value,
                "certificate": certificate,
            }
            attachment = download.signature or download.zip_bytes
        mirror_core_document(move, outcome, attachment=attachment, message=message, **keys)
