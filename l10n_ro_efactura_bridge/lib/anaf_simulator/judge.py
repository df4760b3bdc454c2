"""How the simulated SPV decides whether an uploaded document is accepted.

ANAF checks a document in two steps: the ``upload`` call validates it against
the UBL 2.1 schema and refuses it on the spot (``ExecutionStatus="1"``); an
asynchronous pass then runs the EN16931 + CIUS-RO schematron, whose verdict is
read through ``stareMesaj`` (``ok``/``nok``).

The simulator mirrors both steps with the official rules that ship with the
bridge (``ciusro_validator``), so a ``nok`` carries the real rule ids. Without
``saxonche``, or with ``use_official_rules=False``, a handful of built-in checks
stand in, and a log line says so.
"""

import logging
import os
import re
import threading
from dataclasses import dataclass

from lxml import etree

try:  # inside Odoo: odoo.addons.l10n_ro_efactura_bridge.lib.anaf_simulator
    from ..ciusro_validator import RulePack, Validator, saxon_available
except ImportError:  # standalone, with the bridge's lib/ on the path
    from ciusro_validator import RulePack, Validator, saxon_available

_logger = logging.getLogger(__name__)

VALIDATION_DIR_ENV = "ANAF_SIM_VALIDATION_DIR"
CIUS_RO_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"
UBL_NAMESPACES = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "Invoice",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "CreditNote",
}
# Which UBL root each upload ``standard`` announces; CII and RASP are only
# checked for well-formedness (the official rules cover UBL only).
STANDARD_ROOTS = {"UBL": "Invoice", "CN": "CreditNote"}
_COUNTIES = "AB AG AR B BC BH BN BR BT BV BZ CJ CL CS CT CV DB DJ GJ GL GR HD HR IF IL IS MH MM"
_COUNTIES += " MS NT OT PH SB SJ SM SV TL TM TR VL VN VS"
RO_COUNTY_CODES = frozenset("RO-" + code for code in _COUNTIES.split())
_NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}

# Process-wide: one validator per rule pack compiles the rules once per process.
# Its calls (Saxon and lxml) are serialised because several simulators may share it.
_validators = {}
_validators_lock = threading.Lock()
_rules_lock = threading.Lock()


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Finding:
    """One broken business rule, as ANAF reports it in the error document."""

    rule_id: str
    text: str

    def anaf_message(self):
        """The ``errorMessage`` ANAF writes for a schematron failure."""
        return f"E: validari globale  SCHEMATRON   eroare: [{self.rule_id}]-{self.text}"


def _shared_validator(rule_pack):
    with _validators_lock:
        if rule_pack.folder not in _validators:
            _validators[rule_pack.folder] = Validator(rule_pack)
        return _validators[rule_pack.folder]


def _upload_refusal(detail, line=1, column=1):
    # ANAF runs Xerces; its texts carry the Java exception name and position.
    return (
        "Fisierul transmis nu este valid. org.xml.sax.SAXParseException; "
        f"lineNumber: {line}; columnNumber: {column}; {detail}"
    )


class Judge:
    """Validates uploads with the official rules when available, else built-in checks.

    :param validation_dir: a rule pack folder (see ``ciusro_validator.RulePack``);
        ``None`` takes ``$ANAF_SIM_VALIDATION_DIR``, else the rules shipped with the bridge
    :param use_official_rules: ``False`` forces the built-in checks
    """

    def __init__(self, validation_dir=None, use_official_rules=True):
        self._validator = None
        builtin = "using built-in checks only: well-formedness, UBL root, BR-RO-001, BR-RO-010, "
        builtin += "BR-RO-020, BR-RO-110/111, BR-RO-120"
        if not use_official_rules:
            _logger.warning("ANAF simulator: official rules turned off; %s", builtin)
        elif not saxon_available():
            _logger.warning("ANAF simulator: saxonche is not installed; %s", builtin)
        else:
            rule_pack = RulePack.load(validation_dir or os.environ.get(VALIDATION_DIR_ENV))
            self._validator = _shared_validator(rule_pack)
            _logger.info(
                "ANAF simulator: official UBL 2.1 XSD + CIUS-RO %s rules from %s",
                rule_pack.version,
                rule_pack.folder,
            )

    @property
    def mode(self):
        """``"official"`` (XSD + schematron) or ``"builtin"``."""
        return "official" if self._validator else "builtin"

    # -- upload time -----------------------------------------------------

    def upload_errors(self, xml_bytes, standard):
        """Return the synchronous refusal message of ``upload``, or ``None`` when accepted."""
        try:
            root = etree.fromstring(xml_bytes, _parser())
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (1, 1)
            return _upload_refusal(exc.msg, line, column)
        if standard not in STANDARD_ROOTS:
            return None
        qname = etree.QName(root)
        root_name = UBL_NAMESPACES.get(qname.namespace)
        if root_name != qname.localname:
            return _upload_refusal(
                f"cvc-elt.1.a: Cannot find the declaration of element '{qname.localname}'.",
                root.sourceline or 1,
            )
        if not self._validator:
            return None
        with _rules_lock:
            schema = self._validator.schema(root_name)
            valid = schema.validate(root)
            errors = list(schema.error_log)
        if valid:
            return None
        first = errors[0]
        return _upload_refusal(first.message, first.line, first.column)

    # -- asynchronous processing -----------------------------------------

    def process(self, xml_bytes, standard):
        """Return ``("ok"|"nok"|"xml_errors", findings)`` for an accepted upload.

        ``xml_errors`` is ANAF's "XML cu erori nepreluat de sistem": the
        document passed the upload checks but cannot be processed as the
        announced standard (e.g. an Invoice sent with ``standard=CN``).
        """
        root = etree.fromstring(xml_bytes, _parser())
        expected = STANDARD_ROOTS.get(standard)
        if expected is None:
            return "ok", []
        if etree.QName(root).localname != expected:
            return "xml_errors", []
        findings = self._official(xml_bytes) if self._validator else _builtin_findings(root)
        return ("nok" if findings else "ok"), findings

    def _official(self, xml_bytes):
        with _rules_lock:
            result = self._validator.validate(xml_bytes)
        findings = [
            Finding(error["id"] or "UNKNOWN", error["text"]) for error in result["rule_errors"]
        ]
        findings += [Finding("XSD", text) for text in result["xsd_errors"]]
        return findings


def _text(root, path):
    return (root.findtext(path, namespaces=_NS) or "").strip()


def _builtin_findings(root):
    """The few key CIUS-RO checks used when the official rules are not available."""
    findings = []
    if _text(root, "cbc:CustomizationID") != CIUS_RO_ID:
        findings.append(Finding("BR-RO-001", "Identificatorul specificatiei (BT-24) este gresit."))
    if not re.search(r"\d", _text(root, "cbc:ID")):
        findings.append(Finding("BR-RO-010", "Numarul facturii (BT-1) nu contine nicio cifra."))
    is_credit_note = etree.QName(root).localname == "CreditNote"
    type_code = _text(root, "cbc:CreditNoteTypeCode" if is_credit_note else "cbc:InvoiceTypeCode")
    allowed = {"381"} if is_credit_note else {"380", "384", "389", "751"}
    if type_code not in allowed:
        findings.append(
            Finding(
                "BR-RO-020_2" if is_credit_note else "BR-RO-020_1",
                f"Codul tipului facturii (BT-3) '{type_code}' nu este acceptat.",
            )
        )
    for rule_id, party in (
        ("BR-RO-110", "cac:AccountingSupplierParty"),
        ("BR-RO-111", "cac:AccountingCustomerParty"),
    ):
        address = f"{party}/cac:Party/cac:PostalAddress"
        if _text(root, f"{address}/cac:Country/cbc:IdentificationCode") == "RO" and (
            _text(root, f"{address}/cbc:CountrySubentity") not in RO_COUNTY_CODES
        ):
            findings.append(Finding(rule_id, "Subdiviziunea tarii nu este un cod ISO 3166-2:RO."))
    buyer = "cac:AccountingCustomerParty/cac:Party"
    if not (
        _text(root, f"{buyer}/cac:PartyLegalEntity/cbc:CompanyID")
        or _text(root, f"{buyer}/cac:PartyTaxScheme/cbc:CompanyID")
    ):
        findings.append(
            Finding("BR-RO-120", "Identificatorul Cumparatorului (BT-47 / BT-48) lipseste.")
        )
    return findings


def document_facts(xml_bytes):
    """Root name, invoice number, issuer CIF and buyer identifier, for lists and error files."""
    try:
        root = etree.fromstring(xml_bytes, _parser())
    except etree.XMLSyntaxError:
        return {}

    def party_id(party):
        base = f"{party}/cac:Party"
        value = _text(root, f"{base}/cac:PartyTaxScheme/cbc:CompanyID") or _text(
            root, f"{base}/cac:PartyLegalEntity/cbc:CompanyID"
        )
        return re.sub(r"^RO", "", value.replace(" ", ""), flags=re.IGNORECASE)

    return {
        "root": etree.QName(root).localname,
        "number": _text(root, "cbc:ID"),
        "issuer_cif": party_id("cac:AccountingSupplierParty"),
        "buyer_cif": party_id("cac:AccountingCustomerParty"),
    }
