# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models

RETENTION_DAYS = 30


class EmagApiLog(models.Model):
    """One HTTP call to eMAG or ANAF, kept 30 days as evidence for debugging.

    Bodies are redacted by the clients before they reach this model: no
    Authorization header, password or token is ever stored. Records are
    written on a cursor of their own (see ``services/common/api_log.py``) so the log
    of a call survives the rollback of the job that made it.
    """

    _name = "emag.api.log"
    _description = "eMAG / ANAF API Call"
    _order = "id desc"
    _rec_name = "route"

    account_id = fields.Many2one("emag.account", index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(
        "res.company", index=True, readonly=True, default=lambda self: self.env.company
    )
    service = fields.Selection(
        [("emag", "eMAG"), ("anaf", "ANAF SPV")], required=True, default="emag", readonly=True
    )
    method = fields.Char(readonly=True)
    route = fields.Char(required=True, index=True, readonly=True)
    http_status = fields.Integer(string="HTTP Status", readonly=True, aggregator=False)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True, aggregator="avg")
    attempt = fields.Integer(readonly=True, default=1, aggregator="max")
    outcome = fields.Char(
        readonly=True,
        index=True,
        help='"ok", or the kind of error: authentication, IP not whitelisted, validation, '
        "rate limited, transient, unexpected answer, outcome unknown.",
    )
    success = fields.Boolean(compute="_compute_success", store=True)
    request_body = fields.Text(readonly=True)
    response_body = fields.Text(readonly=True)

    @api.depends("outcome")
    def _compute_success(self):
        for log in self:
            log.success = log.outcome == "ok"

    @api.autovacuum
    def _gc_old_calls(self):
        """Forget calls older than the retention period (30 days)."""
        limit = fields.Datetime.now() - timedelta(days=RETENTION_DAYS)
        self.sudo().search([("create_date", "<", limit)]).unlink()
