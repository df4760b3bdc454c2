# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..services.orders import status as order_status


class EmagAccount(models.Model):
    """The thresholds of the exception report, per account."""

    _inherit = "emag.account"

    exception_in_progress_hours = fields.Integer(
        string="Stuck 'In Progress' After (h)",
        default=24,
        help="An acknowledged order with no change on eMAG for this many hours is reported "
        "as stuck. 0 turns the check off.",
    )
    exception_prepared_hours = fields.Integer(
        string="Stuck 'Prepared' After (h)",
        default=24,
        help="A prepared order with no change on eMAG (no AWB) for this many hours is "
        "reported as stuck. 0 turns the check off.",
    )
    exception_deadline_hours = fields.Integer(
        string="Shipping Deadline Warning (h)",
        default=12,
        help="Orders not finalized this many hours before eMAG's shipping deadline are "
        "reported; past the deadline they are reported as errors.",
    )
    exception_attach_hours = fields.Integer(
        string="Invoice Attachment Delay (h)",
        default=24,
        help="A delivery whose invoice is still not attached to the eMAG order this many "
        "hours after validation is reported.",
    )
    exception_return_hours = fields.Integer(
        string="Return Waiting Delay (h)",
        default=72,
        help="A new return not handled, or received goods whose return is not finished on "
        "eMAG, after this many hours, is reported.",
    )
    exception_count = fields.Integer(compute="_compute_exception_count")

    _exception_thresholds_positive = models.Constraint(
        "CHECK(exception_in_progress_hours >= 0 AND exception_prepared_hours >= 0 "
        "AND exception_deadline_hours >= 0 AND exception_attach_hours >= 0 "
        "AND exception_return_hours >= 0)",
        "The exception report's thresholds cannot be negative.",
    )

    def _compute_exception_count(self):
        counts = dict(
            self.env["emag.exception"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.exception_count = counts.get(account, 0)

    def _emag_stuck_thresholds(self):
        """Hours without change after which an order in each status is stuck (0: never)."""
        self.ensure_one()
        return {
            order_status.IN_PROGRESS: self.exception_in_progress_hours,
            order_status.PREPARED: self.exception_prepared_hours,
        }

    def action_view_exceptions(self):
        self.ensure_one()
        action = self.env["emag.exception"].action_open_report()
        action["domain"] = [("account_id", "=", self.id)]
        return action
