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

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

# Enough to read an error or a batch of offers; a 50-order page is cut.
MAX_BODY_CHARS = 20_000


def as_text(body):
    """``body`` as stored in the log: JSON for objects, cut past :data:`MAX_BODY_CHARS`."""
    if body is None:
        return False
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, default=str)
    if len(text) > MAX_BODY_CHARS:
        text = f"{text[:MAX_BODY_CHARS]}… ({len(text) - MAX_BODY_CHARS} more characters)"
    return text


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
