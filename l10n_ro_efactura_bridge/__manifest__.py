# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Romania e-Factura Bridge for eMAG",
    "summary": "Send the invoices and credit notes of eMAG orders to ANAF SPV (e-Factura) "
    "and track them until accepted",
    "version": "19.0.1.2.0",
    "category": "Accounting/Localizations/EDI",
    "website": "https://github.com/emag-odoo/emag-connector",
    "author": "eMAG Connector Authors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["emag_connector", "l10n_ro_edi"],
    "external_dependencies": {"python": ["requests", "lxml", "python-stdnum", "saxonche"]},
    "data": [
        "data/queue_job_data.xml",
        "data/ir_cron.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/emag_account_views.xml",
        "views/emag_account_dashboard_views.xml",
    ],
}
