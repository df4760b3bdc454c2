"""Clients of the public registries a buyer is checked against (no Odoo here).

* :mod:`.anaf_vat` — ANAF's registry of VAT payers (``PlatitorTvaRest`` v9):
  a Romanian CUI's legal name, registered address, VAT payer status at a date,
  VAT on cash receipt, inactive status, RO e-Factura registration;
* :mod:`.vies` — the EU's VIES ``checkVat`` SOAP service, through ``zeep``.

Both raise the classes of :mod:`.errors`: :class:`RegistryUnavailableError`
(the service is down, busy or limiting us: try later, never the buyer's fault)
or :class:`RegistryInputError` (the number asked about cannot be asked).
An answer about the buyer (unknown, inactive, not valid) is data, not an error.
"""

from .anaf_vat import ANAF_VAT_URL, AnafCompany, AnafVatClient
from .errors import RegistryError, RegistryInputError, RegistryUnavailableError
from .vies import VIES_WSDL_URL, ViesAnswer, ViesClient, vies_parts
