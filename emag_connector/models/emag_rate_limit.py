# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class EmagRateLimit(models.Model):
    """The pacing schedule of one eMAG rate-limit bucket, shared by all workers.

    eMAG limits each account (order routes 12 req/s, all other routes together
    3 req/s). Every Odoo worker and the job runner reserve their request slots
    in this table, so together they stay under the limit. Rows are written by
    :class:`~odoo.addons.emag_connector.services.common.rate_limiter.PostgresLimiter`
    with plain SQL, one short autocommitted statement per request.
    """

    _name = "emag.rate.limit"
    _description = "eMAG Rate Limit Bucket"
    _log_access = False
    _rec_name = "key"

    key = fields.Char(required=True, readonly=True, index=False)
    next_free = fields.Float(
        readonly=True,
        digits=(16, 6),
        help="Epoch second from which the next request of this bucket may start.",
    )

    _key_unique = models.Constraint("UNIQUE(key)", "One schedule per rate-limit bucket.")
