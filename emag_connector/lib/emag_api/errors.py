"""The one error taxonomy of the eMAG client.

Every failure of a call surfaces as a subclass of :class:`EmagError`, so a
caller can decide what to do from the class alone:

* configuration problems a human must fix (:class:`EmagAuthError`,
  :class:`EmagIpNotWhitelistedError`) — never retried;
* refusals of the data sent (:class:`EmagValidationError` and its
  subclasses) — fix the data, retrying the same request is pointless;
* trouble on the way (:class:`EmagRateLimitedError`,
  :class:`EmagTransientError`, :class:`EmagUnreachableError`) — retried by
  the client within a bounded budget, raised once the budget is spent;
* answers the client cannot trust (:class:`EmagUnexpectedResponseError`);
* :class:`EmagOutcomeUnknownError` — a call that must not be repeated blindly
  (AWB, RMA, order updates) may or may not have taken effect.
"""

import re

_VENDOR_IP_RE = re.compile(r"Invalid vendor ip\s*\[([^\]]*)\]", re.IGNORECASE)


class EmagError(Exception):
    """Base class: a call to the eMAG API did not succeed.

    :ivar message: human-readable summary (eMAG's own texts joined when any)
    :ivar messages: the individual messages eMAG returned, as strings
    :ivar http_status: HTTP status of the answer, ``None`` when there was none
    :ivar route: API route such as ``"order/read"`` (never the full URL)
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


class EmagAuthError(EmagError):
    """Credentials refused or the API user lacks API rights (HTTP 401/403)."""


class EmagIpNotWhitelistedError(EmagAuthError):
    """eMAG refused the caller's public IP ("ERROR: Invalid vendor ip [x]").

    :ivar ip: the address eMAG saw, to be added to the seller's whitelist
    """

    def __init__(self, message, *, ip=None, **kwargs):
        super().__init__(message, **kwargs)
        self.ip = ip

    @staticmethod
    def parse_ip(text):
        """Return the IP quoted in an "Invalid vendor ip [x]" message, if any."""
        match = _VENDOR_IP_RE.search(text or "")
        return match.group(1).strip() if match else None


class EmagValidationError(EmagError):
    """eMAG refused the request because of its content (``isError: true``).

    :ivar entity_messages: messages that name one of the sent entities, keyed
        by that entity's key (e.g. the offer ``id``); filled by callers that
        know which entities were sent (see :mod:`.batching`).
    """

    def __init__(self, message, *, entity_messages=None, **kwargs):
        super().__init__(message, **kwargs)
        self.entity_messages = dict(entity_messages or {})


class EmagNotFoundError(EmagValidationError):
    """The addressed object does not exist (HTTP 404, e.g. unknown offer id)."""


class EmagRequestTooLargeError(EmagValidationError):
    """eMAG refused the whole request: "Maximum input vars of 4000 exceeded".

    Nothing of the request was saved; send fewer entities per request.
    """


class EmagTransientError(EmagError):
    """A failure that may go away by itself: HTTP 5xx, timeout, dropped connection."""


class EmagRateLimitedError(EmagTransientError):
    """HTTP 429 and the retry budget is spent.

    Transient: eMAG refused without processing and will accept again, so a
    job meeting it waits and runs again like after a 5xx, instead of failing
    for good (a 429 storm outlasting the client's back-off did that).

    :ivar retry_after: seconds eMAG asked to wait, ``None`` when not told
    """

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class EmagUnreachableError(EmagTransientError):
    """The endpoint could not be reached at all (refused, DNS, connect timeout).

    The request never left this machine, so it had no effect on eMAG.
    """


class EmagUnexpectedResponseError(EmagError):
    """The answer is not what the API promises (not JSON, no ``isError: false``,
    wrong shape). Never treated as success."""


class EmagOutcomeUnknownError(EmagError):
    """A non-idempotent call may or may not have taken effect.

    Raised instead of retrying ``awb/save``, ``rma/save``, ``order/save`` and
    ``order/attachments/save`` after a timeout, a 5xx or a dropped connection.
    The caller reconciles by reading back (``awb/read``, ``order/read``,
    ``rma/read``) before trying again.

    :ivar cause: the transient error that made the outcome unknown
    """

    def __init__(self, message, *, cause=None, **kwargs):
        super().__init__(message, **kwargs)
        self.cause = cause
