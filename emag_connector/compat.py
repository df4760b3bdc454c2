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


def domain_or(domains):
    """The disjunction of search domains (``Domain.OR`` in 19.0, ``expression.OR`` before)."""
    domains = [list(domain) for domain in domains]
    if ODOO_MAJOR >= 19:
        from odoo.fields import Domain

        return Domain.OR(domains)
    from odoo.osv.expression import OR

    return OR(domains)


def stock_move_name(text):
    """The description of a new stock move: required before 19.0, gone in 19.0."""
    return {} if ODOO_MAJOR >= 19 else {"name": text}


def outer_packages(packages):
    """The packages not inside another one of ``packages`` (19.0 nests packages;
    before, every package stands alone)."""
    if "parent_package_id" not in packages._fields:
        return packages
    return packages.filtered(lambda package: package.parent_package_id not in packages)


# -- 17.0 translation (tools/dist.py: translate_imports_17, env_translate_17) -------
# 18.0 brought ``env._`` and lazy terms bound to a module (``LazyTranslate``); on
# 17.0 the derived addons import these stand-ins instead, built on 17.0's own
# per-module code translations, so a term is translated as on 18.0/19.0.
if ODOO_MAJOR < 18:
    import inspect

    from odoo.modules import get_resource_from_path
    from odoo.tools.translate import code_translations

    def _module_of(path):
        resource = get_resource_from_path(path)
        return resource[0] if resource else "base"

    def get_translation(module, lang, source, args):
        """``source`` in ``lang`` from ``module``'s code translations, formatted."""
        translation = code_translations.get_python_translations(module, lang).get(source, source)
        if not args:
            return translation
        try:
            return translation % args
        except (TypeError, ValueError, KeyError):
            return source % args

    class LazyGettext:
        """A term translated when shown (18.0's ``odoo.tools.translate.LazyGettext``)."""

        __slots__ = ("_args", "_module", "_source")

        def __init__(self, source, args, module):
            self._source, self._args, self._module = source, args, module

        def __str__(self):
            return get_translation(self._module, "en_US", self._source, self._args)

        def __repr__(self):
            return f"_lt({self._source!r})"

    def LazyTranslate(module_name):
        """``_lt = LazyTranslate(__name__)``: lazy terms of the calling addon."""
        parts = module_name.split(".")
        module = parts[2] if parts[:2] == ["odoo", "addons"] and len(parts) > 2 else "base"

        def lazy(source, *args, **kwargs):
            return LazyGettext(source, args or kwargs, module)

        return lazy

    def env_translate(env, source, *args, **kwargs):
        """18.0's ``env._``: ``source`` in ``env``'s language, from the caller's addon."""
        module = _module_of(inspect.getfile(inspect.currentframe().f_back))
        return get_translation(module, env.lang or "en_US", source, args or kwargs)
