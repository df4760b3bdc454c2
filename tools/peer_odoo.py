"""odoo-bin, with every module's at_install tests run once all modules are loaded.

Odoo runs a module's at_install tests right after loading that module, with
the registry built so far: core's tests of ``sale_stock`` would then run
before our addons (which depend on it) are loaded, and never meet our
overrides. ``make test-peers`` wants them to run against the registry a
user has, so this entry point moves them after the full load, next to the
post_install tests (a test tagged both runs once). Everything else is
odoo-bin's own command line.
"""

import os
import sys

sys.path.insert(0, os.environ.get("ODOO_PATH", "/opt/odoo"))

import odoo.cli
from odoo.tests import loader
from odoo.tests.suite import OdooSuite

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position == "at_install":
        return OdooSuite()
    tests = {
        test.id(): test
        for when in ("at_install", "post_install")
        for test in _make_suite(module_names, when)
    }
    return OdooSuite(list(tests.values()))


loader.make_suite = make_suite

if __name__ == "__main__":
    odoo.cli.main()
