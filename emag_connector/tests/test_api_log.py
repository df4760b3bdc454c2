"""What the API log shows of a call's bodies (``services/common/api_log.py``)."""

import json

from odoo.tests import BaseCase, tagged

from ..services.common.api_log import MAX_BODY_CHARS, as_text


@tagged("post_install", "-at_install")
class TestApiLogBodies(BaseCase):
    def test_json_is_indented_one_value_per_line(self):
        text = as_text({"data": [{"id": 7, "name": "Fierbător"}], "isError": False})
        self.assertIn('\n  "data": [\n', text)
        self.assertIn('"name": "Fierbător"', text)  # not \\u-escaped
        self.assertEqual(json.loads(text)["data"][0]["id"], 7)

    def test_json_text_is_indented_too(self):
        text = as_text('{"isError": false, "results": [1, 2]}')
        self.assertEqual(text.splitlines()[0], "{")
        self.assertIn('\n  "isError": false,\n', text)

    def test_xml_is_indented_with_its_declaration(self):
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<header xmlns="mfp:anaf:dgti:spv:respUploadFisier:v1" ExecutionStatus="0">'
            '<Errors errorMessage="Fișier invalid"/></header>'
        )
        text = as_text(body)
        lines = text.splitlines()
        self.assertEqual(lines[0], '<?xml version="1.0" encoding="UTF-8"?>')
        self.assertTrue(lines[1].startswith("<header "))
        self.assertEqual(lines[2], '  <Errors errorMessage="Fișier invalid"/>')

    def test_other_text_is_kept_as_it_is(self):
        for body in ("no answer: timed out", "<html broken", "{not json"):
            self.assertEqual(as_text(body), body)
        self.assertFalse(as_text(None))

    def test_document_link_tokens_are_redacted(self):
        """A live document link opens the invoice to anyone who reads the log."""
        url = "http://shop.example.ro/emag/document/Zk3_x-9AbQ0sEcReT.pdf"
        text = as_text({"data": [{"order_id": 5, "attachments": [{"url": url}]}]})
        self.assertNotIn("Zk3_x-9AbQ0sEcReT", text)
        self.assertIn('"url": "http://shop.example.ro/emag/document/***.pdf"', text)
        self.assertEqual(
            as_text(f"GET {url}?download=1"),
            "GET http://shop.example.ro/emag/document/***.pdf?download=1",
        )

    def test_long_bodies_are_cut_after_indenting(self):
        text = as_text({"results": ["x" * 100] * 400})
        self.assertTrue(text.endswith("more characters)"))
        self.assertLessEqual(len(text), MAX_BODY_CHARS + 40)
