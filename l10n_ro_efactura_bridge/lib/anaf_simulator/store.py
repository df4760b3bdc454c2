"""In-memory state of the simulated SPV: clients, tokens, uploads, faults, counters.

Everything here is guarded by the simulator's lock; the HTTP handler and the
processing worker only touch it through :class:`Store` methods.
"""

import base64
import json
import secrets
import time
from dataclasses import dataclass, field

# Upload ``standard`` values ANAF accepts.
STANDARDS = ("UBL", "CN", "CII", "RASP")
API_ROUTES = (
    "upload",
    "uploadb2c",
    "stareMesaj",
    "descarcare",
    "listaMesajeFactura",
    "listaMesajePaginatieFactura",
)
FAULT_KINDS = ("http_error", "timeout", "lost_answer", "daily_limit", "rate_limit")
VERDICTS = ("ok", "nok", "xml_errors")

# Official quotas (limiteApeluriAPI.txt); the simulator counts them per day.
DEFAULT_LIMITS = {
    "per_minute": 1000,  # all API calls, HTTP 429 above
    "rasp_per_cif": 1000,  # RASP uploads per CIF per day
    "stareMesaj": 100,  # per upload index per day
    "descarcare": 10,  # per download id per day
    "listaMesajeFactura": 1500,  # per CIF per day
    "listaMesajePaginatieFactura": 100_000,  # per CIF per day
}


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims):
    """A JWT-shaped token (ANAF issues RS512 JWTs); the signature is random bytes."""
    header = _b64url(json.dumps({"alg": "RS512", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(claims).encode())
    return f"{header}.{payload}.{_b64url(secrets.token_bytes(32))}"


@dataclass
class Upload:
    """One document received by ``upload``/``uploadb2c`` and given an index."""

    index: str
    cif: str
    standard: str
    b2c: bool
    flags: dict
    xml: bytes
    received_at: float
    delay_polls: int
    delay_seconds: float
    facts: dict
    verdict: str | None = None  # set once processed: ok / nok / xml_errors
    findings: list = field(default_factory=list)
    download_id: str | None = None
    forced: bool = False
    looks: int = 0  # stareMesaj and list queries that could have revealed the verdict

    def observe(self):
        self.looks += 1

    def visible_verdict(self, now):
        """The verdict a caller may see now, ``None`` while still "in prelucrare"."""
        if self.verdict is None or self.looks <= self.delay_polls:
            return None
        if now - self.received_at < self.delay_seconds:
            return None
        return self.verdict

    def snapshot(self, with_xml=False):
        data = {
            "index": self.index,
            "cif": self.cif,
            "standard": self.standard,
            "b2c": self.b2c,
            "flags": dict(self.flags),
            "received_at": self.received_at,
            "verdict": self.verdict,
            "download_id": self.download_id,
            "forced": self.forced,
            "looks": self.looks,
            "invoice_number": self.facts.get("number"),
            "errors": [
                {"rule_id": finding.rule_id, "message": finding.anaf_message()}
                for finding in self.findings
            ],
        }
        if with_xml:
            data["xml"] = self.xml.decode("utf-8", "replace")
        return data


@dataclass
class Fault:
    """An injected failure; ``remaining=None`` means until cleared."""

    route: str
    kind: str
    remaining: int | None = 1
    status: int = 500
    seconds: float = 2.0


class Store:
    def __init__(self, clients, access_ttl, refresh_ttl, limits):
        self.clients = dict(clients)
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.access_tokens = {}  # token -> (client_id, expires_at)
        self.refresh_tokens = {}  # token -> (client_id, expires_at)
        self.codes = {}  # code -> (client_id, redirect_uri, expires_at)
        self.uploads = {}  # index -> Upload
        self.by_download = {}  # download id -> Upload
        self.faults = []
        self.forced_next = []  # (verdict, findings) for the next uploads
        self.counters = {}  # (scope, key, day) -> count
        self.minute_calls = []  # timestamps of recent API calls
        self._next_index = 5_000_000_000
        self._next_download = 3_000_000_000

    # -- identifiers -----------------------------------------------------

    def new_index(self):
        self._next_index += 1
        return str(self._next_index)

    def new_download_id(self):
        self._next_download += 1
        return str(self._next_download)

    # -- OAuth -----------------------------------------------------------

    def issue_tokens(self, client_id, issuer):
        now = time.time()
        claims = {"iss": issuer, "sub": client_id, "iat": int(now), "jti": secrets.token_hex(8)}
        access = make_jwt({**claims, "exp": int(now + self.access_ttl), "scope": "efactura"})
        refresh = make_jwt({**claims, "exp": int(now + self.refresh_ttl), "typ": "refresh"})
        self.access_tokens[access] = (client_id, now + self.access_ttl)
        self.refresh_tokens[refresh] = (client_id, now + self.refresh_ttl)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": int(self.access_ttl),
            "scope": "efactura",
        }

    def access_token_state(self, token):
        """``"valid"``, ``"expired"`` or ``"unknown"``."""
        entry = self.access_tokens.get(token)
        if not entry:
            return "unknown"
        return "valid" if entry[1] > time.time() else "expired"

    def expire_access_tokens(self):
        past = time.time() - 1
        self.access_tokens = {
            token: (client, past) for token, (client, _expiry) in self.access_tokens.items()
        }

    # -- faults ----------------------------------------------------------

    def take_fault(self, route, kinds):
        """Consume and return the first armed fault of ``kinds`` for ``route``."""
        for fault in self.faults:
            if fault.kind in kinds and fault.route in (route, "*"):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    # -- quotas ----------------------------------------------------------

    def count(self, scope, key):
        """Count one call against a daily quota; return ``(count, limit)``."""
        slot = (scope, key, time.strftime("%Y-%m-%d"))
        self.counters[slot] = self.counters.get(slot, 0) + 1
        return self.counters[slot], self.limits[scope]

    def over_minute_limit(self):
        now = time.time()
        self.minute_calls = [moment for moment in self.minute_calls if now - moment < 60]
        self.minute_calls.append(now)
        return len(self.minute_calls) > self.limits["per_minute"]
