"""Buyers checked at the source: a company buying on eMAG is looked up in the
registry that keeps the truth about it, once, cached, never in a user's click.

- Romanian companies in ANAF's registry of VAT payers (``PlatitorTvaRest``):
  the legal name and registered address replace what the buyer typed, the
  ``RO`` prefix of its VAT id follows its VAT payer status, an unknown or
  inactive CUI parks its orders with a plain reason;
- companies of other member states in VIES: its answer and consultation number
  are kept on the partner; a line eMAG charged without VAT (reverse charge)
  for a buyer VIES does not confirm waits before invoicing.

Modules: :mod:`.check` (ask the registry, cache, apply to the partner, the
check job and what follows it), :mod:`.gate` (when to check: after an
order's import, and the hold the fulfilment pipeline asks before invoicing).
The HTTP clients are pure Python in ``lib/registries``.
"""
