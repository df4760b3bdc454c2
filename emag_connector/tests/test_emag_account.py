import base64

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import CannedEmagServer, LoopbackHttpMixin, free_loopback_port


@tagged("post_install", "-at_install")
class TestEmagAccount(LoopbackHttpMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["emag.account"].create(
            {
                "name": "eMAG RO",
                "platform": "emag_ro",
                "api_username": "seller@example.ro",
                "api_password": "s3cret-Pa55",
            }
        )

    def test_platform_sets_url_currency_and_language(self):
        bulgaria = self.env["emag.account"].create({"name": "eMAG BG", "platform": "emag_bg"})
        self.assertEqual(bulgaria.api_url, "https://marketplace-api.emag.bg/api-3")
        self.assertEqual(bulgaria.currency_id.name, "EUR", "Bulgaria sells in euro since 2026")
        self.assertEqual(bulgaria.lang, "bg_BG")
        hungary = self.env["emag.account"].create({"name": "eMAG HU", "platform": "emag_hu"})
        self.assertEqual(hungary.currency_id.name, "HUF")
        self.assertTrue(hungary.currency_id.active, "the platform currency is activated")
        hungary.api_url = "http://127.0.0.1:8099/api-3"
        self.assertEqual(hungary.api_url, "http://127.0.0.1:8099/api-3", "URL stays editable")

    def test_language_shows_by_its_name(self):
        """The form names the platform's language, installed or not, not its code."""
        labels = dict(self.account._fields["lang"]._description_selection(self.env))
        self.assertEqual(self.account.lang, "ro_RO")
        self.assertEqual(labels["ro_RO"], "Romanian / română")
        hungary = self.env["emag.account"].create({"name": "eMAG HU", "platform": "emag_hu"})
        self.assertEqual(labels[hungary.lang], "Hungarian / Magyar")

    def test_each_account_is_a_sales_channel(self):
        self.assertEqual(self.account.team_id.name, "eMAG RO")
        self.assertEqual(self.account.pricelist_id.currency_id.name, "RON")
        other = self.env["emag.account"].create({"name": "eMAG HU", "platform": "emag_hu"})
        self.assertNotEqual(other.team_id, self.account.team_id)
        self.assertEqual(other.pricelist_id.currency_id.name, "HUF")

    def test_password_is_for_managers_only(self):
        user = new_test_user(self.env, "emag_user", groups="emag_connector.group_emag_user")
        as_user = self.account.with_user(user)
        self.assertEqual(as_user.name, "eMAG RO", "an eMAG user sees the account")
        with self.assertRaises(AccessError):
            _ = as_user.api_password
        with self.assertRaises(AccessError):
            as_user.read(["api_password"])
        self.assertNotIn("api_password", as_user.fields_get())
        manager = new_test_user(self.env, "emag_mgr", groups="emag_connector.group_emag_manager")
        self.assertEqual(self.account.with_user(manager).api_password, "s3cret-Pa55")

    def test_other_company_account_is_invisible(self):
        other_company = self.env["res.company"].create({"name": "Other SRL"})
        hidden = self.env["emag.account"].create(
            {"name": "Other eMAG", "company_id": other_company.id}
        )
        manager = new_test_user(
            self.env,
            "emag_mgr_mc",
            groups="emag_connector.group_emag_manager",
            company_id=self.env.company.id,
            company_ids=[(6, 0, self.env.company.ids)],
        )
        visible = self.env["emag.account"].with_user(manager).search([])
        self.assertIn(self.account, visible)
        self.assertNotIn(hidden, visible)
        with self.assertRaises(AccessError):
            hidden.with_user(manager).read(["name"])

    def _test_connection(self, url):
        self.account.api_url = url
        action = self.account.action_test_connection()
        return self.account.connection_state, action["params"]["message"]

    def test_connection_ok_sends_basic_auth(self):
        with CannedEmagServer() as server:
            state, message = self._test_connection(server.url)
        self.assertEqual(state, "ok", message)
        expected = base64.b64encode(b"seller@example.ro:s3cret-Pa55").decode()
        self.assertEqual(server.requests[0]["authorization"], f"Basic {expected}")
        self.assertTrue(self.account.connection_checked_at)

    def test_connection_wrong_credentials(self):
        refusal = {
            "isError": True,
            "messages": ["You are not allowed to use this API."],
            "results": [],
        }
        with CannedEmagServer(status=403, body=refusal) as server:
            state, message = self._test_connection(server.url)
        self.assertEqual(state, "auth")
        self.assertIn("username or password", message)

    def test_connection_ip_not_whitelisted_shows_the_ip(self):
        refusal = {
            "isError": True,
            "messages": ["ERROR: Invalid vendor ip [203.0.113.7]"],
            "results": [],
        }
        with CannedEmagServer(status=200, body=refusal) as server:
            state, message = self._test_connection(server.url)
        self.assertEqual(state, "ip")
        self.assertIn("203.0.113.7", message)
        self.assertIn("203.0.113.7", self.account.connection_message)

    def test_connection_refused(self):
        state, message = self._test_connection(f"http://127.0.0.1:{free_loopback_port()}/api-3")
        self.assertEqual(state, "unreachable")
        self.assertIn("could not be reached", message)

    def test_connection_unexpected_answer(self):
        with CannedEmagServer(status=200, body={"hello": "world"}) as server:
            state, message = self._test_connection(server.url)
        self.assertEqual(state, "unexpected")
        self.assertIn("unexpected", message)

    def test_calls_are_logged_without_secrets(self):
        refusal = {
            "isError": True,
            "messages": ["ERROR: Invalid vendor ip [203.0.113.7]"],
            "results": [],
        }
        with CannedEmagServer(status=200, body=refusal) as server:
            self._test_connection(server.url)
        log = self.env["emag.api.log"].search([("account_id", "=", self.account.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.route, "vat/read")
        self.assertEqual(log.http_status, 200)
        self.assertEqual(log.outcome, "EmagIpNotWhitelistedError")
        self.assertFalse(log.success)
        self.assertIn("203.0.113.7", log.response_body)
        stored = f"{log.request_body} {log.response_body}"
        self.assertNotIn("s3cret-Pa55", stored)
        self.assertNotIn(base64.b64encode(b"seller@example.ro:s3cret-Pa55").decode(), stored)
        self.assertEqual(self.account.api_calls_other_last_minute, 1)
        self.assertEqual(self.account.api_calls_orders_last_minute, 0)
