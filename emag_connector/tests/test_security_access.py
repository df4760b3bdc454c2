from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

# eMAG models without a company, on purpose: the platforms' public reference
# data (the same for every seller of a platform) and the rate-limit buckets,
# written with plain SQL and keyed by a digest, never by a readable name.
SHARED_MODELS = {
    "emag.category",
    "emag.category.characteristic",
    "emag.category.characteristic.value",
    "emag.category.family.type",
    "emag.vat",
    "emag.handling.time",
    "emag.rate.limit",
}
SECRET_FIELDS = ("api_username", "api_password", "order_callback_token", "order_callback_url")


@tagged("post_install", "-at_install")
class TestSecurityAccess(TransactionCase):
    """Who may see what: per group, per company, and the account's secrets.

    Every eMAG record of company A is built once, with its twin in company
    B; then each kind of user looks.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Alt Magazin SRL"})
        cls.records_a = cls._company_records(cls.company_a, "a")
        cls.records_b = cls._company_records(cls.company_b, "b")
        cls.account_a = cls.records_a["emag.account"]

        def user(login, groups, company):
            return new_test_user(
                cls.env,
                login,
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )

        cls.internal = user("plain_internal", "base.group_user", cls.company_a)
        cls.emag_user = user("emag_user_a", "emag_connector.group_emag_user", cls.company_a)
        cls.manager_a = user("emag_manager_a", "emag_connector.group_emag_manager", cls.company_a)
        cls.manager_b = user("emag_manager_b", "emag_connector.group_emag_manager", cls.company_b)

    @classmethod
    def _company_records(cls, company, suffix):
        """One record of every company-owned eMAG model, in ``company``."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        account = env["emag.account"].create(
            {
                "name": f"eMAG {suffix}",
                "company_id": company.id,
                "api_username": f"seller-{suffix}@example.ro",
                "api_password": f"pass-{suffix}",
            }
        )
        partner = env["res.partner"].create({"name": f"Client {suffix}"})
        product = env["product.product"].create(
            {"name": f"Produs {suffix}", "default_code": f"SEC-{suffix}", "company_id": company.id}
        )
        offer = env["emag.offer"].create({"account_id": account.id, "product_id": product.id})
        category = env["emag.category"].create(
            {"name": "Fierbatoare", "platform": "emag_ro", "emag_id": 9000 + ord(suffix)}
        )
        characteristic = env["emag.category.characteristic"].create(
            {"category_id": category.id, "emag_id": 9000 + ord(suffix), "name": "Culoare"}
        )
        order = env["emag.order"].create({"account_id": account.id, "emag_id": f"ORD-{suffix}"})
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        picking = env["stock.picking"].create(
            {"picking_type_id": warehouse.out_type_id.id, "partner_id": partner.id}
        )
        fulfilment = env["emag.fulfilment"].create(
            {
                "picking_id": picking.id,
                "emag_order_id": order.id,
                "step_ids": [(0, 0, {"code": "awb", "sequence": 1})],
            }
        )
        rma = env["emag.rma"].create({"account_id": account.id, "emag_id": f"RMA-{suffix}"})
        attachment = env["ir.attachment"].create(
            {"name": f"invoice-{suffix}.pdf", "raw": b"%PDF-1.4", "company_id": company.id}
        )
        env["emag.document.link"]._issue(attachment, "http://localhost")
        campaign = env["emag.campaign"].create(
            {"account_id": account.id, "emag_id": ord(suffix), "name": f"Campanie {suffix}"}
        )
        return {
            "emag.account": account,
            "emag.offer": offer,
            "emag.offer.characteristic": env["emag.offer.characteristic"].create(
                {"offer_id": offer.id, "characteristic_id": characteristic.id, "value": "Rosu"}
            ),
            "emag.offer.takeover": env["emag.offer.takeover"].create(
                {"account_id": account.id, "seller_product_id": ord(suffix)}
            ),
            "emag.order": order,
            "emag.fulfilment": fulfilment,
            "emag.fulfilment.step": fulfilment.step_ids,
            "emag.awb.intent": env["emag.awb.intent"].create({"fulfilment_id": fulfilment.id}),
            "emag.courier.account": env["emag.courier.account"].create(
                {"account_id": account.id, "emag_id": 1, "name": "Curier"}
            ),
            "emag.pickup.address": env["emag.pickup.address"].create(
                {"account_id": account.id, "emag_id": f"ADDR-{suffix}"}
            ),
            "emag.rma": rma,
            "emag.rma.line": env["emag.rma.line"].create({"rma_id": rma.id}),
            "emag.api.log": env["emag.api.log"].create(
                {"account_id": account.id, "company_id": company.id, "route": "order/read"}
            ),
            "emag.document.link": env["emag.document.link"].search(
                [("attachment_id", "=", attachment.id)]
            ),
            "emag.reprice.rule": env["emag.reprice.rule"].create(
                {
                    "account_id": account.id,
                    "product_category_id": env["product.category"].create({"name": suffix}).id,
                }
            ),
            "emag.reprice.log": env["emag.reprice.log"].create(
                {"account_id": account.id, "offer_id": offer.id, "run_at": "2026-01-05 10:00:00"}
            ),
            "emag.campaign": campaign,
            "emag.campaign.proposal": env["emag.campaign.proposal"].create(
                {"campaign_id": campaign.id, "offer_id": offer.id, "sale_price": 9.0, "stock": 1}
            ),
            "emag.invoice.category": env["emag.invoice.category"].create(
                {
                    "account_id": account.id,
                    "code": "FC",
                    "name": "Commission",
                    "expense_account_id": env["account.account"]
                    .with_company(company)
                    .create(
                        {
                            "name": f"eMAG commission {suffix}",
                            "code": "622900",
                            "account_type": "expense",
                        }
                    )
                    .id,
                }
            ),
            "emag.exception": env["emag.exception"].create(
                {
                    "key": f"order_exception:emag.order:{order.id}",
                    "kind": "order_exception",
                    "severity": "error",
                    "account_id": account.id,
                    "company_id": company.id,
                    "res_model": "emag.order",
                    "res_id": order.id,
                }
            ),
        }

    def test_every_emag_model_is_scoped_by_company(self):
        """A new eMAG model without a multi-company rule fails here until it gets one."""
        models = {
            name
            for name, model in self.env.registry.items()
            if name.startswith("emag.") and not model._abstract and not model._transient
        }
        ruled = set(
            self.env["ir.rule"]
            .search([("model_id.model", "in", list(models)), ("global", "=", True)])
            .mapped("model_id.model")
        )
        self.assertEqual(models - ruled - SHARED_MODELS, set(), "models without a company rule")
        self.assertEqual(models - SHARED_MODELS, set(self.records_a), "every model has a fixture")

    def test_another_companys_records_are_invisible(self):
        """The eMAG manager of company B sees nothing of company A, model by model."""
        for model, record_a in self.records_a.items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.manager_b).with_context(active_test=False)
                visible = Model.search([])
                self.assertIn(self.records_b[model], visible)
                self.assertFalse(visible & record_a.with_user(self.manager_b))
                with self.assertRaises(AccessError):
                    record_a.with_user(self.manager_b).read(["id"])

    def test_another_companys_dashboard_is_closed(self):
        """The dashboard counts as superuser where it must: never for a foreign account."""
        with self.assertRaises(AccessError):
            self.account_a.with_user(self.manager_b).read(
                ["dashboard_orders_today", "dashboard_last_stock_push", "dashboard_health"]
            )

    def test_a_plain_internal_user_reads_nothing_of_emag(self):
        for model in self.records_a:
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.internal).search([])

    def test_an_emag_user_works_without_the_secrets(self):
        account = self.account_a.with_user(self.emag_user)
        self.assertEqual(account.name, "eMAG a", "the account itself is visible")
        self.assertTrue(account.read(["name", "platform"]))
        for field in SECRET_FIELDS:
            with self.subTest(field=field):
                with self.assertRaises(AccessError):
                    account.read([field])
                self.assertNotIn(field, account.fields_get())
        self.assertNotIn("api_password", account.read()[0], "a plain read leaves them out")
        with self.assertRaises(AccessError):
            account.action_regenerate_callback_token()
        with self.assertRaises(AccessError):
            account.write({"api_url": "http://127.0.0.1:1/api-3"})
        for model in ("emag.api.log", "emag.document.link", "emag.awb.intent"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.emag_user).search([])

    def test_the_manager_of_the_company_reads_the_secrets(self):
        account = self.account_a.with_user(self.manager_a)
        self.assertEqual(account.api_password, "pass-a")
        self.assertEqual(len(account.order_callback_token), 43)
        self.assertIn(account.order_callback_token, account.order_callback_url)
        self.assertFalse(
            self.env["emag.account"]
            .with_user(self.manager_a)
            .search([("api_username", "=", "seller-b@example.ro")]),
            "nor can a search on the secrets find another company's account",
        )
