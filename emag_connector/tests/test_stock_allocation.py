# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Three accounts (RO, BG, HU) selling from one warehouse: the last units are
neither hidden everywhere nor promised twice."""

import importlib.util
from pathlib import Path

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..services.offers.stock import offer_quantities
from .test_emag_offer import EmagOfferCase


@tagged("post_install", "-at_install")
class TestStockAllocation(EmagOfferCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write({"stock_priority": 1, "stock_share_percent": 60})
        cls.bulgaria = cls._make_account(
            "eMAG BG offers", cls.warehouse, stock_priority=2, stock_share_percent=20
        )
        cls.hungary = cls._make_account(
            "eMAG HU offers", cls.warehouse, stock_priority=3, stock_share_percent=20
        )
        cls.accounts = cls.account | cls.bulgaria | cls.hungary

    def _quantities(self, qty, policy, accounts=None, **account_vals):
        """What each account is offered of a product with ``qty`` free units."""
        self.account.write({"stock_allocation_policy": policy, **account_vals})
        product = self._product(qty=qty)
        offers = [self._offer(product, account=account) for account in accounts or self.accounts]
        quantities = offer_quantities(self.env, [offer.id for offer in offers])
        return tuple(quantities[offer.id] for offer in offers)

    def test_new_accounts_share_the_documented_default(self):
        self.assertEqual(set(self.accounts.mapped("stock_allocation_policy")), {"whole_pool"})

    def test_upgraded_databases_keep_fixed_shares(self):
        script = Path(__file__).parents[1] / "migrations" / "19.0.1.2.0" / "post-migration.py"
        spec = importlib.util.spec_from_file_location("emag_allocation_migration", script)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(set(self.accounts.mapped("stock_allocation_policy")), {"fixed_shares"})
        # 1 free unit at 60/20/20: Romania offers it, as the floor never did.
        self.assertEqual(self._quantities(1, "fixed_shares"), (1, 0, 0))

    def test_one_unit_under_each_policy(self):
        self.assertEqual(self._quantities(1, "whole_pool"), (1, 1, 1))
        self.assertEqual(self._quantities(1, "low_stock_priority"), (1, 0, 0))
        # 60/20/20 of one unit: 0.6/0.2/0.2, which the floor rounded to nothing anywhere.
        self.assertEqual(self._quantities(1, "fixed_shares"), (1, 0, 0))

    def test_policy_is_the_same_on_every_account_of_the_warehouse(self):
        self.bulgaria.write({"stock_allocation_policy": "fixed_shares", "low_stock_threshold": 4})
        self.assertEqual(set(self.accounts.mapped("stock_allocation_policy")), {"fixed_shares"})
        self.assertEqual(set(self.accounts.mapped("low_stock_threshold")), {4})
        newcomer = self._make_account("eMAG RO second shop", self.warehouse)
        self.assertEqual(newcomer.stock_allocation_policy, "fixed_shares")

    def test_largest_remainder_adds_up_to_the_free_quantity(self):
        self.accounts.write({"stock_share_percent": 100})  # a third each
        for qty in (1, 2, 4, 5, 7):
            with self.subTest(qty=qty):
                self.assertEqual(sum(self._quantities(qty, "fixed_shares")), qty)
        self.assertEqual(self._quantities(5, "fixed_shares"), (2, 2, 1), "priority breaks ties")
        self.accounts.write({"stock_share_percent": 20})
        self.account.stock_share_percent = 50
        self.bulgaria.stock_share_percent = 30
        # 3.5 / 2.1 / 1.4 of 7: the floors (3, 2, 1) leave one unit, the largest remainder
        # (RO's 0.5) takes it.
        self.assertEqual(self._quantities(7, "fixed_shares"), (4, 2, 1))

    def test_last_unit_under_low_stock_priority_goes_to_the_first_account_only(self):
        self.assertEqual(self._quantities(2, "low_stock_priority"), (2, 2, 2), "above: whole pool")
        self.assertEqual(
            self._quantities(2, "low_stock_priority", low_stock_threshold=2), (2, 0, 0)
        )
        self.bulgaria.stock_priority = 0
        self.assertEqual(self._quantities(1, "low_stock_priority"), (0, 1, 0))
        # The first in priority does not sell this product: the next one gets the unit.
        only_ro_hu = self.account | self.hungary
        self.assertEqual(self._quantities(1, "low_stock_priority", only_ro_hu), (1, 0))
        self.assertEqual(
            self._quantities(4, "low_stock_priority", low_stock_threshold=5), (0, 4, 0)
        )

    def test_buffers_still_subtract(self):
        self.bulgaria.stock_buffer = 1
        product = self._product(qty=5)
        ro, bg, hu = (self._offer(product, account=account) for account in self.accounts)
        hu.stock_buffer = 2
        quantities = offer_quantities(self.env, (ro | bg | hu).ids)
        self.assertEqual((quantities[ro.id], quantities[bg.id], quantities[hu.id]), (5, 4, 3))
        self.account.stock_allocation_policy = "fixed_shares"
        quantities = offer_quantities(self.env, (ro | bg | hu).ids)
        self.assertEqual((quantities[ro.id], quantities[bg.id], quantities[hu.id]), (3, 0, 0))

    def test_policy_change_queues_one_full_push_per_account(self):
        with trap_jobs() as trap:
            self.account.stock_allocation_policy = "low_stock_priority"
            self.hungary.low_stock_threshold = 3
            self.account.stock_allocation_policy = "low_stock_priority"  # no change
            pushes = [job for job in trap.enqueued_jobs if job.method_name == "_job_sync_offers"]
            self.assertEqual(sorted(job.recordset.id for job in pushes), sorted(self.accounts.ids))
            self.assertTrue(all(job.args == () for job in pushes), "full pushes, not a few offers")
        with trap_jobs() as trap:
            self.account.stock_buffer = 3
            trap.assert_jobs_count(0)

    def _live_offers(self, qty):
        product = self._product(qty=qty)
        with trap_jobs():
            for account in self.accounts:
                self._offer(product, account=account, publish=True)
        return product

    def test_preview_tells_what_each_platform_is_offered_and_why(self):
        self.account.stock_allocation_policy = "low_stock_priority"
        self._live_offers(1)
        self._live_offers(5)
        action = self.bulgaria.action_preview_stock_allocation()
        preview = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(preview.hidden_count, 0)
        self.assertIn("1 (low stock: first in priority)", preview.preview)
        self.assertIn("0 (low stock: kept for the first in priority)", preview.preview)
        self.assertIn("5 (whole pool)", preview.preview)
        for account in self.accounts:
            self.assertIn(account.name, preview.preview)
        self.env["res.lang"]._activate_lang("ro_RO")
        in_romanian = preview.with_context(lang="ro_RO")
        in_romanian.invalidate_recordset(["preview"])
        self.assertIn("1 (stoc redus: primul în prioritate)", in_romanian.preview)

    def test_exception_report_lists_stock_offered_nowhere(self):
        self.account.write({"stock_allocation_policy": "fixed_shares", "stock_buffer": 1})
        product = self._live_offers(1)  # all of it to RO by largest remainder, less RO's buffer
        self.env["emag.exception"]._refresh()
        hidden = self.env["emag.exception"].search(
            [("kind", "=", "stock_hidden"), ("res_model", "=", "product.product")]
        )
        self.assertEqual(hidden.mapped("res_id"), [product.id])
        self.assertIn("Free in", hidden.message)
        self.account.stock_allocation_policy = "whole_pool"  # BG and HU offer it now
        self.env["emag.exception"]._refresh()
        self.assertFalse(hidden.exists())
