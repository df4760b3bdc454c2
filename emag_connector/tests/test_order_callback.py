from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestOrderCallback(HttpCase):
    """eMAG's callbacks: answered at once, the import queued, strangers get a 404."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["emag.account"].create({"name": "eMAG callback test"})
        cls.token = cls.account.order_callback_token

    def _import_jobs(self, emag_id):
        return self.env["queue.job"].search(
            [("identity_key", "=like", f"emag-order-import:{self.account.id}:{emag_id}:%")]
        )

    def test_good_token_queues_the_import_and_answers_at_once(self):
        response = self.url_open(f"/emag/callback/{self.token}?order_id=412345678")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, "OK")
        self.assertEqual(len(self._import_jobs("412345678")), 1)
        # eMAG repeats the call until the acknowledgement: still one job.
        self.url_open(f"/emag/callback/{self.token}?order_id=412345678")
        self.assertEqual(len(self._import_jobs("412345678")), 1)

    def test_wrong_token_is_a_plain_not_found(self):
        for token in (self.token[:-1] + ("A" if self.token[-1] != "A" else "B"), "x", ""):
            response = self.url_open(f"/emag/callback/{token}?order_id=412345678")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("emag", response.text.lower())
        self.assertFalse(self._import_jobs("412345678"))

    def test_missing_order_id_is_refused(self):
        response = self.url_open(f"/emag/callback/{self.token}?order_id=12;DROP")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(
            self.env["queue.job"].search([("identity_key", "=like", "emag-order-import:%")])
        )
