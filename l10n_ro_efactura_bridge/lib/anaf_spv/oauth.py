"""OAuth2 with ANAF's ``logincert.anaf.ro``: authorization code and refresh (with rotation).

ANAF rotates the refresh token on every refresh: the token presented stops
working and the answer carries a new one. :meth:`AnafOAuth.refresh` returns it
in the :class:`TokenSet`; the caller must persist **both** tokens before
anything else, or it loses access until a human authorizes again with the
qualified certificate.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import requests

from .errors import AnafAuthError, AnafTemporaryError, AnafUnexpectedResponse
from .transport import Transport, json_payload, raise_for_http_status


@dataclass(frozen=True)
class TokenSet:
    """Tokens from the token endpoint.

    :ivar expires_at: access token expiry (UTC), from the JWT ``exp`` claim
        when readable, else from ``expires_in``
    :ivar refresh_expires_at: refresh token expiry (UTC) when it is a readable
        JWT, else ``None`` (ANAF documents 365 days)
    """

    access_token: str
    refresh_token: str
    expires_at: datetime | None
    refresh_expires_at: datetime | None = None
    token_type: str = "Bearer"
    scope: str | None = None

    @classmethod
    def from_payload(cls, payload, route="token"):
        access, refresh = payload.get("access_token"), payload.get("refresh_token")
        if not access or not refresh:
            raise AnafUnexpectedResponse(
                "token answer without access_token and refresh_token", route=route
            )
        expires_at = jwt_expiry(access)
        if expires_at is None and payload.get("expires_in"):
            expires_at = datetime.now(timezone.utc) + timedelta(seconds=int(payload["expires_in"]))
        return cls(
            access_token=access,
            refresh_token=refresh,
            expires_at=expires_at,
            refresh_expires_at=jwt_expiry(refresh),
            token_type=payload.get("token_type") or "Bearer",
            scope=payload.get("scope"),
        )


def jwt_expiry(token):
    """``exp`` of a JWT as an aware UTC datetime, without verifying the signature."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromtimestamp(int(claims["exp"]), timezone.utc)
    except (ValueError, KeyError, TypeError):
        return None


class AnafOAuth:
    """Token endpoint client of one OAuth application registered at ANAF.

    :param client_id: from the "Profil Oauth" page
    :param client_secret: idem; sent with HTTP Basic as ANAF documents
    :param endpoints: :class:`~anaf_spv.AnafEndpoints` (only ``oauth_url`` is used)
    :param session: optional :class:`requests.Session`
    :param timeout: seconds, or ``(connect, read)``
    :param call_hook: callable receiving a :class:`~anaf_spv.CallRecord` per call
    """

    def __init__(
        self, client_id, client_secret, *, endpoints, session=None, timeout=30, call_hook=None
    ):
        self.client_id = client_id
        self.client_secret = client_secret
        self.endpoints = endpoints
        self._transport = Transport(session, timeout, call_hook)

    def authorization_url(self, redirect_uri):
        """Where to send the user's browser (the qualified certificate is asked there)."""
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "token_content_type": "jwt",
            }
        )
        return f"{self.endpoints.oauth_url}/authorize?{query}"

    def exchange_code(self, code, redirect_uri):
        """Trade the ``code`` ANAF sent to ``redirect_uri`` for a :class:`TokenSet`."""
        return self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "token_content_type": "jwt",
            },
            secrets=(code,),
        )

    def refresh(self, refresh_token):
        """Return a new :class:`TokenSet`; ``refresh_token`` is spent from now on.

        :raises AnafAuthError: the refresh token is unknown, spent or expired
            (a human must authorize again), or the client credentials are wrong
        :raises AnafTemporaryError: ANAF unreachable or failing; if the answer
            was lost after sending, the old token may already be spent — retry
            once, an :class:`AnafAuthError` then means re-authorization
        """
        return self._token(
            {
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
                "token_content_type": "jwt",
            },
            secrets=(refresh_token,),
        )

    def _token(self, form, secrets):
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        try:
            response = self._transport.send(
                "token",
                "POST",
                f"{self.endpoints.oauth_url}/token",
                headers={
                    "Authorization": f"Basic {basic}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                data=urlencode(form),
                secrets=(*secrets, self.client_secret, basic),
            )
        except requests.Timeout as exc:
            raise AnafTemporaryError(str(exc), reason="timeout", route="token") from exc
        except requests.RequestException as exc:
            raise AnafTemporaryError(str(exc), reason="connection", route="token") from exc
        if response.status_code == 400:
            # OAuth2 answers invalid_grant / unsupported_grant_type with 400.
            payload = _safe_json(response)
            description = payload.get("error_description") or payload.get("error") or "HTTP 400"
            raise AnafAuthError(str(description), http_status=400, route="token")
        raise_for_http_status(response, "token")
        return TokenSet.from_payload(json_payload(response, "token"))


def _safe_json(response):
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
