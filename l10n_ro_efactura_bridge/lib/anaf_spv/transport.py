"""One HTTP exchange with ANAF: timing, the call hook, secret redaction, error mapping.

Shared by :class:`~anaf_spv.AnafOAuth` and :class:`~anaf_spv.AnafClient` so
both report their calls the same way and never leak a token or a secret.
"""

import json
import logging
import re
import time
from dataclasses import dataclass, field

import requests
from urllib3.exceptions import ConnectTimeoutError

from .errors import (
    AnafAuthError,
    AnafRequestRefused,
    AnafTemporaryError,
    AnafUnexpectedResponse,
)

_logger = logging.getLogger(__name__)

REDACTED = "***"
EXCERPT_CHARS = 2000
# Form fields and JSON keys whose values never leave the client un-masked.
SECRET_FIELDS = frozenset({"client_secret", "refresh_token", "access_token", "code"})
_CREDENTIAL_RE = re.compile(r"\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+", re.IGNORECASE)


@dataclass(frozen=True)
class CallRecord:
    """What the call hook receives after every HTTP exchange (already redacted).

    :ivar route: ``token``, ``upload``, ``uploadb2c``, ``stareMesaj``,
        ``descarcare``, ``listaMesajeFactura`` or ``listaMesajePaginatieFactura``
    :ivar method: HTTP method
    :ivar url: URL without query string
    :ivar params: query parameters (none of them is secret)
    :ivar status: HTTP status, ``None`` when no answer arrived
    :ivar duration: seconds spent, answer or failure included
    :ivar request: ``{"headers": {...}, "body": "..."}``, secrets masked
    :ivar response: body excerpt (secrets masked; ``<ZIP archive, N bytes>`` for ZIPs)
    :ivar error: the transport failure (timeout, dropped connection), if any
    """

    route: str
    method: str
    url: str
    params: dict = field(default_factory=dict)
    status: int | None = None
    duration: float = 0.0
    request: dict = field(default_factory=dict)
    response: str = ""
    error: str | None = None


def redact_text(text, secrets=()):
    """Mask ``Basic``/``Bearer`` credentials, secret fields and literal secrets in ``text``."""
    text = _CREDENTIAL_RE.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    for name in SECRET_FIELDS:
        # form encoded: name=value ; JSON: "name": "value"
        text = re.sub(rf"(\b{name}=)[^&\s]*", rf"\g<1>{REDACTED}", text)
        text = re.sub(rf'("{name}"\s*:\s*")[^"]*', rf"\g<1>{REDACTED}", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _excerpt(body, secrets):
    if body is None:
        return ""
    if isinstance(body, bytes):
        if body[:2] == b"PK":
            return f"<ZIP archive, {len(body)} bytes>"
        body = body.decode("utf-8", "replace")
    if len(body) > EXCERPT_CHARS:
        body = body[:EXCERPT_CHARS] + f"... <{len(body)} chars>"
    return redact_text(body, secrets)


def _nothing_sent(exc):
    """Whether a transport failure happened before the request could reach ANAF."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    # NewConnectionError (refused, DNS) subclasses ConnectTimeoutError in urllib3 2.
    return isinstance(reason, ConnectTimeoutError)


class Transport:
    """Sends requests, reports them to the hook and maps HTTP-level failures."""

    def __init__(self, session=None, timeout=(10, 60), call_hook=None):
        self.session = session or requests.Session()
        self.timeout = timeout
        self.call_hook = call_hook

    def send(self, route, method, url, *, params=None, headers=None, data=None, secrets=()):
        """Perform one exchange; return the :class:`requests.Response`.

        Transport failures propagate as :class:`requests.RequestException`
        with an ``anaf_nothing_sent`` attribute telling whether the request
        can have reached ANAF (callers decide between "retry" and "outcome
        unknown").
        """
        headers = dict(headers or {})
        started = time.monotonic()
        response = error = None
        try:
            response = self.session.request(
                method, url, params=params, headers=headers, data=data, timeout=self.timeout
            )
            return response
        except requests.RequestException as exc:
            exc.anaf_nothing_sent = _nothing_sent(exc)
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            self._report(
                route, method, url, params, headers, data, response, error, started, secrets
            )

    def _report(self, route, method, url, params, headers, data, response, error, started, secrets):
        if not self.call_hook:
            return
        shown_headers = {
            name: REDACTED if name.lower() == "authorization" else value
            for name, value in headers.items()
        }
        record = CallRecord(
            route=route,
            method=method,
            url=url,
            params=dict(params or {}),
            status=response.status_code if response is not None else None,
            duration=time.monotonic() - started,
            request={"headers": shown_headers, "body": _excerpt(data, secrets)},
            response=_excerpt(response.content, secrets) if response is not None else "",
            error=redact_text(error, secrets) if error else None,
        )
        try:
            self.call_hook(record)
        except Exception:  # logging must never break an e-Factura call
            _logger.exception("ANAF call hook failed for %s", route)


def raise_for_http_status(response, route):
    """Map statuses other than 200 to the taxonomy; return ``None`` for 200."""
    status = response.status_code
    if status == 200:
        return
    message = _error_text(response) or f"HTTP {status}"
    kwargs = {"http_status": status, "route": route}
    if status in (401, 403):
        raise AnafAuthError(message, **kwargs)
    if status == 429:
        raise AnafTemporaryError(message, reason="rate_limit", **kwargs)
    if status == 204:
        # Not in ANAF's documentation; Odoo's l10n_ro_edi reads it as "quota reached".
        raise AnafTemporaryError("ANAF answered without content", reason="daily_limit", **kwargs)
    if status >= 500:
        raise AnafTemporaryError(message, reason="server_error", **kwargs)
    if status == 400:
        raise AnafRequestRefused(message, **kwargs)
    raise AnafUnexpectedResponse(message, **kwargs)


def _error_text(response):
    """ANAF's message from a ``CustomErrorMessage`` or OAuth error body, if any."""
    try:
        payload = response.json()
    except ValueError:
        return response.text[:200].strip()
    if not isinstance(payload, dict):
        return ""
    return str(
        payload.get("message")
        or payload.get("eroare")
        or payload.get("error_description")
        or payload.get("error")
        or ""
    )


def json_payload(response, route):
    """The decoded JSON object of a 200 answer, or :class:`AnafUnexpectedResponse`."""
    try:
        payload = json.loads(response.content)
    except ValueError:
        raise AnafUnexpectedResponse(
            f"expected JSON, got: {response.text[:200]!r}",
            http_status=response.status_code,
            route=route,
        ) from None
    if not isinstance(payload, dict):
        raise AnafUnexpectedResponse(
            "expected a JSON object", http_status=response.status_code, route=route
        )
    return payload
