"""The error taxonomy of the ANAF SPV client.

The class alone tells the caller what to do:

* :class:`AnafAuthError` — the token (or client credentials) must be renewed
  by a human or a refresh; retrying as is cannot help;
* :class:`AnafTemporaryError` — HTTP 5xx, 429, timeouts, daily quotas, ANAF's
  "eroare tehnica": retry later. **Never** a rejection of the document;
* :class:`AnafRightsError` — the token is valid but its holder has no SPV
  right on the company's CIF (or on the message asked for): the company's
  ANAF authorisation must be fixed; the document itself was not judged;
* :class:`AnafUploadRejected` — the upload itself was refused
  (``ExecutionStatus="1"``: schema error, bad parameter); no index exists,
  fix and upload again;
* :class:`AnafRequestRefused` — a query was refused for a reason that retrying
  will not fix (unknown id, no right on it, download older than 60 days,
  missing parameter);
* :class:`AnafUnexpectedResponse` — an answer the client cannot interpret;
* :class:`AnafOutcomeUnknown` — the upload was sent but its answer was lost:
  it may be registered. Do not upload again blindly; reconcile first with
  :meth:`anaf_spv.AnafClient.reconcile_upload`.

A ``nok`` verdict is not an exception: it is data, returned by
:meth:`~anaf_spv.AnafClient.status` and :meth:`~anaf_spv.AnafClient.download`.
"""


class AnafError(Exception):
    """Base class: a call to ANAF did not succeed.

    :ivar message: human-readable summary (ANAF's own texts joined when any)
    :ivar messages: the individual texts ANAF returned
    :ivar http_status: HTTP status of the answer, ``None`` when there was none
    :ivar route: API route such as ``"upload"`` or ``"token"`` (never a URL)
    """

    def __init__(self, message, *, http_status=None, route=None, messages=None):
        self.message = message
        self.messages = list(messages) if messages else ([message] if message else [])
        self.http_status = http_status
        self.route = route
        super().__init__(message)

    def __str__(self):
        if not self.route:
            return self.message
        status = f" HTTP {self.http_status}" if self.http_status else ""
        return f"{self.message} [{self.route}{status}]"


class AnafAuthError(AnafError):
    """Access token missing, invalid or expired, refresh token spent, bad client credentials."""


class AnafRightsError(AnafError):
    """ANAF refused the call because the token's holder has no SPV right on the CIF.

    Raised for "Nu aveti drept in SPV pentru CIF=...", "Nu exista niciun CIF
    pentru care sa aveti drept in SPV" and their ``stareMesaj``/``descarcare``
    twins. A configuration problem of the company (who generated the token,
    with which certificate, holding which rights), never a defect of the
    document: neither a refresh nor a corrected invoice can help.
    """


class AnafTemporaryError(AnafError):
    """ANAF could not serve the call now; retry later.

    :ivar reason: ``"server_error"`` (5xx, "eroare tehnica"), ``"rate_limit"``
        (HTTP 429), ``"daily_limit"`` (a daily quota text), ``"timeout"`` or
        ``"connection"``
    """

    def __init__(self, message, *, reason, **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason


class AnafUploadRejected(AnafError):
    """``upload`` answered ``ExecutionStatus="1"``; :attr:`messages` holds ANAF's texts."""


class AnafRequestRefused(AnafError):
    """A query was refused in a way retrying will not change.

    :ivar expired: the message is past ANAF's 60-day retention (``descarcare``)
    """

    def __init__(self, message, *, expired=False, **kwargs):
        super().__init__(message, **kwargs)
        self.expired = expired


class AnafUnexpectedResponse(AnafError):
    """The answer does not have any shape ANAF documents (HTML page, garbage, new format)."""


class AnafOutcomeUnknown(AnafError):
    """The upload may have been registered but its answer never arrived."""
