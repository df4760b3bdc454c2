"""OAuth2 against the simulated logincert.anaf.ro: code exchange, refresh rotation, 401s."""

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from anaf_testlib import CIF

from anaf_simulator import DEFAULT_CLIENT_SECRET
from anaf_spv import AnafAuthError, AnafClient, AnafOAuth

REDIRECT = "https://odoo.example/l10n_ro_efactura_bridge/callback/1"


def test_authorization_code_gives_tokens_that_open_the_api(anaf_oauth, anaf_endpoints):
    url = anaf_oauth.authorization_url(REDIRECT)
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    code = parse_qs(urlsplit(location).query)["code"][0]

    tokens = anaf_oauth.exchange_code(code, REDIRECT)

    now = datetime.now(timezone.utc)
    assert timedelta(days=89) < tokens.expires_at - now <= timedelta(days=90)
    assert timedelta(days=364) < tokens.refresh_expires_at - now <= timedelta(days=365)
    client = AnafClient(tokens.access_token, endpoints=anaf_endpoints, timeout=5)
    assert client.list_messages(1, CIF) == []
    with pytest.raises(AnafAuthError):
        anaf_oauth.exchange_code(code, REDIRECT)  # a code serves once


def test_refresh_rotates_and_the_old_refresh_token_stops_working(anaf_sim, anaf_oauth):
    first = anaf_sim.issue_tokens()

    second = anaf_oauth.refresh(first["refresh_token"])

    assert second.refresh_token != first["refresh_token"]
    assert second.access_token != first["access_token"]
    with pytest.raises(AnafAuthError) as spent:
        anaf_oauth.refresh(first["refresh_token"])
    assert spent.value.http_status == 400
    third = anaf_oauth.refresh(second.refresh_token)
    assert third.refresh_token not in (first["refresh_token"], second.refresh_token)


def test_wrong_client_secret_is_an_auth_error(anaf_sim, anaf_endpoints):
    tokens = anaf_sim.issue_tokens()
    oauth = AnafOAuth("anaf-sim-client", "not-the-secret", endpoints=anaf_endpoints, timeout=5)
    with pytest.raises(AnafAuthError) as refused:
        oauth.refresh(tokens["refresh_token"])
    assert refused.value.http_status == 401


def test_expired_or_missing_access_token_answers_401(anaf_sim, anaf_client, anaf_endpoints):
    anaf_sim.expire_access_tokens()
    with pytest.raises(AnafAuthError) as expired:
        anaf_client.list_messages(1, CIF)
    assert expired.value.http_status == 401
    assert "expired" in expired.value.message

    bare = requests.get(f"{anaf_endpoints.api_url}/stareMesaj?id_incarcare=1", timeout=5)
    assert bare.status_code == 401
    assert bare.json()["status"] == 401
    assert bare.headers["WWW-Authenticate"].startswith("Bearer")


def test_call_hook_never_sees_tokens_or_client_secret(anaf_sim, anaf_oauth, anaf_calls):
    first = anaf_sim.issue_tokens()
    second = anaf_oauth.refresh(first["refresh_token"])
    client = AnafClient(
        second.access_token, endpoints=anaf_oauth.endpoints, timeout=5, call_hook=anaf_calls.append
    )
    client.list_messages(1, CIF)

    assert [call.route for call in anaf_calls] == ["token", "listaMesajeFactura"]
    assert anaf_calls[0].status == 200 and anaf_calls[0].duration > 0
    dumped = repr(anaf_calls)
    for secret in (
        DEFAULT_CLIENT_SECRET,
        first["refresh_token"],
        second.refresh_token,
        second.access_token,
    ):
        assert secret not in dumped
    assert anaf_calls[1].request["headers"]["Authorization"] == "***"
