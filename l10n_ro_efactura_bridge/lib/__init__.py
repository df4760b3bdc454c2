"""Pure-Python parts of the bridge: they import nothing of Odoo.

``anaf_spv`` is the HTTP client of ANAF's SPV e-Factura API; ``anaf_simulator``
is a faithful local SPV used by the tests and by the ``make demo`` sandbox.
"""
