"""Client of ANAF's SPV e-Factura REST API (upload, stareMesaj, descarcare, message lists).

Written against the pitfalls of Odoo core's ``l10n_ro_edi`` (``efactura.md`` §3.7):

* a failed *query* (daily quota, unknown index, HTTP 5xx, timeout) is never
  reported as a rejection of the document: ``status`` returns
  ``TEMPORARY_ERROR`` and the other calls raise :class:`AnafTemporaryError`;
* "XML cu erori nepreluat de sistem" is a terminal state of its own;
* upload errors are read in the ``respUploadFisier`` namespace;
* a failed download raises a typed error instead of crashing;
* a refusal for missing SPV rights raises :class:`AnafRightsError` on every
  route: it is the company's authorisation to fix, not the document;
* an upload whose answer is lost raises :class:`AnafOutcomeUnknown` and can be
  reconciled with :meth:`AnafClient.reconcile_upload` instead of re-sent.
"""

import requests
from lxml import etree

from .errors import (
    AnafOutcomeUnknown,
    AnafRequestRefused,
    AnafRightsError,
    AnafTemporaryError,
    AnafUnexpectedResponse,
    AnafUploadRejected,
)
from .results import (
    NS_STATUS,
    NS_UPLOAD,
    SpvMessage,
    StatusResult,
    StatusState,
    UploadMatch,
    error_texts,
    is_limit_message,
    is_rights_message,
    is_technical_message,
    parse_xml,
    unpack_archive,
)
from .transport import Transport, json_payload, raise_for_http_status

STANDARDS = ("UBL", "CN", "CII", "RASP")
LIST_FILTERS = ("E", "T", "P", "R")
_STATES = {
    "in prelucrare": StatusState.IN_PROGRESS,
    "ok": StatusState.OK,
    "nok": StatusState.NOK,
    "XML cu erori nepreluat de sistem": StatusState.XML_ERRORS_NOT_TAKEN,
}


def normalize_cif(cif):
    """``"RO 18547290"`` → ``"18547290"``: ANAF wants the bare numeric CIF."""
    value = str(cif).strip().upper().replace(" ", "")
    value = value[2:] if value.startswith("RO") else value
    if not value.isdigit():
        raise ValueError(f"not a Romanian CIF: {cif!r}")
    return value


def _transport_failure(exc, route):
    reason = "timeout" if isinstance(exc, requests.Timeout) else "connection"
    return AnafTemporaryError(str(exc), reason=reason, route=route)


def _xml_header(response, route):
    root = parse_xml(response.content)
    if root is None or etree.QName(root).localname != "header":
        raise AnafUnexpectedResponse(
            f"expected an XML header, got: {response.text[:200]!r}", http_status=200, route=route
        )
    return root


class AnafClient:
    """Calls of the SPV e-Factura API on behalf of one access token.

    :param access_token: OAuth2 access token (see :class:`~anaf_spv.AnafOAuth`);
        may be replaced later by assigning :attr:`access_token`
    :param endpoints: :data:`~anaf_spv.PRODUCTION`, :data:`~anaf_spv.TEST` or
        :meth:`AnafEndpoints.sandbox(...) <anaf_spv.AnafEndpoints.sandbox>` —
        required, so production is never reached by accident
    :param session: optional :class:`requests.Session`
    :param timeout: seconds, or ``(connect, read)``
    :param call_hook: callable receiving a redacted :class:`~anaf_spv.CallRecord`
        after every HTTP exchange
    """

    def __init__(self, access_token, *, endpoints, session=None, timeout=(10, 60), call_hook=None):
        self.access_token = access_token
        self.endpoints = endpoints
        self._transport = Transport(session, timeout, call_hook)

    def _send(self, route, method="GET", *, params=None, data=None, headers=None):
        return self._transport.send(
            route,
            method,
            f"{self.endpoints.api_url.rstrip('/')}/{route}",
            params=params,
            data=data,
            headers={"Authorization": f"Bearer {self.access_token}", **(headers or {})},
            secrets=(self.access_token,),
        )

    # -- upload ----------------------------------------------------------------

    def upload(
        self,
        xml_bytes,
        cif,
        *,
        b2c=False,
        standard="UBL",
        extern=False,
        autofactura=False,
        executare=False,
    ):
        """Send a document; return its ``index_incarcare`` (a string of digits).

        :param xml_bytes: the CIUS-RO XML
        :param cif: company CIF, with or without ``RO``
        :param b2c: ``True`` for an individual buyer (route ``uploadb2c``)
        :param standard: ``UBL`` (Invoice), ``CN`` (CreditNote), ``CII`` or ``RASP``
        :param extern: buyer outside Romania (``extern=DA``)
        :param autofactura: self-billing (``autofactura=DA``)
        :param executare: filing by an enforcement body (``executare=DA``)
        :raises AnafUploadRejected: ``ExecutionStatus="1"`` (schema, parameters)
        :raises AnafRightsError: no SPV right on ``cif``
        :raises AnafTemporaryError: 5xx, 429, quota, or the request never left
        :raises AnafOutcomeUnknown: sent, but the answer was lost (timeout,
            dropped connection, gateway timeout): reconcile before sending again
        :raises AnafAuthError: token refused
        """
        if standard not in STANDARDS:
            raise ValueError(f"standard must be one of {STANDARDS}, not {standard!r}")
        route = "uploadb2c" if b2c else "upload"
        params = {"standard": standard, "cif": normalize_cif(cif)}
        flags = {"extern": extern, "autofactura": autofactura, "executare": executare}
        params.update({name: "DA" for name, wanted in flags.items() if wanted})
        try:
            response = self._send(
                route,
                "POST",
                params=params,
                data=xml_bytes,
                headers={"Content-Type": "text/plain"},
            )
        except requests.RequestException as exc:
            if exc.anaf_nothing_sent:
                raise _transport_failure(exc, route) from exc
            raise AnafOutcomeUnknown(
                f"upload sent but no answer received ({type(exc).__name__}); the document may "
                "be registered at ANAF",
                route=route,
            ) from exc
        if response.status_code == 504:
            # The gateway gave up waiting for ANAF's back end, which may have registered it.
            raise AnafOutcomeUnknown("gateway timeout on upload", http_status=504, route=route)
        raise_for_http_status(response, route)
        return self._upload_index(response, route)

    @staticmethod
    def _upload_index(response, route):
        root = _xml_header(response, route)
        execution, index = root.get("ExecutionStatus"), root.get("index_incarcare")
        if execution == "0" and index:
            return index
        messages = error_texts(root, NS_UPLOAD, "Errors")
        if execution != "1" or not messages:
            raise AnafUnexpectedResponse(
                f"upload answer without index nor errors: {response.text[:200]!r}",
                http_status=200,
                route=route,
            )
        summary = "; ".join(messages)
        if any(is_limit_message(text) for text in messages):
            raise AnafTemporaryError(summary, reason="daily_limit", route=route, messages=messages)
        if any(is_technical_message(text) for text in messages):
            raise AnafTemporaryError(summary, reason="server_error", route=route, messages=messages)
        if any(is_rights_message(text) for text in messages):
            raise AnafRightsError(summary, route=route, messages=messages, http_status=200)
        raise AnafUploadRejected(summary, route=route, messages=messages, http_status=200)

    # -- status ----------------------------------------------------------------

    def status(self, index):
        """Processing state of an upload, as a :class:`~anaf_spv.StatusResult`.

        Anything that says nothing about the document — quota reached,
        unknown index, HTTP 5xx/429, timeout — comes back as
        ``TEMPORARY_ERROR`` (keep waiting), never as a rejection.

        :raises AnafAuthError: token refused
        :raises AnafRightsError: no SPV right on the upload's CIF
        :raises AnafRequestRefused: HTTP 400 (missing parameter)
        :raises AnafUnexpectedResponse: an answer of no documented shape
        """
        route = "stareMesaj"
        try:
            response = self._send(route, params={"id_incarcare": str(index)})
            raise_for_http_status(response, route)
        except requests.RequestException as exc:
            failure = _transport_failure(exc, route)
            return StatusResult(
                StatusState.TEMPORARY_ERROR, messages=(failure.message,), reason=failure.reason
            )
        except AnafTemporaryError as exc:
            return StatusResult(
                StatusState.TEMPORARY_ERROR, messages=tuple(exc.messages), reason=exc.reason
            )
        root = _xml_header(response, route)
        stare = root.get("stare")
        if not stare:
            messages = tuple(error_texts(root, NS_STATUS, "Errors"))
            if not messages:
                raise AnafUnexpectedResponse(
                    "stareMesaj answer without stare nor errors", http_status=200, route=route
                )
            if any(is_rights_message(text) for text in messages):
                raise AnafRightsError(
                    "; ".join(messages), route=route, messages=messages, http_status=200
                )
            limited = any(is_limit_message(text) for text in messages)
            return StatusResult(
                StatusState.TEMPORARY_ERROR,
                messages=messages,
                reason="daily_limit" if limited else "query_error",
            )
        state = _STATES.get(" ".join(stare.split()))
        download_id = root.get("id_descarcare")
        if state is None or (state in (StatusState.OK, StatusState.NOK) and not download_id):
            raise AnafUnexpectedResponse(
                f"unknown stareMesaj answer: {response.text[:200]!r}", http_status=200, route=route
            )
        return StatusResult(state, download_id=download_id if download_id else None)

    # -- download --------------------------------------------------------------

    def download(self, download_id):
        """The ZIP of a message, unpacked into a :class:`~anaf_spv.DownloadResult`.

        For a ``nok`` the result's ``errors`` lists ANAF's messages with their
        rule ids (``BR-RO-110``...).

        :raises AnafTemporaryError: quota ("S-au facut deja 10 descarcari..."),
            5xx, timeout
        :raises AnafRightsError: no SPV right on the message
        :raises AnafRequestRefused: unknown id, or past the
            60-day retention (``expired=True``)
        """
        route = "descarcare"
        try:
            response = self._send(route, params={"id": str(download_id)})
        except requests.RequestException as exc:
            raise _transport_failure(exc, route) from exc
        raise_for_http_status(response, route)
        # Failures come as HTTP 200 JSON: try the ZIP first, as ANAF's own clients do.
        result = unpack_archive(download_id, response.content)
        if result is not None:
            return result
        text = str(json_payload(response, route).get("eroare") or "")
        if not text:
            raise AnafUnexpectedResponse(
                "descarcare answered neither a ZIP nor an error", http_status=200, route=route
            )
        if is_limit_message(text):
            raise AnafTemporaryError(text, reason="daily_limit", route=route, http_status=200)
        if is_technical_message(text):
            raise AnafTemporaryError(text, reason="server_error", route=route, http_status=200)
        if is_rights_message(text):
            raise AnafRightsError(text, route=route, http_status=200)
        expired = "nu mai poate fi descarcat" in text
        raise AnafRequestRefused(text, expired=expired, route=route, http_status=200)

    # -- message lists -----------------------------------------------------------

    def list_messages(self, days, cif, filter=None):
        """Messages of the last ``days`` (1–60) for ``cif``: a list of :class:`SpvMessage`.

        :param filter: ``E`` errors, ``T`` sent invoices, ``P`` received, ``R`` buyer messages
        :raises AnafRightsError: no SPV right on ``cif``
        :raises AnafTemporaryError: quota, 5xx, timeout
        """
        params = {"zile": str(int(days)), "cif": normalize_cif(cif)}
        if filter:
            params["filtru"] = self._check_filter(filter)
        payload = self._list("listaMesajeFactura", params)
        return [SpvMessage.from_json(item) for item in payload.get("mesaje") or []]

    def list_messages_between(self, cif, start, end, filter=None):
        """Every message created between two datetimes, all pages fetched.

        Use aware datetimes (naive ones are taken as the machine's local
        time). ANAF refuses an ``end`` in the future and a ``start`` older
        than 60 days.
        """
        params = {
            "startTime": str(int(start.timestamp() * 1000)),
            "endTime": str(int(end.timestamp() * 1000)),
            "cif": normalize_cif(cif),
        }
        if filter:
            params["filtru"] = self._check_filter(filter)
        messages, page = [], 1
        while True:
            payload = self._list("listaMesajePaginatieFactura", {**params, "pagina": str(page)})
            messages += [SpvMessage.from_json(item) for item in payload.get("mesaje") or []]
            if page >= int(payload.get("numar_total_pagini") or 1):
                return messages
            page += 1

    @staticmethod
    def _check_filter(value):
        if value not in LIST_FILTERS:
            raise ValueError(f"filter must be one of {LIST_FILTERS}, not {value!r}")
        return value

    def _list(self, route, params):
        try:
            response = self._send(route, params=params)
        except requests.RequestException as exc:
            raise _transport_failure(exc, route) from exc
        raise_for_http_status(response, route)
        payload = json_payload(response, route)
        text = payload.get("eroare")
        if not text:
            return payload
        if text.startswith("Nu exista mesaje"):
            return {}
        if is_limit_message(text):
            raise AnafTemporaryError(text, reason="daily_limit", route=route, http_status=200)
        if is_technical_message(text):
            raise AnafTemporaryError(text, reason="server_error", route=route, http_status=200)
        if is_rights_message(text):
            raise AnafRightsError(text, route=route, http_status=200)
        raise AnafRequestRefused(text, route=route, http_status=200)

    # -- reconciliation ------------------------------------------------------------

    def reconcile_upload(self, cif, invoice_number, *, days=1, known_indexes=()):
        """Find the accepted upload of ``invoice_number`` after an :class:`AnafOutcomeUnknown`.

        Reads the "FACTURA TRIMISA" messages of the last ``days``, skips the
        indexes the caller already knows, downloads the others and compares
        the invoice number (``cbc:ID``) of the signed document.

        Returns an :class:`~anaf_spv.UploadMatch`, or ``None`` when no
        accepted upload carries that number *yet*: the lost upload may still
        be processing, or may have ended ``nok`` (errors name no invoice
        number) — a ``nok`` has no legal effect, so uploading again is safe
        once the processing window has passed without a match.
        """
        known = {str(index) for index in known_indexes}
        for message in self.list_messages(days, cif, filter="T"):
            if not message.is_sent_invoice or message.upload_index in known:
                continue
            download = self.download(message.id)
            if download.invoice_number == invoice_number:
                return UploadMatch(message.upload_index or download.index, message, download)
        return None
