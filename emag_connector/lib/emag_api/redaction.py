"""Removal of secrets from anything the client hands to logs or call hooks."""

import re

REDACTED = "***"

# Words that make a key secret wherever they appear in it ("api_token",
# "X-Auth-Token", "locker_pin", "Authorization"...). Matching whole words keeps
# "shipping" (which contains "pin") readable.
_SECRET_WORDS = frozenset(
    {
        "authorization",
        "password",
        "passwd",
        "pwd",
        "secret",
        "token",
        "apikey",
        "pin",
        "cookie",
        "credentials",
    }
)
_SECRET_KEYS = frozenset({"api_key", "x_api_key", "set_cookie", "proxy_authorization"})
_WORD_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_CREDENTIAL_VALUE_RE = re.compile(r"\b(Basic|Bearer|Digest)\s+[A-Za-z0-9+/=._~-]+", re.IGNORECASE)


def is_secret_key(key):
    """Return whether a mapping key names a secret (password, token, PIN...)."""
    if not isinstance(key, str):
        return False
    normalized = _WORD_SPLIT_RE.sub("_", key.lower()).strip("_")
    if normalized in _SECRET_KEYS:
        return True
    return any(word in _SECRET_WORDS for word in normalized.split("_"))


def redact(value, secrets=()):
    """Return a copy of ``value`` safe to log.

    :param value: JSON-like data (dicts, lists, scalars), headers included
    :param secrets: literal strings (a password, a Basic token) to blank
        wherever they occur inside text, e.g. echoed back by a server

    Values under secret keys become ``"***"``, ``Basic …``/``Bearer …``
    credentials inside strings are masked, and every literal secret is
    replaced. The input is never modified.
    """
    secrets = tuple(secret for secret in secrets if secret)
    return _redact(value, secrets)


def _redact(value, secrets):
    if isinstance(value, dict):
        return {
            key: REDACTED if is_secret_key(key) and item is not None else _redact(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_redact(item, secrets) for item in value]
    if isinstance(value, bytes):
        return _redact(value.decode("utf-8", "replace"), secrets)
    if isinstance(value, str):
        text = _CREDENTIAL_VALUE_RE.sub(lambda match: f"{match.group(1)} {REDACTED}", value)
        for secret in secrets:
            text = text.replace(secret, REDACTED)
        return text
    return value
