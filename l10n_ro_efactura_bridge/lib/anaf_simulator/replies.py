"""HTTP answers of the simulator: the :class:`Reply` value and ANAF's error shapes."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from . import documents

ANAF_TZ = ZoneInfo("Europe/Bucharest")
XML = "application/xml"
JSON = "application/json"


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: dict = field(default_factory=dict)


# Returned instead of a Reply when the answer must be lost (connection dropped).
DROP = object()


def anaf_now():
    """ANAF's clock: every date it prints is Bucharest local time."""
    return datetime.now(ANAF_TZ)


def json_reply(payload, status=200, headers=None):
    return Reply(status, documents.json_bytes(payload), JSON, headers or {})


def error_reply(status, reason, message, headers=None):
    """ANAF's ``CustomErrorMessage`` JSON with an HTTP error status."""
    body = documents.custom_error(anaf_now(), status, reason, message)
    return Reply(status, body, JSON, headers or {})


def list_error(text):
    """Lists answer refusals and "no message" alike: HTTP 200 ``{"eroare", "titlu"}``."""
    return json_reply({"eroare": text, "titlu": "Lista Mesaje"})


def download_error(text):
    """``descarcare`` failures: HTTP 200 JSON instead of a ZIP."""
    return json_reply({"eroare": text, "titlu": "Descarcare mesaj"})
