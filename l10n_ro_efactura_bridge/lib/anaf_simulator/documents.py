"""The documents the simulated SPV answers with, shaped like ANAF's.

Every builder returns bytes ready to be written on the wire. Namespaces,
attribute names and literal texts follow the official swagger examples and
real archives (see ``efactura.md`` §1.3–1.6 and §1.9); they are the contract
the client is tested against, so change them only when ANAF does.
"""

import base64
import hashlib
import io
import json
import zipfile
from datetime import datetime

from lxml import etree

NS_UPLOAD = "mfp:anaf:dgti:spv:respUploadFisier:v1"
NS_STATUS = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
NS_ERRORS = "mfp:anaf:dgti:efactura:mesajEroriFactuta:v1"  # sic, "Factuta" is ANAF's spelling
NS_DSIG = "http://www.w3.org/2000/09/xmldsig#"

# The simulator signs nothing for real: the signature file has the structure
# Odoo and the bridge read (digest, SignatureValue, X509Certificate) with
# values that cannot be mistaken for ANAF's.
_FAKE_CERTIFICATE = base64.b64encode(b"ANAF SPV SIMULATOR - NOT A CERTIFICATE").decode()


_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _xml(root):
    return _DECLARATION + etree.tostring(root, encoding="UTF-8")


def upload_answer(when, *, index=None, errors=()):
    """``upload``/``uploadb2c`` answer: accepted with an index, or refused with errors."""
    root = etree.Element(f"{{{NS_UPLOAD}}}header", nsmap={None: NS_UPLOAD})
    root.set("dateResponse", when.strftime("%Y%m%d%H%M"))
    root.set("ExecutionStatus", "1" if errors else "0")
    if index and not errors:
        root.set("index_incarcare", index)
    for message in errors:
        etree.SubElement(root, f"{{{NS_UPLOAD}}}Errors", errorMessage=message)
    return _xml(root)


def status_answer(*, state=None, download_id=None, errors=()):
    """``stareMesaj`` answer: ``stare`` (+ ``id_descarcare``), or query errors without ``stare``."""
    root = etree.Element(f"{{{NS_STATUS}}}header", nsmap={None: NS_STATUS})
    if state:
        root.set("stare", state)
    if download_id:
        root.set("id_descarcare", download_id)
    for message in errors:
        etree.SubElement(root, f"{{{NS_STATUS}}}Errors", errorMessage=message)
    return _xml(root)


def error_document(index, issuer_cif, messages):
    """The ``<index>.xml`` of a ``nok`` archive: one ``Error`` per broken rule."""
    root = etree.Element(f"{{{NS_ERRORS}}}header", nsmap={None: NS_ERRORS})
    root.set("Index_incarcare", index)
    root.set("Cif_emitent", issuer_cif)
    for message in messages:
        etree.SubElement(root, f"{{{NS_ERRORS}}}Error", errorMessage=message)
    return _xml(root)


def signature_document(content):
    """``semnatura_<index>.xml``: the signed content with an enveloped XML-DSig appended.

    The digest is the real SHA-256 of ``content`` so a test can check that the
    signature file belongs to the document next to it; the signature value and
    certificate are placeholders.
    """
    root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    signature = etree.SubElement(root, f"{{{NS_DSIG}}}Signature", nsmap={None: NS_DSIG})
    signed_info = etree.SubElement(signature, f"{{{NS_DSIG}}}SignedInfo")
    etree.SubElement(
        signed_info,
        f"{{{NS_DSIG}}}CanonicalizationMethod",
        Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
    )
    etree.SubElement(
        signed_info,
        f"{{{NS_DSIG}}}SignatureMethod",
        Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    )
    reference = etree.SubElement(signed_info, f"{{{NS_DSIG}}}Reference", URI="")
    transforms = etree.SubElement(reference, f"{{{NS_DSIG}}}Transforms")
    etree.SubElement(
        transforms,
        f"{{{NS_DSIG}}}Transform",
        Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    )
    etree.SubElement(
        reference,
        f"{{{NS_DSIG}}}DigestMethod",
        Algorithm="http://www.w3.org/2001/04/xmlenc#sha256",
    )
    etree.SubElement(reference, f"{{{NS_DSIG}}}DigestValue").text = digest
    simulated = hashlib.sha256(b"anaf-simulator:" + content).digest()
    etree.SubElement(signature, f"{{{NS_DSIG}}}SignatureValue").text = base64.b64encode(
        simulated
    ).decode()
    key_info = etree.SubElement(signature, f"{{{NS_DSIG}}}KeyInfo")
    x509 = etree.SubElement(key_info, f"{{{NS_DSIG}}}X509Data")
    etree.SubElement(x509, f"{{{NS_DSIG}}}X509Certificate").text = _FAKE_CERTIFICATE
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def archive(index, content):
    """The ZIP ``descarcare`` serves: ``<index>.xml`` and ``semnatura_<index>.xml``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{index}.xml", content)
        zipped.writestr(f"semnatura_{index}.xml", signature_document(content))
    return buffer.getvalue()


def json_bytes(payload):
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def custom_error(when, status, reason, message):
    """ANAF's ``CustomErrorMessage`` JSON (HTTP 400 on missing parameters, reused for 401/5xx)."""
    return json_bytes(
        {
            "timestamp": when.strftime("%d-%m-%Y %H:%M:%S"),
            "status": status,
            "error": reason,
            "message": message,
        }
    )


def format_spv_datetime(moment: datetime):
    """Dates inside ANAF's list texts: ``dd-MM-yyyy HH:mm:ss``."""
    return moment.strftime("%d-%m-%Y %H:%M:%S")
