"""Services: the connector's flows, kept apart from the models that store state.

Models call services; services receive plain values or records and talk to
eMAG through the pure-Python client in ``lib/emag_api``.
"""
