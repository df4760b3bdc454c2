from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.emag_document_link import _digest
from .common import LoopbackHttpMixin


@tagged("post_install", "-at_install")
class TestEndpointTokens(LoopbackHttpMixin, HttpCase):
    """The public endpoints answer a wrong, expired or revoked token exactly
    like a page that does not exist: same status, same body, no hint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["emag.account"]
        cls.account = Account.create({"name": "Tokens RO", "platform": "emag_ro"})
        archived = Account.create({"name": "Tokens old", "platform": "emag_ro"})
        cls.archived_token = archived.order_callback_token
        archived.active = False
        cls.revoked_token = cls.account.order_callback_token
        cls.account.action_regenerate_callback_token()
        cls.token = cls.account.order_callback_token
        attachment = cls.env["ir.attachment"].create(
            {"name": "FACT-1.pdf", "raw": b"%PDF-1.4 invoice", "mimetype": "application/pdf"}
        )
        Link = cls.env["emag.document.link"]
        cls.live_url = Link._issue(attachment, "")
        cls.expired_url = Link._issue(attachment, "")
        expired_token = cls.expired_url.removeprefix("/emag/document/").removesuffix(".pdf")
        Link.search([("token_digest", "=", _digest(expired_token))]).expires_at = (
            fields.Datetime.now() - timedelta(seconds=1)
        )

    def _answer(self, path, method="GET"):
        response = self.opener.request(method, self.base_url() + path, timeout=30)
        return response.status_code, response.content

    def _assert_one_plain_not_found(self, paths, method):
        """Every path gets the same 404, which says nothing about the token."""
        answers = {self._answer(path, method) for path in paths}
        self.assertEqual(len(answers), 1, "a refused token must not be told apart from another")
        status, body = answers.pop()
        self.assertEqual(status, 404)
        self.assertNotIn(self.account.name.encode(), body)
        self.assertNotIn(b"token", body.lower())
        self.assertNotIn(b"expire", body.lower())

    def test_callbacks_refuse_every_token_but_the_live_one(self):
        refused = ("x" * 43, "abc", self.revoked_token, self.archived_token)
        for route in ("/emag/callback/", "/emag/rma_callback/"):
            for method in ("GET", "POST"):
                with self.subTest(route=route, method=method):
                    self._assert_one_plain_not_found(
                        [f"{route}{token}?order_id=412345678" for token in refused], method
                    )
            status, body = self._answer(f"{route}{self.token}?order_id=412345678")
            self.assertEqual((status, body), (200, b"OK"), "the live token still works")

    def test_document_link_refuses_wrong_and_expired_tokens(self):
        refused = (
            "/emag/document/" + "y" * 43 + ".pdf",
            self.expired_url,
            "/emag/document/" + "z" * 300 + ".pdf",
        )
        for method in ("GET", "HEAD"):
            with self.subTest(method=method):
                self._assert_one_plain_not_found(refused, method)
        status, body = self._answer(self.live_url)
        self.assertEqual((status, body), (200, b"%PDF-1.4 invoice"))
