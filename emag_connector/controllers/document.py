# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, http
from odoo.http import request


class EmagDocumentController(http.Controller):
    @http.route(
        "/emag/document/<string:token>.pdf",
        type="http",
        auth="public",
        methods=["GET", "HEAD"],
        csrf=False,
        save_session=False,
    )
    def emag_document(self, token):
        """Serve the PDF behind a live link; a plain 404 for anything else."""
        link = request.env["emag.document.link"]._resolve(token)
        if not link:
            raise request.not_found()
        link.sudo().write(
            {
                "download_count": link.download_count + 1,
                "last_download_at": fields.Datetime.now(),
            }
        )
        attachment = link.attachment_id.sudo()
        return request.make_response(
            attachment.raw,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Disposition", http.content_disposition(attachment.name)),
                ("Cache-Control", "no-store"),
                ("X-Robots-Tag", "noindex"),
            ],
        )
