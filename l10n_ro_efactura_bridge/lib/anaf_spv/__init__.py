"""Client of ANAF's SPV e-Factura API (OAuth2, upload, status, download, message lists).

Pure Python (requests + lxml), no Odoo import: the bridge imports it as
``odoo.addons.l10n_ro_efactura_bridge.lib.anaf_spv``, the pure tests as
``anaf_spv``.
"""

from .client import LIST_FILTERS, STANDARDS, AnafClient, normalize_cif
from .endpoints import PRODUCTION, TEST, AnafEndpoints
from .errors import (
    AnafAuthError,
    AnafError,
    AnafOutcomeUnknown,
    AnafRequestRefused,
    AnafRightsError,
    AnafTemporaryError,
    AnafUnexpectedResponse,
    AnafUploadRejected,
)
from .oauth import AnafOAuth, TokenSet, jwt_expiry
from .results import (
    AnafMessage,
    DownloadResult,
    SpvMessage,
    StatusResult,
    StatusState,
    UploadMatch,
)
from .transport import CallRecord, redact_text

__all__ = [
    "LIST_FILTERS",
    "PRODUCTION",
    "STANDARDS",
    "TEST",
    "AnafAuthError",
    "AnafClient",
    "AnafEndpoints",
    "AnafError",
    "AnafMessage",
    "AnafOAuth",
    "AnafOutcomeUnknown",
    "AnafRequestRefused",
    "AnafRightsError",
    "AnafTemporaryError",
    "AnafUnexpectedResponse",
    "AnafUploadRejected",
    "CallRecord",
    "DownloadResult",
    "SpvMessage",
    "StatusResult",
    "StatusState",
    "TokenSet",
    "UploadMatch",
    "jwt_expiry",
    "normalize_cif",
    "redact_text",
]
