"""Secrets never reach logs or call hooks."""

from emag_api.redaction import REDACTED, is_secret_key, redact


def test_secret_keys_are_blanked_at_any_depth():
    data = {
        "Authorization": "Basic dXNlcjpwYXNz",
        "password": "hunter2",
        "nested": [{"api_token": "abc", "locker": {"locker_pin": "1234", "locker_hash": "h"}}],
        "shipping_street": "Str. Exemplului 10",
    }
    clean = redact(data)
    assert clean["Authorization"] == REDACTED
    assert clean["password"] == REDACTED
    assert clean["nested"][0]["api_token"] == REDACTED
    assert clean["nested"][0]["locker"]["locker_pin"] == REDACTED
    # "shipping" contains "pin" but is not a secret word.
    assert clean["shipping_street"] == "Str. Exemplului 10"
    assert clean["nested"][0]["locker"]["locker_hash"] == "h"


def test_input_is_not_modified():
    data = {"password": "hunter2"}
    redact(data)
    assert data == {"password": "hunter2"}


def test_credentials_inside_text_are_masked():
    assert redact("header was Basic dXNlcjpwYXNz ok") == f"header was Basic {REDACTED} ok"
    assert redact("Bearer eyJhbGciOi.x-y") == f"Bearer {REDACTED}"


def test_literal_secrets_are_replaced_everywhere():
    clean = redact({"messages": ["bad password s3cr3t!"], "n": 5}, secrets=("s3cr3t!", ""))
    assert clean == {"messages": [f"bad password {REDACTED}"], "n": 5}


def test_bytes_are_decoded_and_redacted():
    assert redact(b"token s3cr3t", secrets=("s3cr3t",)) == f"token {REDACTED}"


def test_secret_key_detection():
    for key in ("password", "X-Auth-Token", "client_secret", "api_key", "Cookie", "pin"):
        assert is_secret_key(key), key
    for key in ("shipping_city", "spinner", "pinned_id", "emag_id", 3):
        assert not is_secret_key(key), key
