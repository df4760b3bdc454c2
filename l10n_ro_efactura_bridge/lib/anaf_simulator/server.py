"""The simulated ANAF SPV e-Factura service: HTTP server, routes and test controls.

Routes served (``<env>`` is ``test`` or ``prod``, both behave the same):

* ``GET /anaf-oauth2/v1/authorize`` and ``POST /anaf-oauth2/v1/token``
  (authorization_code and refresh_token grants; refresh rotates the refresh token);
* ``POST /<env>/FCTEL/rest/upload`` and ``.../uploadb2c``;
* ``GET /<env>/FCTEL/rest/stareMesaj``, ``descarcare``, ``listaMesajeFactura``,
  ``listaMesajePaginatieFactura`` (Bearer token required);
* ``/_sim/...``: JSON control API for tests (faults, delays, verdicts, uploads).

Processing is asynchronous like ANAF's: an accepted upload is queued, one
worker thread runs the rules, and ``stareMesaj`` reveals the verdict only
after the configured delay (seconds and/or number of status polls).
"""

import logging
import queue
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .control import ControlRoutes
from .judge import Finding, Judge, document_facts
from .oauth_routes import CODE_TTL, OAUTH_PREFIX, OAuthRoutes
from .replies import DROP, error_reply
from .spv_routes import SpvRoutes
from .store import API_ROUTES, FAULT_KINDS, VERDICTS, Fault, Store, Upload

_logger = logging.getLogger(__name__)

DEFAULT_CLIENT_ID = "anaf-sim-client"
DEFAULT_CLIENT_SECRET = "anaf-sim-secret"
API_ENVIRONMENTS = ("test", "prod")
FORCED_NOK_FINDING = Finding("SIM-FORCED", "Factura respinsa la cererea testului (simulator).")


class AnafSimulator(OAuthRoutes, SpvRoutes, ControlRoutes):
    """A local ANAF SPV e-Factura service.

    :param host: interface to bind; keep ``127.0.0.1`` in tests
    :param port: TCP port, ``0`` picks a free one
    :param clients: ``{client_id: client_secret}`` of the registered OAuth apps
    :param cifs: CIFs the token holder has SPV rights on; ``None`` = any CIF
    :param processing_polls: status/list queries answered "in prelucrare"
        before the verdict shows
    :param processing_seconds: minimum age of an upload before its verdict shows
    :param validation_dir: a rule pack folder; ``None`` takes
        ``$ANAF_SIM_VALIDATION_DIR``, else the rules shipped with the bridge
    :param use_official_rules: ``False`` forces the built-in checks
    :param access_token_ttl: seconds (ANAF: 90 days)
    :param refresh_token_ttl: seconds (ANAF: 365 days)
    :param limits: overrides of :data:`store.DEFAULT_LIMITS`
    :param page_size: messages per page of ``listaMesajePaginatieFactura`` (ANAF: 500)
    :param retention_days: days a message can be downloaded (ANAF: 60)
    :param max_upload_bytes: upload size limit (ANAF: 10 MB)
    """

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        *,
        clients=None,
        cifs=None,
        processing_polls=1,
        processing_seconds=0.0,
        validation_dir=None,
        use_official_rules=True,
        access_token_ttl=90 * 86400,
        refresh_token_ttl=365 * 86400,
        limits=None,
        page_size=500,
        retention_days=60,
        max_upload_bytes=10 * 1024 * 1024,
    ):
        self.host = host
        self.port = port
        self.cifs = None if cifs is None else {str(cif) for cif in cifs}
        self.page_size = page_size
        self.retention_days = retention_days
        self.max_upload_bytes = max_upload_bytes
        self._delay = {"polls": processing_polls, "seconds": processing_seconds}
        self._store = Store(
            clients or {DEFAULT_CLIENT_ID: DEFAULT_CLIENT_SECRET},
            access_token_ttl,
            refresh_token_ttl,
            limits,
        )
        self._judge = Judge(validation_dir, use_official_rules)
        self._lock = threading.RLock()
        self._queue = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._stopping = threading.Event()
        self._server = None
        self._threads = []

    # -- life cycle --------------------------------------------------------

    def start(self):
        """Start serving in background threads; return the base URL."""
        if self._server:
            return self.base_url
        self._stopping.clear()
        self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._server.daemon_threads = True
        self._server.simulator = self
        self.port = self._server.server_address[1]
        self._threads = [
            threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},  # quick stop() in tests
                name="anaf-sim-http",
                daemon=True,
            ),
            threading.Thread(target=self._work, name="anaf-sim-worker", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        _logger.info("ANAF simulator on %s (%s rules)", self.base_url, self.validation_mode)
        return self.base_url

    def stop(self):
        """Stop the server and the worker; requests still sleeping in a fault give up."""
        if not self._server:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
        self._server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    def api_url(self, environment="test"):
        """Base of the REST API, the sandbox twin of ``https://api.anaf.ro/<env>/FCTEL/rest``."""
        return f"{self.base_url}/{environment}/FCTEL/rest"

    @property
    def oauth_url(self):
        """Twin of ``https://logincert.anaf.ro/anaf-oauth2/v1``."""
        return f"{self.base_url}{OAUTH_PREFIX}"

    @property
    def validation_mode(self):
        """``"official"`` (UBL XSD + CIUS-RO schematron) or ``"builtin"``."""
        return self._judge.mode

    # -- control API (also exposed under /_sim/) ----------------------------

    def set_fault(self, route, kind, *, count=1, status=500, seconds=2.0):
        """Arm a failure for the next ``count`` calls of ``route`` (``None`` = until cleared).

        :param route: ``token``, an API route (``upload``, ``uploadb2c``,
            ``stareMesaj``, ``descarcare``, ``listaMesajeFactura``,
            ``listaMesajePaginatieFactura``) or ``"*"`` for every API route
        :param kind: ``http_error`` (answer ``status``), ``timeout`` (answer
            only after ``seconds``), ``lost_answer`` (process the call, then
            drop the connection: an upload is registered but its index never
            reaches the caller), ``daily_limit`` (ANAF's daily-quota answer of
            the route), ``rate_limit`` (HTTP 429)
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if route not in (*API_ROUTES, "token", "*"):
            raise ValueError(f"unknown route {route!r}")
        with self._lock:
            self._store.faults.append(Fault(route, kind, count, int(status), float(seconds)))

    def clear_faults(self):
        with self._lock:
            self._store.faults.clear()

    def set_delay(self, *, seconds=None, polls=None):
        """Processing delay of the documents uploaded from now on."""
        with self._lock:
            if seconds is not None:
                self._delay["seconds"] = float(seconds)
            if polls is not None:
                self._delay["polls"] = int(polls)

    def uploads(self):
        """Snapshots (dicts) of every upload that received an index, oldest first."""
        with self._lock:
            return [upload.snapshot() for upload in self._store.uploads.values()]

    def upload(self, index):
        """Snapshot of one upload including its XML text; ``KeyError`` if unknown."""
        with self._lock:
            return self._store.uploads[str(index)].snapshot(with_xml=True)

    def force_verdict(self, verdict, *, index=None, errors=None):
        """Impose ``ok``, ``nok`` or ``xml_errors`` on an upload, or on the next one.

        :param index: upload to judge; ``None`` applies to the next upload
        :param errors: for ``nok``: ``(rule_id, text)`` pairs shown in the
            error document (default: one simulator-specific finding)
        """
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}; expected one of {VERDICTS}")
        findings = [Finding(str(rule), str(text)) for rule, text in errors or ()]
        if verdict == "nok" and not findings:
            findings = [FORCED_NOK_FINDING]
        with self._lock:
            if index is None:
                self._store.forced_next.append((verdict, findings))
                return
            upload = self._store.uploads[str(index)]
            upload.forced = True
            self._settle(upload, verdict, findings if verdict == "nok" else [])

    def file_supplier_invoice(self, xml_bytes):
        """A supplier files ``xml_bytes`` at ANAF and it is accepted; return its index.

        The document's buyer (its ``AccountingCustomerParty`` CIF) then finds it
        as ``FACTURA PRIMITA`` in its message lists and may download it, which
        is what a buyer's "synchronize with ANAF" imports as a vendor bill. The
        supplier needs no token here: it is not the party under test.
        """
        facts = document_facts(xml_bytes)
        if not facts.get("issuer_cif") or not facts.get("buyer_cif"):
            raise ValueError("a supplier invoice needs the supplier's and the buyer's CIF")
        standard = "CN" if facts.get("root") == "CreditNote" else "UBL"
        with self._lock:
            upload = Upload(
                index=self._store.new_index(),
                cif=facts["issuer_cif"],
                standard=standard,
                b2c=False,
                flags={},
                xml=bytes(xml_bytes),
                received_at=time.time(),
                delay_polls=0,
                delay_seconds=0.0,
                facts=facts,
                forced=True,
            )
            self._store.uploads[upload.index] = upload
            self._settle(upload, "ok", [])
        return upload.index

    def issue_tokens(self, client_id=None):
        """Tokens as the token endpoint would return them, without the OAuth dance."""
        client_id = client_id or next(iter(self._store.clients))
        with self._lock:
            return self._store.issue_tokens(client_id, self.oauth_url)

    def authorization_code(self, redirect_uri, client_id=None):
        """A code as ``authorize`` would send to ``redirect_uri`` after the certificate prompt."""
        client_id = client_id or next(iter(self._store.clients))
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._store.codes[code] = (client_id, redirect_uri, time.time() + CODE_TTL)
        return code

    def expire_access_tokens(self):
        """Make every access token issued so far expired (refresh tokens stay valid)."""
        with self._lock:
            self._store.expire_access_tokens()

    def wait_idle(self, timeout=30.0):
        """Wait until every accepted upload went through the rules; return whether it did."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def reset(self):
        """Forget uploads, faults, forced verdicts and quota counters (tokens stay valid)."""
        with self._lock:
            store = self._store
            store.uploads.clear()
            store.by_download.clear()
            store.faults.clear()
            store.forced_next.clear()
            store.counters.clear()
            store.minute_calls.clear()

    # -- processing worker ---------------------------------------------------

    def _work(self):
        while True:
            index = self._queue.get()
            if index is None:
                return
            try:
                with self._lock:
                    upload = self._store.uploads.get(index)
                    todo = upload and not upload.forced
                if todo:
                    try:
                        verdict, findings = self._judge.process(upload.xml, upload.standard)
                    except Exception:  # a broken validator must not kill the simulator
                        _logger.exception("ANAF simulator: validating upload %s failed", index)
                        verdict, findings = "xml_errors", []
                    with self._lock:
                        if not upload.forced:
                            self._settle(upload, verdict, findings)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _settle(self, upload, verdict, findings):
        upload.verdict = verdict
        upload.findings = list(findings)
        if verdict in ("ok", "nok") and not upload.download_id:
            upload.download_id = self._store.new_download_id()
            self._store.by_download[upload.download_id] = upload
        elif verdict == "xml_errors" and upload.download_id:
            self._store.by_download.pop(upload.download_id, None)
            upload.download_id = None

    # -- request dispatch ------------------------------------------------------

    def handle(self, method, path, query, headers, body):
        """Answer one HTTP request: a :class:`Reply` or :data:`DROP`."""
        if path.startswith("/_sim/"):
            return self._control(method, path[len("/_sim/") :], body)
        if path == f"{OAUTH_PREFIX}/authorize" and method == "GET":
            return self._authorize(query)
        if path == f"{OAUTH_PREFIX}/token" and method == "POST":
            return self._with_faults("token", lambda: self._token(headers, body))
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[0] in API_ENVIRONMENTS and parts[1:3] == ["FCTEL", "rest"]:
            route = parts[3]
            if route in API_ROUTES:
                expected = "POST" if route.startswith("upload") else "GET"
                if method != expected:
                    return error_reply(405, "Method Not Allowed", f"{method} not supported")
                return self._with_faults(
                    route, lambda: self._api(route, query, headers, body), api=True
                )
        return error_reply(404, "Not Found", f"No handler for {path}")

    def _with_faults(self, route, answer, api=False):
        """Run ``answer()`` (which builds the Reply) inside the faults armed for ``route``."""
        with self._lock:
            delayed = self._store.take_fault(route, ("timeout",))
        if delayed:
            self._stopping.wait(delayed.seconds)
        with self._lock:
            fault = self._store.take_fault(route, ("http_error", "rate_limit"))
            if api and not fault and self._store.over_minute_limit():
                fault = Fault(route, "rate_limit")
        if fault and fault.kind == "rate_limit":
            # The body of ANAF's 429 is not documented; the gateway shape is reused.
            return error_reply(429, "Too Many Requests", "Limita de apeluri pe minut depasita")
        if fault:
            return error_reply(fault.status, "Server Error", "A aparut o eroare tehnica.")
        reply = answer()
        with self._lock:
            lost = self._store.take_fault(route, ("lost_answer",))
        return DROP if lost else reply


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AnafSpvSimulator/1.0"

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.server.simulator.handle(method, url.path, query, self.headers, body)
        if reply is DROP:
            # The work is done but the caller never learns it: close without a byte.
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            # The caller gave up (e.g. its timeout fired during a ``timeout`` fault).
            self.close_connection = True

    def log_message(self, fmt, *args):
        _logger.debug("%s - %s", self.address_string(), fmt % args)
