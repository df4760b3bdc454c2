"""EU VIES ``checkVat`` through ``zeep``.

VIES knows a VAT number by its country code (the VAT prefix: Greece is
``EL``) and the number without it. ``checkVatApprox`` also returns the
consultation number (``requestIdentifier``) a seller keeps as proof that it
checked the buyer; it needs the seller's own VAT number, so without one the
plain ``checkVat`` is asked.

python-stdnum builds and validates the number (``stdnum.eu.vat``); its own
``check_vies`` has the WSDL address fixed, so the client talks to zeep
directly with a configurable WSDL (a sandbox's in tests and the demo).

SOAP faults name the reason: the busy or absent ones (``MS_UNAVAILABLE``,
``SERVICE_UNAVAILABLE``, ``TIMEOUT``, ``SERVER_BUSY``,
``MS_MAX_CONCURRENT_REQ``, ``GLOBAL_MAX_CONCURRENT_REQ``) mean "ask again
later"; ``INVALID_INPUT`` means the number cannot be asked about.
"""

import threading
from dataclasses import dataclass

import requests
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumValidationError

from .errors import RegistryInputError, RegistryUnavailableError

VIES_WSDL_URL = "https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl"
SERVICE = "vies"
TRY_LATER_FAULTS = frozenset(
    {
        "SERVICE_UNAVAILABLE",
        "MS_UNAVAILABLE",
        "TIMEOUT",
        "SERVER_BUSY",
        "MS_MAX_CONCURRENT_REQ",
        "GLOBAL_MAX_CONCURRENT_REQ",
        "VAT_BLOCKED",
        "IP_BLOCKED",
    }
)
INPUT_FAULTS = frozenset({"INVALID_INPUT", "INVALID_REQUESTER_INFO"})


@dataclass
class ViesAnswer:
    """VIES's answer for one VAT number."""

    country_code: str
    number: str
    valid: bool
    name: str = ""
    address: str = ""
    request_date: str = ""
    request_identifier: str = ""

    @property
    def vat(self):
        return f"{self.country_code}{self.number}"


def vies_parts(vat_number, country_code=""):
    """``(VIES country code, number)`` of a VAT number with or without its prefix.

    :param country_code: the buyer's ISO country, used when the number has no prefix
    :raises RegistryInputError: not the shape of an EU VAT number
    """
    text = "".join(str(vat_number or "").split()).upper()
    if not text[:2].isalpha() and country_code:
        text = f"{country_code.upper()}{text}"
    try:
        raw = eu_vat.validate(text)
    except StdnumValidationError as error:
        raise RegistryInputError(
            f"'{vat_number}' is not a valid EU VAT number ({error.message})",
            service=SERVICE,
            code="INVALID_INPUT",
        ) from None
    prefix = raw[:2].upper()
    return ("EL" if prefix == "GR" else prefix), raw[2:]


class ViesClient:
    """Asks VIES whether a VAT number is valid.

    :param wsdl: the WSDL address; the SOAP endpoint is the one it declares
    :param timeout: seconds per request
    :param requester: the seller's own VAT number (with prefix), to get a
        consultation number; empty: plain ``checkVat``
    """

    _clients = {}
    _lock = threading.Lock()

    def __init__(self, wsdl=VIES_WSDL_URL, *, timeout=20, requester=""):
        self.wsdl = wsdl
        self.timeout = timeout
        self.requester = requester

    def _client(self):
        # zeep reads and compiles the WSDL: once per address and process.
        import zeep
        from zeep.transports import Transport

        key = (self.wsdl, self.timeout)
        with ViesClient._lock:
            client = ViesClient._clients.get(key)
            if client is None:
                session = requests.Session()
                transport = Transport(
                    session=session, timeout=self.timeout, operation_timeout=self.timeout
                )
                client = zeep.Client(self.wsdl, transport=transport)
                ViesClient._clients[key] = client
        return client

    def check(self, vat_number, country_code=""):
        """A :class:`ViesAnswer` (``valid`` False when VIES does not confirm it).

        :raises RegistryInputError: the number cannot be asked about
        :raises RegistryUnavailableError: VIES or the member state cannot answer now
        """
        import zeep.exceptions

        prefix, number = vies_parts(vat_number, country_code)
        try:
            service = self._client().service
            if self.requester:
                requester_cc, requester_number = vies_parts(self.requester)
                reply = service.checkVatApprox(
                    countryCode=prefix,
                    vatNumber=number,
                    requesterCountryCode=requester_cc,
                    requesterVatNumber=requester_number,
                )
                name, address = reply["traderName"], reply["traderAddress"]
                identifier = reply["requestIdentifier"]
            else:
                reply = service.checkVat(countryCode=prefix, vatNumber=number)
                name, address, identifier = reply["name"], reply["address"], ""
        except zeep.exceptions.Fault as fault:
            code = (fault.message or "").strip().upper()
            if code in INPUT_FAULTS:
                raise RegistryInputError(
                    f"VIES refused the number {prefix}{number}: {code}", service=SERVICE, code=code
                ) from None
            raise RegistryUnavailableError(
                f"VIES cannot answer now: {code or 'SOAP fault'}", service=SERVICE, code=code
            ) from None
        except (zeep.exceptions.Error, requests.RequestException, OSError, ValueError) as error:
            # Transport errors, an HTML page instead of SOAP, a WSDL that did not load.
            with ViesClient._lock:
                ViesClient._clients.pop((self.wsdl, self.timeout), None)
            raise RegistryUnavailableError(
                f"VIES cannot be reached: {error.__class__.__name__}",
                service=SERVICE,
                code="UNREACHABLE",
            ) from None
        return ViesAnswer(
            country_code=prefix,
            number=number,
            valid=bool(reply["valid"]),
            name=_clean(name),
            address=_clean(address),
            request_date=str(reply["requestDate"] or ""),
            request_identifier=identifier or "",
        )


def _clean(value):
    """VIES writes ``---`` where a member state shares no name or address."""
    text = " ".join(str(value or "").split())
    return "" if text.strip("-") == "" else text
