# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import secrets
from datetime import timedelta

from odoo import api, fields, models

DEFAULT_VALIDITY_DAYS = 30


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class EmagDocumentLink(models.Model):
    """A public, expiring link to one PDF, for eMAG to download.

    eMAG attaches invoices to orders by downloading them from a URL we give
    it. The URL carries a random token; only its SHA-256 digest is stored, so
    neither the database nor a backup can be used to rebuild a live link, and
    the link stops working at ``expires_at``.
    """

    _name = "emag.document.link"
    _description = "eMAG Public Document Link"
    _order = "id desc"

    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="cascade")
    token_digest = fields.Char(required=True, readonly=True, copy=False)
    expires_at = fields.Datetime(required=True, readonly=True)
    download_count = fields.Integer(readonly=True)
    last_download_at = fields.Datetime(readonly=True)

    _token_digest_unique = models.UniqueIndex("(token_digest)")

    @api.model
    def _issue(self, attachment, base_url, validity_days=DEFAULT_VALIDITY_DAYS):
        """Return a new public URL of ``attachment``, valid ``validity_days`` days."""
        token = secrets.token_urlsafe(32)
        self.sudo().create(
            {
                "attachment_id": attachment.id,
                "token_digest": _digest(token),
                "expires_at": fields.Datetime.now() + timedelta(days=validity_days),
            }
        )
        return f"{base_url.rstrip('/')}/emag/document/{token}.pdf"

    @api.model
    def _resolve(self, token):
        """The live link of ``token``, or an empty recordset.

        Unknown, expired and malformed tokens are alike to the caller, so an
        answer never tells which tokens once existed.
        """
        if not token or len(token) > 128:
            return self.browse()
        return self.sudo().search(
            [("token_digest", "=", _digest(token)), ("expires_at", ">", fields.Datetime.now())],
            limit=1,
        )

    @api.autovacuum
    def _gc_expired_links(self):
        self.sudo().search([("expires_at", "<", fields.Datetime.now())]).unlink()
