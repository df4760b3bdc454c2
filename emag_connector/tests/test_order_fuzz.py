"""Generated eMAG order payloads through Odoo: a fixed-seed slice of the
generator in the repository's ``tests/fuzz`` (``make bench ONLY=fuzz`` runs
300). Each payload ends imported with eMAG's total and VAT per rate, or
parked with a reason; importing it again changes nothing; a lowered quantity
changes that line only."""

import sys
from pathlib import Path

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..services.orders.importer import payload_key
from .order_common import OFFERS, EmagOrderCase

# The repository's tests/fuzz: beside the addon, or above dist/<version>/ for the
# addons tools/dist.py derives for 17.0/18.0.
FUZZ = next(
    (
        folder / "tests" / "fuzz"
        for folder in Path(__file__).resolve().parents[2:5]
        if (folder / "tests" / "fuzz").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "tests" / "fuzz",
)
SLICE = 30


def load_fuzz():
    """The generator and properties, or ``None`` outside a repository
    checkout (the addon ships without them) or without Hypothesis."""
    if not FUZZ.is_dir():
        return None
    if str(FUZZ) not in sys.path:
        sys.path.insert(0, str(FUZZ))
    try:
        import connector
        import order_payloads
        import order_properties
    except ImportError:
        return None
    return connector, order_payloads, order_properties


@tagged("post_install", "-at_install")
class TestOrderFuzz(EmagOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.fbe_warehouse_id = cls.fbe_warehouse
        # eMAG adds VAT up per rate and rounds once; Odoo does the same when
        # it rounds globally. Rounding per line (its default) may put a rate
        # a cent away per line (see docs/orders.md).
        cls.env.company.tax_calculation_rounding_method = "round_globally"

    def import_payload(self, raw):
        with trap_jobs():
            self.account._emag_import_order(payload_key(raw), raw)
        self.env.invalidate_all()
        return self.env["emag.order"].search(
            [("account_id", "=", self.account.id), ("emag_id", "=", payload_key(raw))]
        )

    def test_generated_orders_import_right_or_park_with_a_reason(self):
        fuzz = load_fuzz()
        if fuzz is None:
            self.skipTest("tests/fuzz or hypothesis not available")
        connector, order_payloads, order_properties = fuzz
        cases = order_payloads.draw_cases(
            SLICE,
            seed=16,
            platforms=("emag_ro",),
            part_numbers=tuple(part for _id, part, _price, _stock in OFFERS),
        )
        outcomes, failures = order_properties.run_through_odoo(
            self.env, connector.services("odoo.addons."), cases, self.import_payload
        )
        outcomes.pop("vat_precision_limited", None)
        self.assertEqual(sum(outcomes.values()), len(cases))
        self.assertTrue(outcomes["imported"], outcomes)
        report = "\n".join(f"{violations}: {case!r}"[:2000] for case, violations in failures)
        self.assertEqual(len(failures), 0, report)
