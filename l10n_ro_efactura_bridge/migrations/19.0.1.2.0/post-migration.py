# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The received-bills job imports through core, which commits each bill's
import itself: the job function (noupdate data) must allow commits."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE queue_job_function
           SET allow_commit = TRUE
         WHERE id = (
            SELECT res_id FROM ir_model_data
             WHERE module = 'l10n_ro_efactura_bridge'
               AND name = 'job_function_res_company_efb_sync_received_bills'
         )
        """
    )
