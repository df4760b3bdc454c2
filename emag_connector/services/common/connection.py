"""The "Test connection" check of an eMAG account."""

from ...lib.emag_api import errors


def check_connection(env, client):
    """Make one cheap authenticated call and say what it proves.

    ``env`` gives the user's language to the messages. Returns ``(state,
    message)`` where ``state`` is one of the account's ``connection_state``
    values and ``message`` tells the user what to do.
    """
    _ = env._
    try:
        client.test_connection()
    except errors.EmagIpNotWhitelistedError as error:
        return "ip", _(
            "eMAG refused this server's IP address %(ip)s. Add it to the API IP whitelist "
            "in the eMAG seller area (Profile > Technical details), then test again.",
            ip=error.ip or _("(not reported)"),
        )
    except errors.EmagAuthError:
        return "auth", _(
            "eMAG refused the API username or password. Check them, and that the user has "
            "API access enabled in the eMAG seller area."
        )
    except errors.EmagTransientError as error:
        return "unreachable", _(
            "The eMAG API at %(url)s could not be reached: %(reason)s",
            url=client.base_url,
            reason=error.message,
        )
    except errors.EmagError as error:
        return "unexpected", _("eMAG gave an unexpected answer: %(reason)s", reason=error.message)
    return "ok", _("Connected: eMAG accepted the credentials and this server's IP address.")
