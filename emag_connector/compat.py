"""What differs between the Odoo series the connector runs on (17.0, 18.0, 19.0).

The 19.0 code is the source; tools/dist.py derives the 17.0/18.0 addons from it
with named text rewrites. A difference of a core API that a rewrite cannot say
is answered here, once, so the models and services call one name everywhere.
"""

import pytz

from odoo import release

ODOO_MAJOR = release.version_info[0]


def env_tz(env):
    """The user's timezone (``env.tz`` in 19.0; the context's, then the user's, before)."""
    if ODOO_MAJOR >= 19:
        return env.tz
    name = env.context.get("tz") or env.user.tz
    try:
        return pytz.timezone(name) if name else pytz.utc
    except pytz.UnknownTimeZoneError:
        return pytz.utc
