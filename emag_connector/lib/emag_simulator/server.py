"""HTTP layer: routing, gateway behaviour (rate limits, faults), auth, dispatch.

Request pipeline, in the order the real stack applies it:

1. route resolution — unknown paths get the gateway's 404 ``{"message": "Invalid URL"}``,
   a known path with a wrong method gets 405;
2. rate limiting (gateway, keyed by the Basic-auth user) — 429 Kong body;
3. injected faults (see ``faults``);
4. authentication — 403 envelope; IP whitelist — 200 envelope with ``isError``;
5. body parsing and the 4000 input-variable limit;
6. the route handler, under the state lock.

``/api-3`` prefixes every API route; ``awb/read_pdf`` and ``awb/read_zpl``
are also served without it (the doc's example omits it). ``/_sim/...`` is the
control API (see ``control``), never rate limited nor authenticated.
"""

import base64
import binascii
import contextlib
import json
import logging
import socket
import threading
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import awb, control, invoices, market, nomenclatures, offers, orders, rma
from .faults import GATEWAY_MESSAGES
from .protocol import (
    MAX_INPUT_VARS,
    ApiError,
    error,
    json_response,
    parse_body,
    read_filters,
    save_entities,
)
from .ratelimit import bucket_for

_logger = logging.getLogger(__name__)

ROUTES = {
    **orders.ROUTES,
    **awb.ROUTES,
    **offers.ROUTES,
    **rma.ROUTES,
    **nomenclatures.ROUTES,
    **market.ROUTES,
    **invoices.ROUTES,
}
API_PREFIX = "/api-3"
UNPREFIXED_ROUTES = {"awb/read_pdf", "awb/read_zpl"}
NOT_ALLOWED = "You are not allowed to use this API."


def resolve(path):
    """``(route key, path params)`` for an API path, or None."""
    if path.startswith(API_PREFIX + "/"):
        rest, prefixed = path[len(API_PREFIX) + 1 :], True
    else:
        rest, prefixed = path.lstrip("/"), False
    parts = [p for p in rest.split("/") if p]
    if len(parts) == 3 and parts[:2] == ["order", "acknowledge"]:
        key, params = "order/acknowledge", {"id": parts[2]}
    elif len(parts) == 3 and parts[0] == "order" and parts[2] == "unlock-courier":
        key, params = "order/unlock-courier", {"id": parts[1]}
    elif len(parts) == 2 and parts[0] == "offer_stock":
        key, params = "offer_stock", {"id": parts[1]}
    elif len(parts) == 3 and parts[:2] == ["commission", "estimate"]:
        key, params = "commission/estimate", {"id": parts[2]}
    else:
        key, params = "/".join(parts), {}
    if key not in ROUTES or (not prefixed and key not in UNPREFIXED_ROUTES):
        return None
    return key, params


@dataclass
class RecordedRequest:
    """One API request as received (control calls are not recorded)."""

    method: str
    path: str
    route: str
    query: dict
    body: object
    username: str
    client_ip: str
    at: str
    status: int = None
    headers: dict = field(default_factory=dict)

    def as_dict(self):
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


class RequestContext:
    """What a route handler sees of the request."""

    def __init__(self, state, account, method, route, params, query, payload):
        self.state = state
        self.account = account
        self.method = method
        self.route = route
        self.params = params
        self.query = query
        self.payload = payload

    def filters(self):
        """Query parameters (GET label downloads, ``?language=``) under body filters."""
        merged = dict(self.query)
        merged.update(read_filters(self.payload, self.state.strict))
        return merged

    def entities(self):
        return save_entities(self.payload, self.state.strict)


class _Drop(Exception):
    """Close the connection without answering."""


def _basic_auth(header):
    """(username, password) from an Authorization header, or (None, None)."""
    if not header or not header.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    username, _sep, password = decoded.partition(":")
    return username, password


class SimulatorRequestHandler(BaseHTTPRequestHandler):
    server_version = "eMAG-Simulator/1.0"
    protocol_version = "HTTP/1.1"
    # Headers and body are written separately; without TCP_NODELAY each keep-alive
    # response would wait ~40 ms on Nagle + delayed ACK and distort rate-limit tests.
    disable_nagle_algorithm = True

    @property
    def sim(self):
        return self.server.simulator

    def log_message(self, format, *args):
        _logger.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self):
        self._handle()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    # ----------------------------------------------------------------- plumbing

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, response, extra_headers=None):
        self.send_response(response.status)
        headers = {**(extra_headers or {}), **response.headers}
        if response.content_type:
            charset = "; charset=utf-8" if response.content_type == "application/json" else ""
            self.send_header("Content-Type", response.content_type + charset)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _drop(self):
        """Close the socket without a reply (the client sees a reset/EOF)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _hold(self, seconds):
        """Keep the connection open, waking early when the simulator stops."""
        self.sim.stopping.wait(seconds)

    # ------------------------------------------------------------------ pipeline

    def _handle(self):
        raw = self._read_body()
        url = urlsplit(self.path)
        if url.path.startswith("/_sim/") or url.path == "/_sim":
            self._send(control.handle(self.sim, self.command, url.path, url.query, raw))
            return
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        username, password = _basic_auth(self.headers.get("Authorization"))
        record = RecordedRequest(
            method=self.command,
            path=url.path,
            route=None,
            query=query,
            body=_readable(raw),
            username=username,
            client_ip=self.client_address[0],
            at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            headers={k: v for k, v in self.headers.items() if k.lower() != "authorization"},
        )
        self.sim._log_request(record)
        try:
            response, rate_headers = self._api(record, url.path, query, raw, username, password)
        except _Drop:
            record.status = None
            self._drop()
            return
        record.status = response.status
        self._send(response, rate_headers)

    def _api(self, record, path, query, raw, username, password):
        resolved = resolve(path)
        if resolved is None:
            return json_response({"message": "Invalid URL"}, 404), {}
        route, params = resolved
        record.route = route
        methods, handler = ROUTES[route]
        if self.command not in methods:
            return json_response({"message": "Method Not Allowed"}, 405), {}

        allowed, rate_headers = self.sim.rate_limiter.hit(username or "-", bucket_for(route))
        if not allowed:
            return json_response({"message": "API rate limit exceeded"}, 429), rate_headers

        commit_then_timeout = None
        for fault in self.sim.faults.triggered(route, username):
            if fault.kind == "latency":
                self._hold(fault.delay)
            elif fault.kind == "error":
                body = {"message": GATEWAY_MESSAGES[fault.status]}
                return json_response(body, fault.status), rate_headers
            elif fault.kind == "rate_limit":
                return json_response({"message": "API rate limit exceeded"}, 429), {
                    **rate_headers,
                    "Retry-After": "1",
                }
            elif fault.kind == "timeout":
                self._hold(fault.delay)
                raise _Drop
            elif fault.kind == "drop":
                raise _Drop
            elif fault.kind == "commit_then_timeout":
                commit_then_timeout = fault

        response = self._dispatch(route, params, query, raw, username, password, handler)
        if commit_then_timeout:
            self._hold(commit_then_timeout.delay)
            raise _Drop
        return response, rate_headers

    def _dispatch(self, route, params, query, raw, username, password, handler):
        state = self.sim.state
        account = state.accounts.get(username or "")
        if account is None or account.password != password:
            return json_response({"isError": True, "messages": [NOT_ALLOWED], "results": []}, 403)
        client_ip = self.client_address[0]
        if account.refuse_ip or (
            account.allowed_ips is not None and client_ip not in account.allowed_ips
        ):
            return error([f"ERROR: Invalid vendor ip [{account.refuse_ip or client_ip}]"])
        try:
            payload = parse_body(raw, self.headers.get("Content-Type"))
            if payload.input_vars > MAX_INPUT_VARS:
                raise ApiError(f"Maximum input vars of {MAX_INPUT_VARS} exceeded")
            context = RequestContext(state, account, self.command, route, params, query, payload)
            with state.lock:
                return handler(context)
        except ApiError as exc:
            return error(exc.messages)
        except Exception:  # a simulator bug must still answer, like a real 500
            _logger.error("Simulator failure on %s:\n%s", route, traceback.format_exc())
            return json_response({"message": "Internal simulator error"}, 500)


def _readable(raw):
    """The body as JSON if possible, else as text (for the request record)."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, simulator):
        super().__init__(address, SimulatorRequestHandler)
        self.simulator = simulator


def serve_in_thread(server):
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.02},
        name="emag-sim-http",
        daemon=True,
    )
    thread.start()
    return thread
