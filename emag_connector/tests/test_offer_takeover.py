"""Taking over a catalogue the seller already has on eMAG (simulator seeded by hand)."""

from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..services.offers import takeover as offer_takeover
from ..services.offers.payload import documentation, fingerprint, offer_values
from ..services.offers.pricing import offer_prices
from ..services.operations import exception_report
from .test_emag_offer import PASSWORD, EmagOfferCase

SAVES = ("product_offer/save", "offer/save", "offer_stock")


@tagged("post_install", "-at_install")
class TestOfferTakeover(EmagOfferCase):
    def setUp(self):
        super().setUp()
        # A seller account of its own per test: the simulator outlives the test's rollback.
        self.username = f"takeover-{self._testMethodName[-20:]}@shop.example.ro"
        self.sim.add_account(self.username, PASSWORD, platform="emag_ro")
        self.seller = self._make_account(
            f"eMAG RO {self._testMethodName}", self.warehouse, api_username=self.username
        )
        # The class's own account draws on the same warehouse: give this one all of it.
        self.account.stock_share_percent = 0
        self.emag = {
            offer["id"]: offer for offer in self.sim.seed_catalogue(self.username, 8, start_id=101)
        }

    # ------------------------------------------------------------ helpers

    def _catalogue_products(self):
        """Odoo's side of the seeded catalogue: one product per way of matching."""
        emag = self.emag
        known = self._product(default_code=False)
        managed = self._offer(known, account=self.seller, part_number=emag[103]["part_number"])
        # As if Odoo had published it: eMAG knows it by 103 and holds Odoo's last push.
        managed.write({"seller_product_id": 103, "emag_created": True, "publish": True})
        managed.write(
            {
                "pushed_values": offer_values(
                    managed, offer_prices(self.env, managed)[managed.id], 0
                ),
                "doc_fingerprint": fingerprint(documentation(managed)),
            }
        )
        other = self._make_account("eMAG RO FBE", self.warehouse, fulfilment_type="fbe")
        by_pnk = self._product(default_code=False)
        self._offer(
            by_pnk,
            account=other,
            part_number="FBE-104",
            part_number_key=emag[104]["part_number_key"],
        )
        twin = emag[105]["part_number"]
        return {
            "part_number": self._product(default_code=emag[101]["part_number"].lower()),
            "ean": self._product(default_code=False, barcode=emag[102]["ean"][0]),
            "known": known,
            "pnk": by_pnk,
            "twins": self._product(default_code=twin) | self._product(default_code=twin),
            "claimed": self._product(
                default_code=emag[106]["part_number"], barcode=emag[107]["ean"][0]
            ),
        }

    def _import(self):
        with trap_jobs() as trap:
            self.seller.action_import_emag_offers()
            self._perform_all(trap, rounds=10)
        return self._lines()

    def _lines(self):
        return {
            line.seller_product_id: line
            for line in self.env["emag.offer.takeover"].search(
                [("account_id", "=", self.seller.id)]
            )
        }

    def _saves(self):
        return [
            request
            for request in self.sim.received(username=self.username)
            if request.route.startswith(SAVES)
        ]

    # -------------------------------------------------------------- tests

    def test_each_key_matches_and_doubt_waits_for_a_person(self):
        products = self._catalogue_products()
        lines = self._import()
        self.assertEqual(self.seller.takeover_state, "done")
        self.assertEqual(self.seller.takeover_read_count, 8)
        expected = {
            101: ("linked", "part_number", 95, products["part_number"]),
            102: ("linked", "ean", 90, products["ean"]),
            103: ("linked", "known_id", 100, products["known"]),
            104: ("linked", "part_number_key", 80, products["pnk"]),
        }
        for emag_id, (state, key, confidence, product) in expected.items():
            line = lines[emag_id]
            self.assertEqual(
                (line.state, line.match_key, line.confidence, line.product_id),
                (state, key, confidence, product),
                f"offer {emag_id}: {line.note}",
            )
            self.assertEqual(line.offer_id.seller_product_id, emag_id, "eMAG's id, not ours")
        self.assertEqual(lines[105].state, "ambiguous")
        self.assertEqual(lines[105].candidate_product_ids, products["twins"])
        self.assertIn("2 products share", lines[105].note)
        for emag_id in (106, 107):
            self.assertEqual(lines[emag_id].state, "ambiguous", "two offers for one product")
            self.assertFalse(lines[emag_id].offer_id)
        self.assertEqual(lines[108].state, "unmatched")
        self.assertFalse(
            products["claimed"].emag_offer_ids.filtered(lambda o: o.account_id == self.seller)
        )
        offer = lines[101].offer_id
        self.assertEqual(offer.part_number, self.emag[101]["part_number"])
        self.assertEqual(offer.pushed_price, float(self.emag[101]["sale_price"]))
        self.assertEqual(offer.pushed_stock, self.emag[101]["general_stock"])
        self.assertTrue(offer.emag_created and offer.takeover_hold and offer.publish)
        self.assertFalse(lines[103].offer_id.takeover_hold, "Odoo managed it already")
        self.assertEqual(self.seller.takeover_review_count, 4)

    def test_link_then_push_nothing_until_asked(self):
        products = self._catalogue_products()
        products["pnk"].sale_ok = False  # Odoo would take this one off sale
        lines = self._import()
        offer = lines[101].offer_id
        products["part_number"].list_price = 333.0
        self.env["stock.quant"]._update_available_quantity(
            products["ean"], self.warehouse.lot_stock_id, 7
        )
        self.seller._job_sync_offers()
        self.seller._job_push_stock()
        self.env["emag.account"]._cron_sync_offers()
        self.assertFalse(self._saves(), "linking sends nothing, nor does any sync after it")

        summary = offer_takeover.first_sync_summary(
            self.env["emag.offer"].search([("takeover_hold", "=", True)])
        )
        self.assertIn(offer, [row[0] for row in summary.prices])
        self.assertIn(lines[102].offer_id, [row[0] for row in summary.stocks])
        self.assertEqual(summary.deactivations, [lines[104].offer_id])
        self.assertEqual(self.sim.get_offer(self.username, 104)["status"], 1)

        wizard = self.env["emag.offer.takeover.summary"].create({"account_id": self.seller.id})
        self.assertEqual(wizard.held_count, 3, "the offer Odoo managed already is not held")
        self.assertEqual(wizard.deactivate_count, 1)
        self.assertIn("333", wizard.details)
        with trap_jobs() as trap:
            wizard.action_adopt_odoo_values()
            self._perform_all(trap)
        self.assertFalse(offer.takeover_hold)
        self.assertEqual(float(self.sim.get_offer(self.username, 101)["sale_price"]), 333.0)
        self.assertEqual(self.sim.get_offer(self.username, 102)["general_stock"], 7)
        self.assertEqual(self.sim.get_offer(self.username, 104)["status"], 0)
        self.assertEqual(lines[104].offer_id.state, "inactive")
        self.assertFalse(
            [r for r in self._saves() if r.route == "product_offer/save"],
            "the documentation eMAG holds is not sent again",
        )

    def test_adopting_emags_prices_keeps_them_on_emag(self):
        products = self._catalogue_products()
        lines = self._import()
        products["part_number"].list_price = 333.0
        emag_price = float(self.emag[101]["sale_price"])
        wizard = self.env["emag.offer.takeover.summary"].create({"account_id": self.seller.id})
        self.assertTrue(wizard.price_count)
        with trap_jobs() as trap:
            wizard.action_adopt_emag_prices()
            self._perform_all(trap)
        offer = lines[101].offer_id
        self.assertEqual(offer.preview_price, emag_price)
        self.assertEqual(float(self.sim.get_offer(self.username, 101)["sale_price"]), emag_price)
        sent = [r.body for r in self._saves() if r.route == "offer/save"]
        self.assertFalse(
            [entity for body in sent for entity in body["data"] if "sale_price" in entity],
            "no price was sent",
        )

    def test_person_resolves_the_review_list(self):
        products = self._catalogue_products()
        lines = self._import()
        twin = products["twins"][0]
        lines[105].product_id = twin
        self.assertEqual((lines[105].state, lines[105].match_key), ("matched", "manual"))
        (lines[105] | lines[106]).action_link()
        self.assertEqual(lines[105].state, "linked")
        self.assertEqual(lines[105].offer_id.product_id, twin)
        self.assertEqual(lines[106].state, "ambiguous", "no product chosen yet")
        lines[106].product_id = products["claimed"]
        lines[106].action_link()
        self.assertEqual(lines[106].offer_id.seller_product_id, 106)

        (lines[107] | lines[108]).action_create_product()
        for emag_id in (107, 108):
            line = lines[emag_id]
            self.assertEqual(line.state, "linked")
            self.assertEqual(line.match_key, "created")
            product = line.product_id
            self.assertEqual(product.name, self.emag[emag_id]["name"])
            self.assertEqual(product.default_code, self.emag[emag_id]["part_number"])
            self.assertEqual(line.offer_id.seller_product_id, emag_id)
        self.assertFalse(
            lines[107].product_id.barcode, "the EAN stays with the product that already has it"
        )
        self.assertEqual(lines[108].product_id.barcode, self.emag[108]["ean"][0])
        self.assertEqual(lines[108].offer_id.category_id.emag_id, 3120)
        self.assertFalse(self._saves())

        self.sim.seed_catalogue(self.username, 1, start_id=109)
        lines[108].action_ignore()
        self.assertEqual(lines[108].state, "linked", "a linked offer is not ignored")
        lines = self._import()
        self.assertEqual(lines[105].state, "linked", "a new read keeps what a person decided")
        self.assertTrue(lines[109].found_later)
        report = exception_report.collect(self.env, self.seller)
        unlinked = [line for line in report if line.kind == "offer_unlinked"]
        self.assertEqual([line.record for line in unlinked], [lines[109]])
        lines[109].action_ignore()
        self.assertFalse(
            [
                line
                for line in exception_report.collect(self.env, self.seller)
                if line.kind == "offer_unlinked"
            ]
        )

    def test_interrupted_read_resumes_from_its_checkpoint(self):
        with (
            patch.object(offer_takeover, "ITEMS_PER_PAGE", 2),
            patch.object(offer_takeover, "PAGES_PER_JOB", 2),
            trap_jobs() as trap,
        ):
            self.seller.action_import_emag_offers()
            trap.perform_enqueued_jobs()  # pages 1 and 2
            self.assertEqual(self.seller.takeover_next_page, 3)
            self.sim.add_fault("error", route="product_offer/read", times=4, status=503)
            trap.perform_enqueued_jobs()  # page 3 fails beyond the client's retries
            self.assertEqual(self.seller.takeover_state, "interrupted")
            self.assertIn("page 3", self.seller.takeover_message)
            self.assertEqual(self.seller.takeover_next_page, 3)
            self.assertEqual(len(self._lines()), 4, "what was read before is kept")
            self._perform_all(trap)
        self.assertEqual(self.seller.takeover_state, "done")
        self.assertEqual(sorted(self._lines()), list(range(101, 109)))
        pages = [
            request.body["currentPage"]
            for request in self.sim.received(route="product_offer/read", username=self.username)
            if request.status == 200
        ]
        self.assertEqual(pages, [1, 2, 3, 4, 5], "no page read twice")

    def test_publishing_an_offer_eMAG_has_links_to_it(self):
        product = self._product(price=150.0, qty=4, barcode=self.emag[101]["ean"][0])
        offer = self._offer(
            product, account=self.seller, publication_path="ean", category_id=False, brand=False
        )
        self._publish(offer)
        self.assertEqual(offer.seller_product_id, 101, offer.last_answer)
        self.assertTrue(offer.emag_created)
        self.assertTrue(
            any("linked to it" in body for body in offer.message_ids.mapped("body")),
            "the chatter says what happened",
        )
        self.assertNotEqual(offer.state, "rejected")
        sim_offer = self.sim.get_offer(self.username, 101)
        self.assertEqual(float(sim_offer["sale_price"]), 150.0, "Odoo's values update it")
        self.assertEqual(sim_offer["general_stock"], 4)
        self.assertEqual(len(self.sim.account(self.username).offers), 8, "no second offer")

    def test_a_duplicate_of_an_offer_linked_elsewhere_is_refused_plainly(self):
        first = self._offer(
            self._product(barcode=self.emag[101]["ean"][0]),
            account=self.seller,
            publication_path="ean",
            category_id=False,
            brand=False,
        )
        self._publish(first)
        self.assertEqual(first.seller_product_id, 101)
        other = self._offer(
            self._product(),
            account=self.seller,
            publication_path="ean",
            category_id=False,
            brand=False,
            ean_codes=self.emag[101]["ean"][0],
        )
        self._publish(other)
        self.assertEqual(other.state, "rejected")
        self.assertIn("is linked to", other.state_reason)
        self.assertEqual(first.seller_product_id, 101, "the first link stands")
        self.sim.clear_received()
        self.seller._job_sync_offers()
        self.assertFalse(self._saves(), "the refused duplicate is not resent unchanged")

    def test_reading_statuses_never_links_an_offer_in_passing(self):
        """A draft offer whose part number eMAG knows stays a draft: eMAG's offer is
        left alone (it used to be linked, then deactivated by the next push)."""
        draft = self._offer(
            self._product(), account=self.seller, part_number=self.emag[101]["part_number"]
        )
        self.seller._job_refresh_offer_status()
        self.seller._job_sync_offers()
        self.assertFalse(draft.emag_created)
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self.sim.get_offer(self.username, 101)["status"], 1)
        self.assertFalse(self._saves())
