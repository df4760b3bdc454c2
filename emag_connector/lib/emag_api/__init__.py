"""Pure-Python client of the eMAG Marketplace seller API (no Odoo import).

Imported as ``odoo.addons.emag_connector.lib.emag_api`` inside Odoo and as
``emag_api`` in the pure tests; internal imports are relative for that reason.
"""

from .batching import BatchReport, EntityOutcome, count_input_vars, plan_chunks, save_in_batches
from .client import NON_IDEMPOTENT_ROUTES, CallRecord, EmagClient, EmagResponse
from .errors import (
    EmagAuthError,
    EmagError,
    EmagIpNotWhitelistedError,
    EmagNotFoundError,
    EmagOutcomeUnknownError,
    EmagRateLimitedError,
    EmagRequestTooLargeError,
    EmagTransientError,
    EmagUnexpectedResponseError,
    EmagUnreachableError,
    EmagValidationError,
)
from .platforms import PLATFORMS, Platform
from .ratelimit import (
    BUCKET_LIMITS,
    DEFAULT_LIMITER,
    InProcessLimiter,
    Limiter,
    RateLimit,
    bucket_for_route,
    pacing_interval,
)
from .redaction import redact

__all__ = [
    "BUCKET_LIMITS",
    "DEFAULT_LIMITER",
    "NON_IDEMPOTENT_ROUTES",
    "PLATFORMS",
    "BatchReport",
    "CallRecord",
    "EmagAuthError",
    "EmagClient",
    "EmagError",
    "EmagIpNotWhitelistedError",
    "EmagNotFoundError",
    "EmagOutcomeUnknownError",
    "EmagRateLimitedError",
    "EmagRequestTooLargeError",
    "EmagResponse",
    "EmagTransientError",
    "EmagUnexpectedResponseError",
    "EmagUnreachableError",
    "EmagValidationError",
    "EntityOutcome",
    "InProcessLimiter",
    "Limiter",
    "Platform",
    "RateLimit",
    "bucket_for_route",
    "count_input_vars",
    "pacing_interval",
    "plan_chunks",
    "redact",
    "save_in_batches",
]
