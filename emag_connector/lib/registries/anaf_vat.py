"""ANAF's registry of VAT payers: the synchronous ``PlatitorTvaRest`` v9 service.

``POST <url>`` with ``[{"cui": 123, "data": "YYYY-MM-DD"}]`` (at most 100 CUIs,
at most one request a second, no authentication) answers
``{"cod": 200, "message": "SUCCESS", "found": [...], "notFound": [...]}``.
Documentation: https://static.anaf.ro/static/10/Anaf/Informatii_R/Servicii_web/doc_WS_V9.txt

The service sits behind a firewall that may answer HTTP 200 with an HTML
page, and slows down at month ends: anything that is not ANAF's JSON is
"unavailable", never "not found".
"""

import threading
import time
from dataclasses import dataclass, field
from datetime import date

import requests

from .errors import RegistryInputError, RegistryUnavailableError

ANAF_VAT_URL = "https://webservicesp.anaf.ro/api/PlatitorTvaRest/v9/tva"
MAX_CUIS_PER_REQUEST = 100
MIN_INTERVAL = 1.0  # ANAF asks for at most one request per second
SERVICE = "anaf"


@dataclass
class AnafCompany:
    """What the registry says of one CUI at one date."""

    cui: str
    found: bool
    name: str = ""
    registry_number: str = ""
    vat_payer: bool = False
    vat_on_cash: bool = False
    inactive: bool = False
    efactura: bool = False
    registration_state: str = ""
    address: dict = field(default_factory=dict)
    address_text: str = ""


def _text(value):
    return str(value).strip() if value not in (None, "") else ""


def parse_company(item):
    """An :class:`AnafCompany` from one ``found[]`` item of the v9 answer."""
    general = item.get("date_generale") or {}
    seat = item.get("adresa_sediu_social") or {}
    street = " ".join(
        part
        for part in (_text(seat.get("sdenumire_Strada")), _text(seat.get("snumar_Strada")))
        if part
    )
    details = _text(seat.get("sdetalii_Adresa"))
    address = {
        "street": street,
        "street2": details,
        "city": _text(seat.get("sdenumire_Localitate")),
        "county": _text(seat.get("sdenumire_Judet")),
        "county_code": _text(seat.get("scod_JudetAuto")),
        "zip": _text(seat.get("scod_Postal")),
        "country": "RO",
    }
    return AnafCompany(
        cui=_text(general.get("cui")),
        found=True,
        name=_text(general.get("denumire")),
        registry_number=_text(general.get("nrRegCom")),
        vat_payer=bool((item.get("inregistrare_scop_Tva") or {}).get("scpTVA")),
        vat_on_cash=bool((item.get("inregistrare_RTVAI") or {}).get("statusTvaIncasare")),
        inactive=bool((item.get("stare_inactiv") or {}).get("statusInactivi")),
        efactura=bool(general.get("statusRO_e_Factura")),
        registration_state=_text(general.get("stare_inregistrare")),
        address=address if street or address["city"] else {},
        address_text=_text(general.get("adresa")),
    )


class AnafVatClient:
    """Asks ANAF's VAT registry about Romanian CUIs.

    :param url: the v9 endpoint (a sandbox's in tests and the demo)
    :param timeout: seconds per request
    :param session: a ``requests.Session`` to reuse
    :param min_interval: seconds between two requests of this process
    """

    _lock = threading.Lock()
    _last_call = 0.0

    def __init__(self, url=ANAF_VAT_URL, *, timeout=20, session=None, min_interval=MIN_INTERVAL):
        self.url = url
        self.timeout = timeout
        self.session = session or requests.Session()
        self.min_interval = min_interval

    def check(self, cuis, on_date=None):
        """``{cui: AnafCompany}`` for bare numeric CUIs (``"RO"`` stripped).

        :raises RegistryInputError: a CUI is not a number ANAF can read
        :raises RegistryUnavailableError: ANAF did not answer with its JSON
        """
        on_date = (on_date or date.today()).isoformat()
        numbers = []
        for cui in cuis:
            digits = str(cui).upper().removeprefix("RO").strip()
            if not digits.isdigit() or not 2 <= len(digits) <= 10:
                raise RegistryInputError(
                    f"'{cui}' is not a Romanian fiscal code", service=SERVICE, code="INVALID_INPUT"
                )
            numbers.append(digits)
        results = {}
        for start in range(0, len(numbers), MAX_CUIS_PER_REQUEST):
            chunk = numbers[start : start + MAX_CUIS_PER_REQUEST]
            body = self._post([{"cui": int(number), "data": on_date} for number in chunk])
            for item in body.get("found") or []:
                company = parse_company(item)
                results[company.cui] = company
            for missing in body.get("notFound") or []:
                key = _text(missing.get("cui") if isinstance(missing, dict) else missing)
                results[key] = AnafCompany(cui=key, found=False)
            for number in chunk:
                if number not in results:
                    # Neither found nor listed as missing: ANAF's answer is incomplete.
                    raise RegistryUnavailableError(
                        f"ANAF's answer says nothing of CUI {number}",
                        service=SERVICE,
                        code="PARTIAL",
                    )
        return results

    def _pace(self):
        with AnafVatClient._lock:
            wait = AnafVatClient._last_call + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            AnafVatClient._last_call = time.monotonic()

    def _post(self, payload):
        self._pace()
        try:
            response = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as error:
            raise RegistryUnavailableError(
                f"ANAF's VAT registry cannot be reached: {error.__class__.__name__}",
                service=SERVICE,
                code="UNREACHABLE",
            ) from error
        code = f"HTTP {response.status_code}"
        if response.status_code == 429:
            retry_after = response.headers.get("Retry-After")
            raise RegistryUnavailableError(
                "ANAF's VAT registry limits the rate of requests",
                service=SERVICE,
                code=code,
                retry_after=int(retry_after) if (retry_after or "").isdigit() else None,
            )
        if response.status_code >= 500:
            raise RegistryUnavailableError(
                f"ANAF's VAT registry is unavailable ({code})", service=SERVICE, code=code
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # The firewall's HTML page, often with HTTP 200.
            raise RegistryUnavailableError(
                f"ANAF's VAT registry answered something else than its JSON ({code})",
                service=SERVICE,
                code=code,
            )
        if response.status_code == 400 or body.get("cod") == 400:
            raise RegistryInputError(
                f"ANAF refused the request: {body.get('message') or code}",
                service=SERVICE,
                code="INVALID_INPUT",
            )
        if response.status_code != 200 or body.get("cod") != 200:
            raise RegistryUnavailableError(
                f"ANAF's VAT registry answered {body.get('cod')}: {body.get('message')}",
                service=SERVICE,
                code=str(body.get("cod") or code),
            )
        return body
