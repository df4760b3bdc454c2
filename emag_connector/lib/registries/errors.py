"""What can go wrong asking a registry, split by who must act.

* :class:`RegistryUnavailableError` — the service is down, slow, answers
  garbage (ANAF's firewall page), limits our rate, or one member state's
  system is off (VIES ``MS_UNAVAILABLE``): the caller waits and asks again;
  the buyer did nothing wrong.
* :class:`RegistryInputError` — the registry refused the question (VIES
  ``INVALID_INPUT``, a CUI ANAF cannot read): the number on the order is
  not a number the registry can check, which is the buyer's data to fix.
"""


class RegistryError(Exception):
    """A registry did not answer the question.

    :ivar service: ``"anaf"`` or ``"vies"``
    :ivar code: the registry's own code (``"MS_UNAVAILABLE"``, ``"HTTP 503"``…)
    """

    def __init__(self, message, *, service, code=""):
        super().__init__(message)
        self.message = message
        self.service = service
        self.code = code


class RegistryUnavailableError(RegistryError):
    """The service cannot answer now (down, busy, rate limited): try later.

    :ivar retry_after: seconds the service asked us to wait, when it said
    """

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class RegistryInputError(RegistryError):
    """The registry refused the number asked about (the buyer's data)."""
