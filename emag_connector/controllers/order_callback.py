# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo import http
from odoo.http import request

_ORDER_ID_RE = re.compile(r"^\d{1,10}$")


class EmagOrderCallback(http.Controller):
    """eMAG's new-order and order-cancellation callbacks.

    eMAG calls ``<url>?order_id=<id>`` and repeats the new-order call until the
    order is acknowledged. The answer is immediate: the order is only queued
    for import (which reads it from eMAG). The token in the URL identifies the
    account; a wrong one gets a plain 404, like any unknown page.
    """

    @http.route(
        "/emag/callback/<string:token>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def order_callback(self, token, order_id=None, **_kwargs):
        account = request.env["emag.account"]._emag_from_callback_token(token)
        if not account:
            raise request.not_found()
        order_id = (order_id or "").strip()
        if not _ORDER_ID_RE.match(order_id):
            return request.make_response("missing or invalid order_id", status=400)
        account._emag_enqueue_import(order_id)
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])
