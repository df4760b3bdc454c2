"""A local stand-in for the buyer registries (no Odoo here).

* ANAF's VAT registry, ``POST /api/PlatitorTvaRest/v9/tva`` (the v9 answer shape);
* EU VIES, ``GET /vies/checkVatService.wsdl`` and the SOAP endpoint it
  declares, ``POST /vies/services/checkVatService`` (``checkVat``,
  ``checkVatApprox``);
* ``/_sim/...``: JSON controls for tests and the demo (companies, VAT numbers,
  faults, call counts).

The real failure modes are played on demand: ANAF down (HTTP 503), its
firewall's HTML page with HTTP 200, rate limited (HTTP 429), a refused
request; VIES faults (``MS_UNAVAILABLE`` for a member state,
``SERVICE_UNAVAILABLE``, ``GLOBAL_MAX_CONCURRENT_REQ``, ``INVALID_INPUT``)
and an HTML error page. The core (:class:`RegistrySimulator.handle`) is
independent of the HTTP server, so another simulator can mount it.
"""

from .server import RegistrySimulator
