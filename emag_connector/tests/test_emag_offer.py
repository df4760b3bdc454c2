"""Offers published to the eMAG simulator: paths, validation, stock, price, pushes."""

import itertools

from stdnum import ean as stdnum_ean

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..compat import stock_move_name
from ..lib.emag_simulator import EmagSimulator
from ..services.offers.stock import offer_quantities
from .common import LoopbackHttpMixin

USERNAME = "offers@shop.example.ro"
PASSWORD = "offers-secret"
_serial = itertools.count(1)


def valid_ean(number):
    body = f"594{number:09d}"
    return body + stdnum_ean.calc_check_digit(body)


class EmagOfferCase(LoopbackHttpMixin, TransactionCase):
    """An account on the simulator with eMAG's VAT rates, handling times and categories."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = EmagSimulator(seed=4, rate_limits=False)
        cls.sim.start()
        cls.addClassCleanup(cls.sim.stop)
        cls.sim.add_account(USERNAME, PASSWORD, platform="emag_ro")
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.account = cls._make_account("eMAG RO offers", cls.warehouse)
        with trap_jobs() as trap:
            cls.account.action_sync_reference_data()
            cls._perform_all(trap)
        cls.kettles = cls.env["emag.category"].search(
            [("platform", "=", "emag_ro"), ("emag_id", "=", 2735)]
        )
        cls.cables = cls.env["emag.category"].search(
            [("platform", "=", "emag_ro"), ("emag_id", "=", 3120)]
        )
        cls.vat_21 = cls.env["emag.vat"].search([("platform", "=", "emag_ro"), ("emag_id", "=", 1)])

    @classmethod
    def _make_account(cls, name, warehouse, **vals):
        return cls.env["emag.account"].create(
            {
                "name": name,
                "platform": "emag_ro",
                "api_url": cls.sim.base_url,
                "api_username": USERNAME,
                "api_password": PASSWORD,
                "warehouse_id": warehouse.id,
                # Prices in the company currency keep the arithmetic readable.
                "currency_id": cls.company.currency_id.id,
                **vals,
            }
        )

    @staticmethod
    def _perform_all(trap, rounds=6):
        """Run queued jobs, then those they queued, until none is left."""
        for _round in range(rounds):
            if not trap.enqueued_jobs:
                return
            trap.perform_enqueued_jobs()

    def _product(self, price=100.0, qty=0.0, barcode=None, warehouse=None, **vals):
        serial = next(_serial)
        product = self.env["product.product"].create(
            {
                "name": f"Fierbator {serial}",
                "default_code": f"OFR-{self.id_suffix}-{serial}",
                "type": "consu",
                "is_storable": True,
                "list_price": price,
                "barcode": barcode,
                "taxes_id": [Command.clear()],
                **vals,
            }
        )
        if qty:
            self.env["stock.quant"]._update_available_quantity(
                product, (warehouse or self.warehouse).lot_stock_id, qty
            )
        return product

    @property
    def id_suffix(self):
        return self._testMethodName[-8:]

    def _offer(self, product, account=None, **vals):
        return self.env["emag.offer"].create(
            {
                "account_id": (account or self.account).id,
                "product_id": product.id,
                "publication_path": "documentation",
                "category_id": self.cables.id,
                "brand": "Exemplu",
                "vat_id": self.vat_21.id,
                **vals,
            }
        )

    def _publish(self, offers):
        with trap_jobs() as trap:
            offers.action_publish()
            self._perform_all(trap)
        return offers

    def _sim_offer(self, offer):
        return self.sim.get_offer(USERNAME, offer.seller_product_id)


@tagged("post_install", "-at_install")
class TestOfferPublication(EmagOfferCase):
    def test_reference_data_synced_and_cheap_to_rerun(self):
        self.assertEqual(
            sorted(self.env["emag.vat"].search([("platform", "=", "emag_ro")]).mapped("rate")),
            [0.0, 0.11, 0.21],
        )
        self.assertTrue(self.kettles.is_allowed and self.kettles.is_ean_mandatory)
        self.assertEqual(self.kettles.parent_id.emag_id, 2710)
        capacity = self.kettles.characteristic_ids.filtered(lambda c: c.emag_id == 6876)
        self.assertTrue(capacity.is_mandatory)
        self.assertIn("1.7 l", capacity.value_ids.mapped("name"))
        colours = self.kettles.characteristic_ids.filtered(lambda c: c.emag_id == 5402)
        self.assertEqual(len(colours.value_ids), 20, "values read over several pages")
        self.assertEqual(self.kettles.family_type_ids.characteristic_ids, colours)
        stamp = self.kettles.write_date
        with trap_jobs() as trap:
            self.account.action_sync_reference_data()
            self._perform_all(trap)
        self.assertEqual(self.kettles.write_date, stamp, "an unchanged category is not rewritten")

    def test_publish_new_product_with_documentation(self):
        power = self.env["product.attribute"].create(
            {"name": "Putere", "value_ids": [Command.create({"name": "2200 W"})]}
        )
        template = self.env["product.template"].create(
            {
                "name": "Fierbator Exemplu",
                "type": "consu",
                "is_storable": True,
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "attribute_line_ids": [
                    Command.create(
                        {"attribute_id": power.id, "value_ids": [Command.set(power.value_ids.ids)]}
                    )
                ],
            }
        )
        product = template.product_variant_id
        product.write({"default_code": "KT-DOC-1", "barcode": valid_ean(101)})
        self.kettles.characteristic_ids.filtered(lambda c: c.emag_id == 7764).attribute_id = power
        capacity = self.kettles.characteristic_ids.filtered(lambda c: c.emag_id == 6876)
        offer = self._offer(
            product,
            category_id=self.kettles.id,
            warranty=24,
            image_urls="https://cdn.example.com/kt-main.jpg\nhttps://cdn.example.com/kt-side.jpg",
            characteristic_value_ids=[
                Command.create({"characteristic_id": capacity.id, "value": "1.7 l"})
            ],
        )
        self._publish(offer)
        self.assertEqual(offer.state, "published", offer.state_reason)
        sent = self._sim_offer(offer)
        self.assertEqual(sent["part_number"], "KT-DOC-1")
        self.assertEqual(sent["brand"], "Exemplu")
        self.assertEqual(
            {c["id"]: c["value"] for c in sent["characteristics"]},
            {6876: "1.7 l", 7764: "2200 W"},
            "the attribute mapping supplies the power without typing it",
        )
        self.assertEqual(
            sent["images"][0], {"display_type": 1, "url": "https://cdn.example.com/kt-main.jpg"}
        )
        self.assertEqual(sent["ean"], [valid_ean(101)])
        self.assertEqual(offer.last_answer, "Accepted.")
        with self.assertRaises(UserError):
            offer.part_number = "OTHER-1"

    def test_attach_by_ean_to_an_existing_product(self):
        code = valid_ean(202)
        pnk = self.sim.add_catalog_product("Filtru anticalcar", "Altul", 3120, [code])
        product = self._product(barcode=code, qty=5)
        offer = self._offer(product, publication_path="ean", category_id=False, brand=False)
        self._publish(offer)
        self.assertEqual(offer.state, "published", offer.state_reason)
        sent = self._sim_offer(offer)
        self.assertEqual(sent["part_number_key"], pnk)
        self.assertEqual(sent["ownership"], 2, "attached to another seller's documentation")
        self.assertEqual(offer.part_number_key, sent["part_number_key"])
        self.assertEqual(sent["stock"], [{"warehouse_id": 1, "value": 5}])

    def test_rejected_with_emags_message(self):
        product = self._product()
        offer = self._offer(
            product,
            publication_path="pnk",
            part_number_key="NOSUCHKEY1",
            min_sale_price=50,
            max_sale_price=150,
        )
        self._publish(offer)
        self.assertEqual(offer.state, "rejected")
        self.assertIn("part_number_key NOSUCHKEY1 does not exist", offer.state_reason)
        self.assertIn("does not exist", offer.last_answer)
        # Nothing changed: the next push does not resend the doomed offer.
        self.sim.clear_received()
        self.account._job_sync_offers()
        self.assertFalse(self.sim.received(route="product_offer/save"))

    def test_local_validation_never_sends_doomed_offers(self):
        product = self._product(price=0.0)
        offer = self._offer(product, category_id=self.kettles.id, image_urls="ftp://nope/x.jpg")
        self.sim.clear_received()
        self._publish(offer)
        self.assertEqual(offer.state, "attention")
        reason = offer.state_reason
        for expected in (
            "Capacitate",
            "Putere",
            "requires an EAN",
            "requires a warranty",
            "price is 0",
            "ftp://nope",
        ):
            self.assertIn(expected, reason)
        self.assertFalse(self.sim.received(route="product_offer/save"), "nothing doomed is sent")
        offer.ean_codes = "5940000000018"  # wrong checksum
        offer.action_retry()
        self.assertIn("5940000000018 is not valid", offer.state_reason)

    def test_unpublish_deactivates_on_emag(self):
        offer = self._publish(self._offer(self._product(qty=3)))
        with trap_jobs() as trap:
            offer.action_unpublish()
            self._perform_all(trap)
        self.assertEqual(offer.state, "inactive")
        self.assertEqual(self._sim_offer(offer)["status"], 0)


@tagged("post_install", "-at_install")
class TestOfferStockAndPrice(EmagOfferCase):
    def test_free_quantity_with_buffers(self):
        self.account.stock_buffer = 1
        product = self._product(qty=10)
        offer = self._offer(product, stock_buffer=2)
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.warehouse.lot_stock_id.id,
                "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                "move_ids": [
                    Command.create(
                        {
                            **stock_move_name(product.name),
                            "product_id": product.id,
                            "product_uom_qty": 3,
                            "location_id": self.warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self.assertEqual(product.qty_available, 10)
        self._publish(offer)
        # 10 on hand - 3 reserved = 7 free; minus 1 (account) and 2 (offer).
        self.assertEqual(self._sim_offer(offer)["stock"], [{"warehouse_id": 1, "value": 4}])
        offer.stock_buffer = 50
        self.assertEqual(offer_quantities(self.env, offer.ids)[offer.id], 0, "never negative")

    def test_shared_warehouse_split_by_share(self):
        self.account.write({"stock_share_percent": 60, "stock_allocation_policy": "fixed_shares"})
        other = self._make_account("eMAG RO second shop", self.warehouse, stock_share_percent=40)
        product = self._product(qty=10)
        mine, theirs = self._offer(product), self._offer(product, account=other)
        quantities = offer_quantities(self.env, (mine | theirs).ids)
        self.assertEqual((quantities[mine.id], quantities[theirs.id]), (6, 4))
        other.stock_share_percent = 100  # 160 % promised: scaled down to the free 10
        quantities = offer_quantities(self.env, (mine | theirs).ids)
        self.assertLessEqual(quantities[mine.id] + quantities[theirs.id], 10)
        self.assertTrue(self.account.shared_warehouse_warning)

    def test_fbe_stock_never_counted(self):
        fbe = self.env["stock.warehouse"].create({"name": "FBE offers", "code": "FBO"})
        self.account.fbe_warehouse_id = fbe
        product = self._product(qty=5)
        self.env["stock.quant"]._update_available_quantity(product, fbe.lot_stock_id, 40)
        self.assertEqual(product.qty_available, 45)
        offer = self._publish(self._offer(product))
        self.assertEqual(self._sim_offer(offer)["stock"][0]["value"], 5)

    def test_tax_included_prices_are_sent_without_vat(self):
        tax = self.env["account.tax"].create(
            {"name": "TVA 21% inclus", "amount": 21, "price_include_override": "tax_included"}
        )
        product = self._product(price=121.0, taxes_id=[Command.set(tax.ids)])
        offer = self._publish(self._offer(product))
        self.assertEqual(offer.vat_id, self.vat_21, "VAT mapped from the product tax rate")
        sent = self._sim_offer(offer)
        self.assertAlmostEqual(float(sent["sale_price"]), 100.0, places=4)
        self.assertAlmostEqual(float(sent["min_sale_price"]), 70.0, places=4)
        self.assertAlmostEqual(float(sent["max_sale_price"]), 130.0, places=4)

    def test_prices_without_vat_keep_four_decimals_only_when_needed(self):
        """eMAG shows the price with VAT to the customer: 48.4001 VAT included is
        sent as 40.00 (shown 48.40), while 48.43 needs 40.0248 (40.02 shows 48.42)."""
        tax = self.env["account.tax"].create(
            {"name": "TVA 21% inclus", "amount": 21, "price_include_override": "tax_included"}
        )
        round_offer = self._publish(
            self._offer(self._product(price=48.4001, taxes_id=[Command.set(tax.ids)]))
        )
        self.assertEqual(float(self._sim_offer(round_offer)["sale_price"]), 40.0)
        self.assertEqual(round_offer.pushed_price, 40.0)
        precise_offer = self._publish(
            self._offer(self._product(price=48.43, taxes_id=[Command.set(tax.ids)]))
        )
        self.assertAlmostEqual(float(self._sim_offer(precise_offer)["sale_price"]), 40.0248)
        self.assertAlmostEqual(precise_offer.pushed_price, 40.0248)

    def test_override_wins_and_bounds_are_guarded(self):
        product = self._product(price=100.0)
        offer = self._publish(self._offer(product, price_override=95.5))
        self.assertAlmostEqual(float(self._sim_offer(offer)["sale_price"]), 95.5)
        self.sim.clear_received()
        offer.price_override = 200.0  # above the 30 % band: never sent
        self.account._job_sync_offers()
        self.assertEqual(offer.state, "attention")
        self.assertIn("outside the allowed band", offer.state_reason)
        self.assertFalse(self.sim.received(route="offer/save"))
        self.assertAlmostEqual(float(self._sim_offer(offer)["sale_price"]), 95.5)
        offer.write({"min_sale_price": 150.0, "max_sale_price": 250.0})
        self.account._job_sync_offers()
        self.assertEqual(offer.state, "published")
        sent = self.sim.received(route="offer/save")
        self.assertEqual(len(sent), 1)
        self.assertEqual(
            set(sent[0].body["data"][0]),
            {"id", "sale_price", "min_sale_price", "max_sale_price"},
            "only what changed is sent",
        )

    def test_pilot_and_unchanged_catalog_costs_no_call(self):
        offers = self.env["emag.offer"]
        for _index in range(20):
            offers |= self._offer(self._product(qty=4))
        self._publish(offers)
        self.assertEqual(set(offers.mapped("state")), {"published"})
        self.assertEqual(
            len(self.sim.received(route="product_offer/save")), 1, "one call for the pilot"
        )
        self.sim.clear_received()
        with trap_jobs() as trap:
            self.env["emag.account"]._cron_sync_offers()
            self._perform_all(trap)
        self.assertEqual(self.sim.received(), [], "an unchanged catalogue costs zero calls")

    def test_sale_pushes_only_the_affected_offers(self):
        sold = self._product(qty=10)
        untouched = self._product(qty=10)
        offers = self._publish(self._offer(sold) | self._offer(untouched))
        customer = self.env["res.partner"].create({"name": "Client eMAG"})
        self.sim.clear_received()
        with trap_jobs() as trap:
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "warehouse_id": self.warehouse.id,
                    "order_line": [Command.create({"product_id": sold.id, "product_uom_qty": 3})],
                }
            )
            order.action_confirm()
            trap.assert_jobs_count(1, only=self.account._job_push_stock)
            self.assertFalse(self.sim.received(), "queued, not pushed in the user's transaction")
            self._perform_all(trap)
        calls = self.sim.received(route="offer/save")
        self.assertEqual(len(calls), 1)
        self.assertEqual(
            calls[0].body["data"],
            [{"id": offers[0].seller_product_id, "stock": [{"warehouse_id": 1, "value": 7}]}],
        )
        self.assertEqual(self._sim_offer(offers[1])["stock"][0]["value"], 10)

    def test_publish_wizard_previews_failures(self):
        good = self._product(qty=1)
        bad = self._product(price=0.0)
        wizard = (
            self.env["emag.offer.publish.wizard"]
            .with_context(active_model="product.product", active_ids=(good | bad).ids)
            .create(
                {"account_id": self.account.id, "category_id": self.cables.id, "brand": "Exemplu"}
            )
        )
        self.assertEqual((wizard.ready_count, wizard.failing_count), (1, 1))
        self.assertIn(bad.display_name, wizard.preview)
        self.assertIn("price is 0", wizard.preview)
        with trap_jobs() as trap:
            wizard.action_confirm()
            trap.assert_jobs_count(1, only=self.account._job_sync_offers)
        offers = self.env["emag.offer"].search([("product_id", "in", (good | bad).ids)])
        self.assertEqual(len(offers), 2)
        self.assertEqual(offers.filtered(lambda o: o.product_id == bad).state, "attention")
