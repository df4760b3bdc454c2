"""Record every ANAF SPV call in the connector's API log, next to eMAG's.

The SPV client hands each exchange to its call hook already redacted (no
Authorization header, client secret or token: see ``lib/anaf_spv/transport.py``).
The lines carry the company whose ANAF session made the call; ANAF calls
belong to no eMAG account.
"""

import json
import logging

from odoo.addons.emag_connector.services.common.api_log import as_text, store_call

_logger = logging.getLogger(__name__)


def outcome(record):
    """``"ok"`` or, in the log's words, what went wrong."""
    if record.error:
        return "no answer"
    if record.status == 200:
        return "ok"
    return f"HTTP {record.status}"


class AnafCallRecorder:
    """The SPV clients' ``call_hook`` for one company."""

    def __init__(self, company):
        self.env = company.env
        self.company_id = company.id

    def __call__(self, record):
        _logger.debug(
            "ANAF %s %s -> %s in %.2fs%s",
            record.method,
            record.route,
            record.status,
            record.duration,
            f" ({record.error})" if record.error else "",
        )
        request = {"url": record.url, "params": record.params, **record.request}
        response = record.response
        if record.error:
            response = f"{record.error}\n{response}".strip()
        store_call(
            self.env,
            {
                "company_id": self.company_id,
                "service": "anaf",
                "method": record.method,
                "route": record.route,
                "http_status": record.status or 0,
                "duration_ms": round(record.duration * 1000),
                "outcome": outcome(record),
                "request_body": as_text(json.dumps(request, ensure_ascii=False, default=str)),
                "response_body": as_text(response) or False,
            },
        )
