"""The simulated ``logincert.anaf.ro``: authorization code and refresh-token grants.

Refresh rotates: the refresh token presented is spent even when the call
fails afterwards, and the answer carries a new one. Access tokens already
issued stay valid until they expire.
"""

import base64
import time
from urllib.parse import parse_qsl, urlencode

from .replies import Reply, json_reply

OAUTH_PREFIX = "/anaf-oauth2/v1"
CODE_TTL = 60  # seconds: ANAF wants the code exchanged within a minute


class OAuthRoutes:
    """Mixin of :class:`~anaf_simulator.AnafSimulator` serving ``authorize`` and ``token``."""

    def _authorize(self, query):
        client_id, redirect_uri = query.get("client_id"), query.get("redirect_uri")
        if query.get("response_type") != "code" or not redirect_uri:
            return json_reply({"error": "invalid_request"}, 400)
        if client_id not in self._store.clients:
            return json_reply({"error": "invalid_client"}, 400)
        code = self.authorization_code(redirect_uri, client_id)
        separator = "&" if "?" in redirect_uri else "?"
        location = f"{redirect_uri}{separator}{urlencode({'code': code})}"
        return Reply(302, b"", "text/plain", {"Location": location})

    def _client_credentials(self, headers, form):
        auth = headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(auth[6:].strip()).decode()
            except (ValueError, UnicodeDecodeError):
                return None, None
            client_id, _sep, secret = decoded.partition(":")
            return client_id, secret
        return form.get("client_id"), form.get("client_secret")

    def _token(self, headers, body):
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id, secret = self._client_credentials(headers, form)
        with self._lock:
            store = self._store
            if not client_id or store.clients.get(client_id) != secret:
                return json_reply(
                    {"error": "invalid_client", "error_description": "Bad client credentials"},
                    401,
                )
            grant = form.get("grant_type")
            if grant == "authorization_code":
                entry = store.codes.pop(form.get("code", ""), None)
                if (
                    not entry
                    or entry[0] != client_id
                    or entry[1] != form.get("redirect_uri")
                    or entry[2] < time.time()
                ):
                    description = "Invalid authorization code"
                    return json_reply(
                        {"error": "invalid_grant", "error_description": description}, 400
                    )
            elif grant == "refresh_token":
                # Rotation: the presented refresh token is spent whatever happens next.
                entry = store.refresh_tokens.pop(form.get("refresh_token", ""), None)
                if not entry or entry[0] != client_id or entry[1] < time.time():
                    return json_reply(
                        {"error": "invalid_grant", "error_description": "Invalid refresh token"},
                        400,
                    )
            else:
                return json_reply({"error": "unsupported_grant_type"}, 400)
            return json_reply(store.issue_tokens(client_id, self.oauth_url))
