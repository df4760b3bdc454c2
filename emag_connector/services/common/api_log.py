"""Record every eMAG (and ANAF) call in ``emag.api.log``.

The clients hand each call to a hook as a redacted record. The hook writes it
on a cursor of its own, committed at once: the call happened whatever becomes
of the transaction that made it, and a failing job is exactly when its log is
needed. An account (or, for ANAF, a company) that its own transaction has not
committed yet (created and used in one go, as tests do) is invisible to that
cursor; its calls are then logged in the caller's transaction, where it exists.
"""

import json
import logging
import re

from lxml import etree

from odoo import SUPERUSER_ID, api

from ...lib.emag_api.redaction import REDACTED

_logger = logging.getLogger(__name__)

# Enough to read an error or a batch of offers; a 50-order page is cut.
MAX_BODY_CHARS = 20_000


# The token of a public document link (``emag.document.link``) opens the PDF
# to anyone until it expires: a log reader must not be able to reuse it.
_DOCUMENT_TOKEN_RE = re.compile(r"(/emag/document/)[^/?#\s\"'<>]+?(\.pdf)")


def as_text(body):
    """``body`` as stored in the log: indented JSON or XML, document tokens
    redacted, cut past :data:`MAX_BODY_CHARS`."""
    if body is None:
        return False
    text = _DOCUMENT_TOKEN_RE.sub(rf"\g<1>{REDACTED}\g<2>", pretty(body))
    if len(text) > MAX_BODY_CHARS:
        text = f"{text[:MAX_BODY_CHARS]}… ({len(text) - MAX_BODY_CHARS} more characters)"
    return text


def pretty(body):
    """``body`` indented for reading: objects and JSON text as JSON, XML text as
    XML; any other text as it is."""
    if not isinstance(body, str):
        return _json(body)
    stripped = body.strip()
    if stripped[:1] in ("{", "["):
        try:
            return _json(json.loads(stripped))
        except ValueError:
            return body
    if stripped.startswith("<"):
        return _xml(stripped) or body
    return body


def _json(value):
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _xml(text):
    """``text`` re-indented, its declaration kept; ``None`` when it is not XML."""
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(text.encode(), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    declaration = text.split("?>", 1)[0] + "?>\n" if text.startswith("<?xml") else ""
    return declaration + etree.tostring(root, pretty_print=True, encoding="unicode").rstrip("\n")


class ApiCallRecorder:
    """A client ``call_hook`` that stores each call of one account."""

    def __init__(self, account, service="emag"):
        self.env = account.env
        self.account_id = account.id
        self.company_id = account.company_id.id
        self.service = service

    def __call__(self, record):
        store_call(
            self.env,
            {
                "account_id": self.account_id,
                "company_id": self.company_id,
                "service": self.service,
                "method": record.method,
                "route": record.route,
                "http_status": record.http_status or 0,
                "duration_ms": record.duration_ms,
                "attempt": record.attempt,
                "outcome": record.outcome,
                "request_body": as_text(record.request_body),
                "response_body": as_text(record.response_body),
            },
        )


def store_call(env, values):
    """Write one ``emag.api.log`` line on a cursor of its own, committed at once.

    ``values`` are the log's field values, bodies already redacted (see
    :func:`as_text` to cut them). Never raises: losing a log line must not
    break the call it describes.
    """
    try:
        with env.registry.cursor() as cr:
            # The rows the line points to, as committed (see the module docstring).
            if values.get("account_id"):
                cr.execute("SELECT 1 FROM emag_account WHERE id = %s", [values["account_id"]])
            else:
                cr.execute("SELECT 1 FROM res_company WHERE id = %s", [values.get("company_id")])
            if cr.rowcount:
                api.Environment(cr, SUPERUSER_ID, {})["emag.api.log"].create(values)
                return
        env["emag.api.log"].sudo().create(values)
    except Exception:
        _logger.exception(
            "could not record the %s call %s", values.get("service"), values.get("route")
        )
