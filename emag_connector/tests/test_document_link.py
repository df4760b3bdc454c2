from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

PDF = b"%PDF-1.4\n% an invoice\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestDocumentLink(HttpCase):
    """The public invoice URLs given to eMAG: unguessable, expiring, mute."""

    def setUp(self):
        super().setUp()
        self.attachment = self.env["ir.attachment"].create(
            {"name": "INV-2026-0001.pdf", "raw": PDF, "mimetype": "application/pdf"}
        )
        self.odoo_url = self.base_url()

    def _path(self, url):
        return url.removeprefix(self.odoo_url)

    def test_live_link_serves_the_pdf_without_a_session(self):
        url = self.env["emag.document.link"]._issue(self.attachment, self.odoo_url)
        self.assertRegex(url, r"/emag/document/[A-Za-z0-9_-]{43}\.pdf$")
        response = self.url_open(self._path(url))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("INV-2026-0001.pdf", response.headers["Content-Disposition"])
        link = self.env["emag.document.link"].search([("attachment_id", "=", self.attachment.id)])
        self.assertEqual(link.download_count, 1)

    def test_token_is_not_stored(self):
        url = self.env["emag.document.link"]._issue(self.attachment, self.odoo_url)
        token = url.rsplit("/", 1)[1].removesuffix(".pdf")
        link = self.env["emag.document.link"].search([("attachment_id", "=", self.attachment.id)])
        self.assertNotIn(token, link.token_digest)
        self.assertEqual(len(link.token_digest), 64)

    def test_two_links_never_share_a_token(self):
        Link = self.env["emag.document.link"]
        first = Link._issue(self.attachment, self.odoo_url)
        second = Link._issue(self.attachment, self.odoo_url)
        self.assertNotEqual(first, second)

    def test_wrong_expired_and_malformed_tokens_reveal_nothing(self):
        Link = self.env["emag.document.link"]
        url = Link._issue(self.attachment, self.odoo_url)
        live = self._path(url)
        wrong = live[:-10] + "AAAAAA.pdf"
        expired_url = Link._issue(self.attachment, self.odoo_url)
        Link.search([], limit=1, order="id desc").sudo().write(
            {"expires_at": fields.Datetime.now() - timedelta(seconds=1)}
        )
        answers = [
            self.url_open(path)
            for path in (wrong, self._path(expired_url), "/emag/document/x.pdf",
                         "/emag/document/" + "A" * 300 + ".pdf")
        ]  # fmt: skip
        for answer in answers:
            self.assertEqual(answer.status_code, 404)
            self.assertNotIn(b"%PDF", answer.content)
        # A wrong token and an expired one get the very same answer.
        self.assertEqual(answers[0].content, answers[1].content)
        self.assertEqual(self.url_open(live).status_code, 200, "the live link still works")
