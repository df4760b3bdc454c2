"""Pricing against the eMAG simulator: the floor holds on every push, the
repricer wins the buy button where the floor allows, campaigns freeze offers."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..services.pricing.market import refresh_estimates
from .test_emag_offer import USERNAME, EmagOfferCase


@tagged("post_install", "-at_install")
class TestPricing(EmagOfferCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # cost 80, 15 % commission, 5 per order, 5 % minimum margin:
        # floor = (80 + 5) / (1 - 0.15 - 0.05) = 106.25
        cls.account.write(
            {
                "shipping_cost": 5.0,
                "default_commission_percent": 15.0,
                "min_margin_kind": "percent",
                "min_margin": 5.0,
                "reprice_strategy": "match_best",
                "reprice_undercut": 0.01,
                "reprice_max_change_percent": 0.0,
            }
        )

    def _priced_offer(self, cost, price=100.0, **vals):
        product = self._product(price=price, qty=5, standard_price=cost)
        return self._publish(self._offer(product, **vals))

    def _read_back(self):
        self.account._job_refresh_offer_status()

    def _sim_price(self, offer):
        return float(self.sim.get_offer(USERNAME, offer.seller_product_id)["sale_price"])

    def test_a_manual_price_below_the_floor_is_pushed_at_the_floor(self):
        offer = self._priced_offer(80.0, price=110.0, price_override=90.0)
        self.assertEqual(offer.state, "published")
        self.assertAlmostEqual(self._sim_price(offer), 106.25)
        self.assertEqual(offer.price_bound, "floor", "the offer says which bound it used")
        self.assertAlmostEqual(offer.floor_price, 106.25)
        self.assertAlmostEqual(offer.preview_price, 106.25)
        # a price above the floor goes as typed, and the offer says no bound was used
        offer.price_override = 120.0
        self.account._job_sync_offers()
        self.assertAlmostEqual(self._sim_price(offer), 120.0)
        self.assertEqual(offer.price_bound, "none")
        self.assertEqual(offer.margin_state, "ok")
        # margin at 120: 120 - 18 - 5 - 80 = 17
        self.assertAlmostEqual(offer.margin_amount, 17.0)

    def test_the_ceiling_caps_a_manual_price_and_a_floor_outside_the_band_is_not_sent(self):
        self.account.price_ceiling_percent = 10.0
        offer = self._priced_offer(10.0, price=100.0, price_override=125.0)
        self.assertAlmostEqual(self._sim_price(offer), 110.0)
        self.assertEqual(offer.price_bound, "ceiling")
        # a cost that puts the floor above eMAG's band (70-130): never sent, says why
        offer.product_id.standard_price = 120.0
        self.sim.clear_received()
        self.account._job_sync_offers()
        self.assertEqual(offer.state, "attention")
        self.assertIn("outside eMAG's band", offer.state_reason)
        self.assertFalse(self.sim.received(route="offer/save"))

    def test_commission_estimate_is_cached_with_its_date_and_moves_the_floor(self):
        offer = self._priced_offer(80.0, price=110.0)
        self.account._job_refresh_estimates()
        self.assertEqual(offer.commission_percent, 12.0, "the simulator's cable category")
        self.assertTrue(offer.commission_date)
        # (80 + 5) / (1 - 0.12 - 0.05) = 102.41
        self.assertAlmostEqual(offer.floor_price, 102.41)
        self.sim.clear_received()
        self.account._job_refresh_estimates()
        self.assertFalse(
            self.sim.received(route="commission/estimate"), "a fresh estimate is not read again"
        )

    def test_estimates_are_read_within_the_budget_of_a_run(self):
        offers = self._priced_offer(10.0) | self._priced_offer(10.0) | self._priced_offer(10.0)
        self.sim.clear_received()
        refreshed, _errors = refresh_estimates(self.account, budget=2)
        self.assertEqual(refreshed, 2)
        self.assertEqual(len(self.sim.received(route="commission/estimate")), 2)
        self.assertEqual(len(offers.filtered("commission_date")), 2)
        refresh_estimates(self.account, budget=2)
        self.assertEqual(len(offers.filtered("commission_date")), 3, "the oldest first")

    def test_a_round_wins_where_the_floor_allows_and_stays_at_the_floor_elsewhere(self):
        winnable = self._priced_offer(50.0, price=100.0)
        hopeless = self._priced_offer(80.0, price=110.0)
        self.sim.set_competitors(USERNAME, winnable.seller_product_id, [(95.0, 1)])
        self.sim.set_competitors(USERNAME, hopeless.seller_product_id, [(90.0, 2)])
        self._read_back()
        self.assertEqual((winnable.buy_button_rank, winnable.number_of_offers), (2, 2))
        self.assertAlmostEqual(winnable.best_offer_price, 95.0)
        with trap_jobs() as trap:
            self.account.action_reprice_now()
            self._perform_all(trap)
        self.assertAlmostEqual(self._sim_price(winnable), 94.99)
        self.assertEqual(winnable.buy_button_rank, 1, "read back after the push")
        self.assertAlmostEqual(self._sim_price(hopeless), 106.25)
        self.assertEqual(hopeless.buy_button_rank, 2)
        logs = self.env["emag.reprice.log"].search([("account_id", "=", self.account.id)])
        won = logs.filtered(lambda log: log.offer_id == winnable)
        self.assertEqual((won.old_price, won.new_price), (100.0, 94.99))
        self.assertEqual((won.rank_before, won.rank_after), (2, 1))
        held = logs.filtered(lambda log: log.offer_id == hopeless)
        self.assertEqual(held.bound, "floor")
        self.assertIn("floor", held.reason)

    def test_a_dry_run_lists_the_changes_and_sends_nothing(self):
        offer = self._priced_offer(50.0, price=100.0)
        self.sim.set_competitors(USERNAME, offer.seller_product_id, [(95.0, 1)])
        self._read_back()
        self.sim.clear_received()
        with trap_jobs() as trap:
            action = self.account.action_reprice_dry_run()
            trap.assert_jobs_count(0)
        logs = self.env["emag.reprice.log"].search(action["domain"])
        self.assertEqual(logs.mapped("new_price"), [94.99])
        self.assertTrue(logs.dry_run)
        self.assertEqual(self.sim.received(), [], "nothing was sent")
        self.assertFalse(offer.repriced_price, "nothing was changed")
        self.assertAlmostEqual(self._sim_price(offer), 100.0)

    def test_the_price_moves_at_most_the_daily_limit(self):
        self.account.reprice_max_change_percent = 10.0
        offer = self._priced_offer(10.0, price=100.0)
        self.sim.set_competitors(USERNAME, offer.seller_product_id, [(50.0, 1)])
        self._read_back()
        for _round in range(2):
            with trap_jobs() as trap:
                self.account.action_reprice_now()
                self._perform_all(trap)
        self.assertAlmostEqual(self._sim_price(offer), 90.0, msg="10 % of 100 in one day")
        last = self.env["emag.reprice.log"].search([("offer_id", "=", offer.id)], limit=1)
        self.assertEqual((last.old_price, last.new_price), (90.0, 90.0))
        self.assertIn("maximum change per day", last.reason)

    def _campaign(self, start_in, **options):
        now = self.sim.account(USERNAME).now()
        self.sim.add_campaign(
            USERNAME, 501, "Black Friday", now + start_in, now + timedelta(days=3), **options
        )
        self.account._job_sync_campaigns()
        return self.env["emag.campaign"].search([("account_id", "=", self.account.id)])

    def _propose(self, campaign, offers, line_vals=None):
        wizard = (
            self.env["emag.campaign.propose.wizard"]
            .with_context(**offers.action_propose_to_campaign()["context"])
            .create({"campaign_id": campaign.id})
        )
        for line in wizard.line_ids:
            line.write((line_vals or {}).get(line.offer_id.id, {}))
        with trap_jobs() as trap:
            wizard.action_propose()
            self._perform_all(trap)
        return campaign.proposal_ids

    def test_three_offers_proposed_each_get_emags_answer(self):
        offers = (
            self._priced_offer(10.0, price=100.0)
            | self._priced_offer(10.0, price=100.0)
            | self._priced_offer(10.0, price=100.0)
        )
        campaign = self._campaign(timedelta(hours=2), min_discount=10)
        self.assertEqual((campaign.name, campaign.state), ("Black Friday", "upcoming"))
        refused = offers[1]
        proposals = self._propose(campaign, offers, {refused.id: {"sale_price": 98.0}})
        self.assertEqual(len(proposals), 3)
        by_offer = {p.offer_id: p for p in proposals}
        self.assertEqual(by_offer[refused].state, "refused")
        self.assertIn("at least 10% below", by_offer[refused].answer)
        self.assertEqual({by_offer[o].state for o in offers - refused}, {"accepted"})
        self.assertIn("Black Friday", refused.campaign_answer)

    def test_campaigns_are_found_by_their_state(self):
        campaign = self._campaign(timedelta(hours=2))
        mine = [("account_id", "=", self.account.id)]
        Campaign = self.env["emag.campaign"]
        self.assertEqual(Campaign.search(mine + [("state", "=", "upcoming")]), campaign)
        self.assertFalse(Campaign.search(mine + [("state", "in", ["running", "ended"])]))
        # Odoo's clock, not the simulator's (another test may have moved that one).
        campaign.date_start = fields.Datetime.now() - timedelta(hours=1)
        self.assertEqual(Campaign.search(mine + [("state", "=", "running")]), campaign)
        self.assertEqual(
            Campaign.search(mine + [("state", "in", ["upcoming", "running"])]), campaign
        )

    def test_a_campaign_price_below_the_floor_is_refused_before_sending(self):
        offer = self._priced_offer(80.0, price=110.0)
        campaign = self._campaign(timedelta(hours=2))
        self.sim.clear_received()
        with self.assertRaisesRegex(UserError, "below the floor"):
            self._propose(campaign, offer, {offer.id: {"sale_price": 100.0}})
        self.assertFalse(self.sim.received(route="campaign_proposals/save"))

    def test_a_running_stock_in_site_campaign_freezes_price_and_stock(self):
        offer = self._priced_offer(10.0, price=100.0)
        other = self._priced_offer(10.0, price=100.0)
        campaign = self._campaign(timedelta(hours=1))
        self._propose(campaign, offer)
        # the campaign starts, on eMAG and in Odoo
        self.sim.clock.advance(hours=2)
        campaign.write({"date_start": fields.Datetime.now() - timedelta(minutes=5)})
        self.sim.clear_received()
        (offer | other).write({"price_override": 97.0})
        self.env["stock.quant"]._update_available_quantity(
            offer.product_id, self.warehouse.lot_stock_id, 3
        )
        self.account._job_sync_offers()
        sent = [
            item["id"] for r in self.sim.received(route="offer/save") for item in r.body["data"]
        ]
        self.assertEqual(sent, [other.seller_product_id], "the frozen offer is not sent")
        self.assertAlmostEqual(self._sim_price(offer), 100.0)
        self.assertTrue(offer.stock_dirty, "its stock goes after the campaign")
        self.assertEqual(offer.state, "published", "nothing eMAG would refuse was tried")
        log = self.account.action_reprice_dry_run()
        reason = self.env["emag.reprice.log"].search(log["domain"] + [("offer_id", "=", offer.id)])
        self.assertIn("campaign", reason.reason)
