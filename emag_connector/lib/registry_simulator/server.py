"""HTTP server, state and routes of the registries' sandbox (see the package docstring)."""

import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from lxml import etree

from .wsdl import VIES_TYPES_NS, wsdl_text

ANAF_PATH = "/api/PlatitorTvaRest/v9/tva"
VIES_WSDL_PATH = "/vies/checkVatService.wsdl"
VIES_ENDPOINT_PATH = "/vies/services/checkVatService"
ANAF_MAX_CUIS = 100
HTML_PAGE = (
    b"<html><head><title>Request Rejected</title></head>"
    b"<body>The requested URL was rejected.</body></html>"
)
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def anaf_record(
    cui,
    name,
    *,
    vat_payer=True,
    inactive=False,
    efactura=True,
    vat_on_cash=False,
    street="",
    number="",
    city="",
    county="",
    county_code="",
    zip="",
    nr_reg="",
    details="",
):
    """One ``found[]`` item of ANAF's v9 answer."""
    address = ", ".join(part for part in (f"{street} {number}".strip(), city, county) if part)
    return {
        "date_generale": {
            "cui": int(cui),
            "data": "",
            "denumire": name,
            "adresa": address,
            "nrRegCom": nr_reg,
            "telefon": "",
            "codPostal": zip,
            "stare_inregistrare": "RADIERE" if inactive else "INREGISTRAT din data 01.03.2012",
            "data_inregistrare": "2012-03-01",
            "statusRO_e_Factura": efactura,
            "forma_juridica": "SOCIETATE COMERCIALĂ CU RĂSPUNDERE LIMITATĂ",
        },
        "inregistrare_scop_Tva": {
            "scpTVA": vat_payer,
            "perioade_TVA": [{"data_inceput_ScpTVA": "2012-03-01"}] if vat_payer else [],
        },
        "inregistrare_RTVAI": {"statusTvaIncasare": vat_on_cash},
        "stare_inactiv": {
            "statusInactivi": inactive,
            "dataInactivare": "2025-01-10" if inactive else "",
        },
        "inregistrare_SplitTVA": {"statusSplitTVA": False},
        "adresa_sediu_social": {
            "sdenumire_Strada": street,
            "snumar_Strada": number,
            "sdenumire_Localitate": city,
            "sdenumire_Judet": county,
            "scod_JudetAuto": county_code,
            "stara": "România",
            "sdetalii_Adresa": details,
            "scod_Postal": zip,
        },
    }


DEFAULT_NAMES = (
    "ALFA DISTRIBUTIE SRL",
    "CARPATI TRADE SRL",
    "DELTA SERVICII SRL",
    "OMEGA CONSTRUCT SRL",
    "NORD COMERT SRL",
    "TRANSILVANIA TECH SRL",
)


def default_company(cui):
    """An active VAT payer for a CUI nobody added (``known_by_default``)."""
    return anaf_record(
        cui,
        DEFAULT_NAMES[int(cui) % len(DEFAULT_NAMES)],
        street="Str. Horea",
        number=str(int(cui) % 90 + 1),
        city="Cluj-Napoca",
        county="CLUJ",
        county_code="CJ",
        zip="400174",
    )


class RegistrySimulator:
    """ANAF's VAT registry and VIES on one loopback port.

    :param anaf_min_interval: seconds ANAF wants between two requests; a faster
        caller gets HTTP 429 (``0``: no limit)
    :param known_by_default: every CUI not added is an active VAT payer and
        every VAT number not added is valid (benchmarks, generated orders)
    """

    def __init__(self, host="127.0.0.1", port=0, *, anaf_min_interval=0.0, known_by_default=False):
        self.host = host
        self.port = port
        self.anaf_min_interval = anaf_min_interval
        self.known_by_default = known_by_default
        self._lock = threading.Lock()
        self._server = None
        self._thread = None
        self.reset()

    # ------------------------------------------------------------------ state

    def reset(self):
        with getattr(self, "_lock", threading.Lock()):
            self.companies = {}
            self.vat_numbers = {}
            self.faults = {"anaf": [], "vies": []}
            self.unavailable_states = set()
            self.calls = {"anaf": 0, "vies": 0, "anaf_cuis": 0}
            self._anaf_last = 0.0

    def add_company(self, cui, name, **values):
        """Put a company in ANAF's registry (see :func:`anaf_record`)."""
        with self._lock:
            number = int(str(cui).upper().removeprefix("RO"))
            self.companies[str(number)] = anaf_record(number, name, **values)

    def add_vat_number(self, vat, valid=True, name="", address=""):
        """Make VIES know a VAT number (with its prefix, ``EL`` for Greece)."""
        with self._lock:
            self.vat_numbers[vat.upper().replace(" ", "")] = {
                "valid": valid,
                "name": name,
                "address": address,
            }

    def add_fault(self, service, kind, count=1):
        """The next ``count`` calls of ``service`` fail with ``kind``.

        ANAF: ``down`` (503), ``html`` (the firewall page, HTTP 200),
        ``rate_limited`` (429), ``invalid_request`` (400). VIES: ``down`` (an
        HTML 503) or a fault string (``MS_UNAVAILABLE``, ``SERVICE_UNAVAILABLE``,
        ``GLOBAL_MAX_CONCURRENT_REQ``, ``INVALID_INPUT``...).
        """
        with self._lock:
            self.faults[service].extend([kind] * count)

    def _next_fault(self, service):
        with self._lock:
            return self.faults[service].pop(0) if self.faults[service] else None

    # ----------------------------------------------------------------- server

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def anaf_url(self):
        return self.base_url + ANAF_PATH

    @property
    def vies_wsdl_url(self):
        return self.base_url + VIES_WSDL_PATH

    def start(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = simulator.handle(method, self.path, body)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def wait(self):
        self._thread.join()

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ----------------------------------------------------------------- routes

    def handle(self, method, path, body):
        """``(status, headers, body bytes)`` for one request; mountable elsewhere."""
        route = urlsplit(path).path
        if route == ANAF_PATH and method == "POST":
            return self._anaf(body)
        if route == VIES_WSDL_PATH and method == "GET":
            text = wsdl_text(self.base_url + VIES_ENDPOINT_PATH)
            return 200, {"Content-Type": "text/xml; charset=utf-8"}, text.encode()
        if route == VIES_ENDPOINT_PATH and method == "POST":
            return self._vies(body)
        if route.startswith("/_sim/"):
            return self._control(method, route[len("/_sim/") :], body)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    @staticmethod
    def _json(status, data, headers=None):
        return (
            status,
            {"Content-Type": "application/json", **(headers or {})},
            json.dumps(data).encode(),
        )

    def _anaf(self, body):
        with self._lock:
            self.calls["anaf"] += 1
            now = time.monotonic()
            too_fast = self.anaf_min_interval and now - self._anaf_last < self.anaf_min_interval
            self._anaf_last = now
        fault = self._next_fault("anaf") or ("rate_limited" if too_fast else None)
        if fault == "down":
            return (
                503,
                {"Content-Type": "text/html"},
                b"<html><body>Service Unavailable</body></html>",
            )
        if fault == "html":
            return 200, {"Content-Type": "text/html"}, HTML_PAGE
        if fault == "rate_limited":
            return self._json(
                429, {"cod": 429, "message": "Too Many Requests"}, {"Retry-After": "1"}
            )
        try:
            asked = json.loads(body or b"null")
            if fault == "invalid_request" or not isinstance(asked, list) or not asked:
                raise ValueError("Cererea nu este valida")
            if len(asked) > ANAF_MAX_CUIS:
                raise ValueError(f"Maxim {ANAF_MAX_CUIS} de CUI-uri pe cerere")
            pairs = [(int(item["cui"]), date.fromisoformat(item["data"])) for item in asked]
        except (ValueError, TypeError, KeyError) as error:
            return self._json(400, {"cod": 400, "message": str(error) or "Cererea nu este valida"})
        found, not_found = [], []
        with self._lock:
            self.calls["anaf_cuis"] += len(pairs)
            for cui, on_date in pairs:
                record = self.companies.get(str(cui))
                if record is None and self.known_by_default:
                    record = anaf_record(
                        cui,
                        f"FIRMA {cui} SRL",
                        street="Str. Exemplu",
                        number="1",
                        city="Cluj-Napoca",
                        county="CLUJ",
                        county_code="CJ",
                        zip="400001",
                    )
                if record is None:
                    not_found.append(cui)
                    continue
                record = json.loads(json.dumps(record))
                record["date_generale"]["data"] = on_date.isoformat()
                found.append(record)
        return self._json(
            200, {"cod": 200, "message": "SUCCESS", "found": found, "notFound": not_found}
        )

    def _vies(self, body):
        with self._lock:
            self.calls["vies"] += 1
        fault = self._next_fault("vies")
        if fault == "down":
            return (
                503,
                {"Content-Type": "text/html"},
                b"<html><body>Service Unavailable</body></html>",
            )
        try:
            root = etree.fromstring(body)
        except etree.XMLSyntaxError:
            return self._soap_fault("INVALID_INPUT")
        request = root.find(f"{{{SOAP_ENV}}}Body")[0]
        operation = etree.QName(request).localname

        def field(name):
            node = request.find(f"{{{VIES_TYPES_NS}}}{name}")
            return (node.text or "").strip() if node is not None else ""

        country, number = field("countryCode").upper(), field("vatNumber").upper()
        if fault:
            return self._soap_fault(fault)
        if len(country) != 2 or not country.isalpha() or not number or not number.isalnum():
            return self._soap_fault("INVALID_INPUT")
        if (
            operation == "checkVatApprox"
            and field("requesterCountryCode")
            and not field("requesterVatNumber")
        ):
            return self._soap_fault("INVALID_REQUESTER_INFO")
        if country in self.unavailable_states:
            return self._soap_fault("MS_UNAVAILABLE")
        unknown = {"valid": self.known_by_default, "name": "", "address": ""}
        known = self.vat_numbers.get(f"{country}{number}", unknown)
        valid = known["valid"]
        name = escape(known["name"] or "---") if valid else "---"
        address = escape(known["address"] or "---") if valid else "---"
        today = date.today().isoformat()
        if operation == "checkVatApprox":
            with self._lock:
                identifier = f"WAPIAAAA{self.calls['vies']:08d}"
            inner = (
                f"<countryCode>{country}</countryCode><vatNumber>{number}</vatNumber>"
                f"<requestDate>{today}</requestDate><valid>{str(valid).lower()}</valid>"
                f"<traderName>{name}</traderName><traderAddress>{address}</traderAddress>"
                f"<requestIdentifier>{identifier}</requestIdentifier>"
            )
        else:
            inner = (
                f"<countryCode>{country}</countryCode><vatNumber>{number}</vatNumber>"
                f"<requestDate>{today}</requestDate><valid>{str(valid).lower()}</valid>"
                f"<name>{name}</name><address>{address}</address>"
            )
        xml = (
            f'<env:Envelope xmlns:env="{SOAP_ENV}"><env:Header/><env:Body>'
            f'<ns2:{operation}Response xmlns:ns2="{VIES_TYPES_NS}">'
            + inner.replace("<", "<ns2:").replace("<ns2:/", "</ns2:")
            + f"</ns2:{operation}Response></env:Body></env:Envelope>"
        )
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, xml.encode()

    @staticmethod
    def _soap_fault(code):
        xml = (
            f'<env:Envelope xmlns:env="{SOAP_ENV}"><env:Header/><env:Body><env:Fault>'
            f"<faultcode>env:Server</faultcode><faultstring>{escape(code)}</faultstring>"
            "</env:Fault></env:Body></env:Envelope>"
        )
        return 500, {"Content-Type": "text/xml; charset=utf-8"}, xml.encode()

    def _control(self, method, route, body):
        data = json.loads(body or b"{}") if method == "POST" else {}
        if route == "calls":
            with self._lock:
                return self._json(200, dict(self.calls))
        if route == "reset" and method == "POST":
            self.reset()
        elif route == "anaf/companies" and method == "POST":
            for company in data.get("companies", []):
                company = dict(company)
                self.add_company(company.pop("cui"), company.pop("name"), **company)
        elif route == "vies/numbers" and method == "POST":
            for entry in data.get("numbers", []):
                self.add_vat_number(**entry)
        elif route == "vies/unavailable" and method == "POST":
            with self._lock:
                self.unavailable_states = {code.upper() for code in data.get("states", [])}
        elif route == "faults" and method == "POST":
            self.add_fault(data["service"], data["kind"], int(data.get("count", 1)))
        else:
            return self._json(404, {"error": f"unknown control {method} {route}"})
        return self._json(200, {"ok": True})
