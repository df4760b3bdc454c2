"""make test-peers reads Odoo's test log right and sorts each failure as it should."""

import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import run_peers  # noqa: E402

LOG = """\
2026-12-08 01:04:00,308 20031 INFO db odoo.addons.l10n_ro_edi.tests.test_xml_ubl_ro: Starting TestUBLRO.test_export_invoice ...
2026-12-08 01:04:00,308 20031 ERROR db odoo.addons.l10n_ro_edi.tests.test_xml_ubl_ro: FAIL: TestUBLRO.test_export_constraints
Traceback (most recent call last):
2026-12-08 00:54:23,154 20031 ERROR db odoo.addons.stock.tests.test_move: ERROR: TestStockMove.test_product_tree_views
2026-12-08 00:54:24,000 20031 ERROR db odoo.addons.sale.tests.test_sale_order: FAIL: Subtest TestSaleOrder.test_cancel (state='sale')
2026-12-08 00:54:25,000 20031 ERROR db unittest.suite: ERROR: setUpClass (odoo.addons.sale_stock.tests.test_sale_stock.TestSaleStock)
2026-12-08 00:54:26,000 20031 ERROR db odoo.addons.stock.models.stock_move: an error a test provoked on purpose
2026-12-08 00:55:00,000 20031 ERROR db odoo.tests.result: 2 failed, 2 error(s) of 561 tests when loading database 'db'
"""  # noqa: E501


def test_failures_are_named_as_test_tags_take_them():
    assert run_peers.failed_tests(LOG) == {
        "/l10n_ro_edi:TestUBLRO.test_export_constraints",
        "/stock:TestStockMove.test_product_tree_views",
        "/sale:TestSaleOrder.test_cancel",
        "/sale_stock:TestSaleStock",
    }


def test_only_listed_deviations_and_baseline_failures_are_excused():
    failed = {"/a:T.intended", "/a:T.core_too", "/a:T.new"}
    deviations = {"/a:T.intended": "why", "/a:T.fixed_since": "why"}
    intended, also_without, unexpected, stale = run_peers.sort_failures(
        failed, deviations, {"/a:T.core_too"}
    )
    assert intended == ["/a:T.intended"]
    assert also_without == ["/a:T.core_too"]
    assert unexpected == ["/a:T.new"], "a failure listed nowhere fails the run"
    assert stale == ["/a:T.fixed_since"], "a deviation that passes must leave the list"


def test_a_partial_run_does_not_judge_the_deviations_it_did_not_run():
    *_, stale = run_peers.sort_failures(set(), {"/a:T.intended": "why"}, set(), partial=True)
    assert stale == []


def test_the_deviation_list_keeps_its_reasons():
    listed = run_peers.read_listed(run_peers.DEVIATIONS)
    assert listed, "tests/peer_deviations.txt lists the intended deviations"
    assert all(reason for reason in listed.values()), "every deviation says why"
