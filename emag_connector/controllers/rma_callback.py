# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo import http
from odoo.http import request

_ID_RE = re.compile(r"^\d{1,10}$")


class EmagRmaCallback(http.Controller):
    """eMAG's "new return & status change" callback.

    Its parameters are not documented: the return id is taken from
    ``rma_id``, ``emag_id`` or ``id``, and when only ``order_id`` comes the
    returns of that order are read. The account is the one whose order
    callback token is in the URL; a wrong token gets a plain 404. The answer
    is immediate: the return is only queued for import.
    """

    @http.route(
        "/emag/rma_callback/<string:token>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def rma_callback(self, token, **params):
        account = request.env["emag.account"]._emag_from_callback_token(token)
        if not account:
            raise request.not_found()
        rma_id = next(
            (str(params[key]).strip() for key in ("rma_id", "emag_id", "id") if params.get(key)),
            "",
        )
        order_id = str(params.get("order_id") or "").strip()
        if _ID_RE.match(rma_id):
            account._emag_enqueue_rma_import(rma_id)
        elif _ID_RE.match(order_id):
            account._emag_enqueue_rma_import_for_order(order_id)
        else:
            return request.make_response("missing or invalid rma_id", status=400)
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])
