"""The connector's pure services, imported without Odoo.

``emag_connector/__init__.py`` imports the Odoo models; the services under
test import only ``..lib`` and each other. Registering the two packages by
their folders (without running their ``__init__``) lets the pure layer import
the very modules Odoo runs. Inside Odoo (the slice through Odoo and the
benchmark), the addon's own modules are used instead.
"""

import importlib
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _package(name, folder):
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(folder)]
        sys.modules[name] = package
    return sys.modules[name]


def services(prefix=None):
    """The ``emag_connector.services`` package (Odoo's when ``prefix`` is
    ``"odoo.addons."``, else a bare one)."""
    if prefix is None:
        _package("emag_connector", ROOT / "emag_connector")
        _package("emag_connector.services", ROOT / "emag_connector" / "services")
        prefix = ""
    return types.SimpleNamespace(
        **{
            name: importlib.import_module(f"{prefix}emag_connector.services.{module}")
            for name, module in (
                ("order_payload", "orders.payload"),
                ("order_figures", "orders.figures"),
                ("fulfilment_awb", "fulfilment.awb"),
                ("rma_payload", "returns.payload"),
                ("offer_readback", "offers.readback"),
            )
        }
    )
