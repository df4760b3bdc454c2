"""Pure-Python parts of the connector: they import nothing of Odoo.

``emag_api`` is the HTTP client of the eMAG Marketplace API; ``emag_simulator``
is a faithful local eMAG used by the tests and by the ``make demo`` sandbox.
"""
