"""Typed results of the SPV calls and the parsers of ANAF's answer documents."""

import enum
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

NS_UPLOAD = "mfp:anaf:dgti:spv:respUploadFisier:v1"
NS_STATUS = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
NS_ERRORS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"  # sic, ANAF's spelling
_UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

# Daily quota answers all start like this ("S-au facut deja 10 descarcari ...",
# "S-au incarcat deja 1000 de mesaje de tip RASP ..."); the numbers vary.
_LIMIT_RE = re.compile(r"^\s*S-au (facut|incarcat) deja\b", re.IGNORECASE)
_TECHNICAL_RE = re.compile(r"A aparut o eroare tehnica", re.IGNORECASE)
# Refusals for missing SPV rights, whatever the route: "Nu aveti drept in SPV
# pentru CIF=1234", "Nu exista niciun CIF pentru care sa aveti drept in SPV",
# "Nu exista niciun CIF petru care sa aveti drept" (sic), "Nu aveti dreptul de
# inteorgare pentru id_incarcare= 18" (sic), "Nu aveti dreptul sa descarcati ...".
_RIGHTS_RE = re.compile(r"\bNu aveti drept(ul)?\b|\bsa aveti drept\b", re.IGNORECASE)
_RULE_RE = re.compile(r"\[([A-Z][A-Za-z0-9_.-]*)\]")
_DETAIL_RE = {
    "issuer_cif": re.compile(r"cif_emitent=(\w+)"),
    "buyer_cif": re.compile(r"cif_beneficiar=(\w+)"),
}


def is_limit_message(text):
    return bool(_LIMIT_RE.search(text or ""))


def is_technical_message(text):
    return bool(_TECHNICAL_RE.search(text or ""))


def is_rights_message(text):
    return bool(_RIGHTS_RE.search(text or ""))


def parse_xml(content):
    """Parse an ANAF answer safely (no entities, no network); ``None`` when not XML."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return etree.fromstring(content, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def error_texts(root, namespace, tag):
    """``errorMessage`` attributes of ``tag`` children, read in ``namespace``.

    Elements with the right local name in another namespace are accepted as a
    fallback: a silently changed namespace must never turn a refusal into an
    empty message (Odoo 19 reads upload errors in the stareMesaj namespace).
    """
    found = root.findall(f"{{{namespace}}}{tag}") or [
        child for child in root if etree.QName(child).localname == tag
    ]
    return [element.get("errorMessage", "").strip() for element in found]


@dataclass(frozen=True)
class AnafMessage:
    """One message of ANAF, with the business rule id when it names one (``BR-RO-110``)."""

    text: str
    rule_id: str | None = None

    @classmethod
    def from_text(cls, text):
        match = _RULE_RE.search(text)
        return cls(text, match.group(1) if match else None)


class StatusState(enum.Enum):
    """Outcome of ``stareMesaj`` as the caller should act on it."""

    IN_PROGRESS = "in_progress"  # "in prelucrare": poll again later
    OK = "ok"  # accepted; download the signed invoice
    NOK = "nok"  # rejected by the rules; download the error list, fix, upload again
    XML_ERRORS_NOT_TAKEN = "xml_errors_not_taken"  # "XML cu erori nepreluat de sistem": terminal
    TEMPORARY_ERROR = "temporary_error"  # query failed (quota, 5xx, unknown index...): retry later


@dataclass(frozen=True)
class StatusResult:
    """Answer of :meth:`~anaf_spv.AnafClient.status`.

    :ivar state: a :class:`StatusState`
    :ivar download_id: ``id_descarcare`` for ``OK`` and ``NOK``
    :ivar messages: ANAF's texts for ``TEMPORARY_ERROR``
    :ivar reason: for ``TEMPORARY_ERROR``: ``daily_limit``, ``query_error``,
        ``server_error``, ``rate_limit``, ``timeout`` or ``connection``
    """

    state: StatusState
    download_id: str | None = None
    messages: tuple = ()
    reason: str | None = None

    @property
    def is_final(self):
        return self.state in (StatusState.OK, StatusState.NOK, StatusState.XML_ERRORS_NOT_TAKEN)


@dataclass(frozen=True)
class DownloadResult:
    """A ``descarcare`` archive, unpacked.

    :ivar download_id: the id asked for
    :ivar zip_bytes: the archive as received: store it, SPV purges after 60 days
    :ivar index: upload index, from the ``<index>.xml`` file name
    :ivar document: ``<index>.xml``: the invoice as uploaded (``ok``) or the
        error document (``nok``)
    :ivar signature: ``semnatura_<index>.xml`` (ANAF's XML-DSig), ``None`` if absent
    :ivar errors: parsed error document messages; empty for an accepted invoice
    """

    download_id: str
    zip_bytes: bytes
    index: str | None
    document: bytes
    signature: bytes | None
    errors: tuple = ()
    files: dict = field(default_factory=dict)

    @property
    def is_error_document(self):
        root = parse_xml(self.document)
        return root is not None and etree.QName(root).namespace == NS_ERRORS

    @property
    def invoice_number(self):
        """``cbc:ID`` of the signed invoice, ``None`` for an error document."""
        root = parse_xml(self.document)
        if root is None or self.is_error_document:
            return None
        return (root.findtext(f"{{{_UBL_CBC}}}ID") or "").strip() or None


def unpack_archive(download_id, content):
    """Build a :class:`DownloadResult` from ZIP bytes; ``None`` when not a ZIP."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return None
    with archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    signatures = [name for name in files if name.startswith("semnatura_")]
    documents = [name for name in files if name.endswith(".xml") and name not in signatures]
    if len(documents) != 1:
        return None
    name = documents[0]
    document = files[name]
    root = parse_xml(document)
    errors = ()
    if root is not None and etree.QName(root).namespace == NS_ERRORS:
        texts = error_texts(root, NS_ERRORS, "Error")
        errors = tuple(AnafMessage.from_text(text) for text in texts)
    return DownloadResult(
        download_id=str(download_id),
        zip_bytes=content,
        index=name[: -len(".xml")],
        document=document,
        signature=files[signatures[0]] if signatures else None,
        errors=errors,
        files=files,
    )


@dataclass(frozen=True)
class SpvMessage:
    """One entry of ``listaMesajeFactura`` / ``listaMesajePaginatieFactura``.

    :ivar id: download id (``descarcare?id=``)
    :ivar upload_index: ``id_solicitare``, the ``index_incarcare`` of the upload
    :ivar kind: ``tip``: ``FACTURA TRIMISA``, ``ERORI FACTURA``, ``FACTURA PRIMITA``...
    :ivar created_at: ``data_creare`` (naive, Europe/Bucharest, minute precision)
    :ivar issuer_cif: from ``detalii`` (the documented fields are often absent)
    :ivar buyer_cif: from ``detalii``
    """

    id: str
    upload_index: str | None
    cif: str
    kind: str
    details: str
    created_at: datetime | None
    issuer_cif: str | None = None
    buyer_cif: str | None = None

    @property
    def is_sent_invoice(self):
        return self.kind == "FACTURA TRIMISA"

    @property
    def is_error(self):
        return self.kind == "ERORI FACTURA"

    @classmethod
    def from_json(cls, item):
        details = str(item.get("detalii") or "")
        found = {key: pattern.search(details) for key, pattern in _DETAIL_RE.items()}
        found = {key: match.group(1) if match else None for key, match in found.items()}
        try:
            created = datetime.strptime(str(item.get("data_creare")), "%Y%m%d%H%M")
        except ValueError:
            created = None
        return cls(
            id=str(item.get("id")),
            upload_index=str(item["id_solicitare"]) if item.get("id_solicitare") else None,
            cif=str(item.get("cif") or ""),
            kind=str(item.get("tip") or ""),
            details=details,
            created_at=created,
            issuer_cif=item.get("cif_emitent") or found["issuer_cif"],
            buyer_cif=item.get("cif_beneficiar") or found["buyer_cif"],
        )


@dataclass(frozen=True)
class UploadMatch:
    """An accepted upload found by :meth:`~anaf_spv.AnafClient.reconcile_upload`."""

    index: str
    message: SpvMessage
    download: DownloadResult
