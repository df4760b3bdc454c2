# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "eMAG Marketplace Connector",
    "summary": "Run eMAG Romania, Bulgaria and Hungary from Odoo: offers, stock, "
    "prices, orders, AWB, invoices and returns",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/emag-odoo/emag-connector",
    "author": "eMAG Connector Authors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["sale_stock", "stock_delivery", "queue_job"],
    "external_dependencies": {"python": ["requests", "lxml", "zeep", "python-stdnum"]},
    "data": [
        "security/emag_security.xml",
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "views/emag_account_views.xml",
        "views/emag_api_log_views.xml",
        "views/emag_menus.xml",
        "security/emag_offer_security.xml",
        "data/emag_offer_data.xml",
        "views/emag_offer_views.xml",
        "views/emag_category_views.xml",
        "views/emag_offer_account_product_views.xml",
        "security/emag_order_security.xml",
        "data/emag_order_data.xml",
        "views/emag_order_views.xml",
        "security/emag_fulfilment_security.xml",
        "data/emag_fulfilment_data.xml",
        "views/emag_fulfilment_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["emag_connector/static/tests/tours/*.js"],
    },
}
