"""Ask the registry about one buyer, keep its answer on the partner, act on it.

One check per buyer and cache lifetime (the company's setting, 30 days by
default): a confirmed answer younger than that is used as it is; a negative
one (unknown, inactive, not confirmed) is asked again whenever an order
needs it, so a buyer who fixed their registration is not held for a month.
A registry that cannot answer (down, rate limited, a member state
unavailable) changes nothing on the partner: the job is retried later and
the order waits; it is never the buyer's fault.
"""

import logging
from collections import Counter
from datetime import timedelta

from stdnum.eu import vat as eu_vat

from odoo import fields
from odoo.tools.translate import LazyTranslate

from odoo.addons.queue_job.exception import RetryableJobError

from ...lib.registries import (
    ANAF_VAT_URL,
    VIES_WSDL_URL,
    AnafVatClient,
    RegistryInputError,
    RegistryUnavailableError,
    ViesClient,
)
from ..common import labels

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# Registry calls and cache hits of this process (read by the orders benchmark).
STATS = Counter()

CONFIRMED = "confirmed"
# The buyer's data, for a person to look at: the order is held with the reason.
BAD_STATES = ("unknown", "inactive", "invalid", "not_confirmed")
ANAF, VIES = "anaf", "vies"
EU_COUNTRIES = {"GR" if code == "gr" else code.upper() for code in eu_vat.MEMBER_STATES} - {"XI"}


def registry_for(partner):
    """``"anaf"``, ``"vies"`` or ``None``: where this buyer is checked.

    Companies only (a private buyer has no registry entry), with a fiscal
    code; Romanian ones in ANAF's registry, other EU ones in VIES.
    """
    commercial = partner.commercial_partner_id
    if not commercial.is_company or not commercial.vat:
        return None
    country = commercial.country_id.code or ""
    if country == "RO":
        return ANAF
    if country in EU_COUNTRIES:
        return VIES
    return None


def lifetime(company):
    return timedelta(days=max(company.emag_buyer_cache_days, 0))


def is_fresh(partner, now=None):
    """Whether the partner's last answer may be used without asking again."""
    partner = partner.commercial_partner_id
    checked = partner.emag_registry_checked_at
    if not checked or partner.emag_registry_state != CONFIRMED:
        return False
    return checked + lifetime(partner.env.company) > (now or fields.Datetime.now())


class BuyerChecker:
    """Checks the buyers of one company against ANAF's registry and VIES."""

    def __init__(self, company):
        self.company = company
        self.env = company.env
        self._anaf = None
        self._vies = None

    def anaf(self):
        if self._anaf is None:
            self._anaf = AnafVatClient(self.company.emag_anaf_registry_url or ANAF_VAT_URL)
        return self._anaf

    def vies(self):
        if self._vies is None:
            # Our own VAT number gets a consultation number; without one, plain checkVat.
            requester = self.company.vat or ""
            if not eu_vat.is_valid(requester):
                requester = ""
            self._vies = ViesClient(
                self.company.emag_vies_wsdl_url or VIES_WSDL_URL, requester=requester
            )
        return self._vies

    def ensure(self, partner, force=False):
        """Check ``partner`` unless its answer is fresh; return its state.

        :raises RegistryUnavailableError: the registry cannot answer now
        """
        partner = partner.commercial_partner_id.with_company(self.company)
        source = registry_for(partner)
        if source is None:
            return False
        if not force and is_fresh(partner):
            STATS["buyer_check_cache_hits"] += 1
            return partner.emag_registry_state
        STATS["buyer_checks"] += 1
        try:
            if source == ANAF:
                self._check_anaf(partner)
            else:
                self._check_vies(partner)
        except RegistryInputError as error:
            self._store(
                partner,
                source,
                "invalid",
                _lt(
                    "The registry cannot check the fiscal code %(vat)s of %(name)s: %(why)s. "
                    "Correct the fiscal code on the customer, then Check Again.",
                    vat=partner.vat,
                    name=partner.name,
                    why=error.message,
                ),
            )
        return partner.emag_registry_state

    # ------------------------------------------------------------------ ANAF

    def _check_anaf(self, partner):
        cui = partner.vat.upper().removeprefix("RO").strip()
        answer = self.anaf().check([cui])[cui]
        if not answer.found:
            self._store(
                partner,
                ANAF,
                "unknown",
                _lt(
                    "ANAF's registry does not know the fiscal code %(cui)s of %(name)s. Ask the "
                    "buyer for the right CUI and correct it on the customer, then Check Again.",
                    cui=cui,
                    name=partner.name,
                ),
            )
            return
        values = {
            "emag_registry_name": answer.name,
            "emag_registry_address": answer.address_text,
            "emag_registry_vat_payer": answer.vat_payer,
            "emag_registry_vat_on_cash": answer.vat_on_cash,
            "emag_registry_inactive": answer.inactive,
            "emag_registry_efactura": answer.efactura,
            "emag_vies_request_id": False,
            # The RO prefix follows the registry, not the buyer's tick box.
            "vat": f"RO{cui}" if answer.vat_payer else cui,
        }
        if answer.name:
            values["name"] = answer.name
        values.update(self._address_values(answer.address))
        registry_field = "nrc" if "nrc" in partner._fields else "company_registry"
        if answer.registry_number:
            values[registry_field] = answer.registry_number
        if answer.vat_payer != (partner.vat or "").upper().startswith("RO"):
            partner.message_post(
                body=self.env._(
                    "ANAF's registry: %(name)s is %(status)s; its VAT id is now %(vat)s.",
                    name=answer.name or partner.name,
                    status=self.env._("a VAT payer")
                    if answer.vat_payer
                    else self.env._("not a VAT payer"),
                    vat=values["vat"],
                )
            )
        partner.write(values)
        if answer.inactive:
            self._store(
                partner,
                ANAF,
                "inactive",
                _lt(
                    "ANAF lists %(name)s (CUI %(cui)s) as an inactive taxpayer: an invoice to it "
                    "is a tax risk. Check with the buyer before invoicing, then Check Again.",
                    name=partner.name,
                    cui=cui,
                ),
            )
        else:
            self._store(partner, ANAF, CONFIRMED, "")

    def _address_values(self, address):
        if not address:
            return {}
        country = self.env["res.country"].search([("code", "=", "RO")], limit=1)
        state = self.env["res.country.state"].search(
            [("country_id", "=", country.id), ("code", "=", address["county_code"] or "-")], limit=1
        )
        return {
            "street": address["street"] or False,
            "street2": address["street2"] or False,
            "city": address["city"] or False,
            "zip": address["zip"] or False,
            "state_id": state.id or False,
            "country_id": country.id,
        }

    # ------------------------------------------------------------------ VIES

    def _check_vies(self, partner):
        answer = self.vies().check(partner.vat, partner.country_id.code or "")
        values = {
            "emag_registry_name": answer.name or False,
            "emag_registry_address": answer.address or False,
            "emag_vies_request_id": answer.request_identifier or False,
        }
        if answer.valid:
            # Known to VIES: the VAT id is the prefixed one (BG175074752).
            prefix = "GR" if answer.country_code == "EL" else answer.country_code
            values["vat"] = f"{prefix}{answer.number}"
        partner.write(values)
        if answer.valid:
            self._store(partner, VIES, CONFIRMED, "")
            return
        self._store(
            partner,
            VIES,
            "not_confirmed",
            _lt(
                "VIES does not confirm the VAT number %(vat)s of %(name)s (checked %(date)s): it "
                "cannot be invoiced as an intra-community supply without VAT. Ask the buyer for "
                "a valid VAT number, then Check Again.",
                vat=answer.vat,
                name=partner.name,
                date=answer.request_date or fields.Date.today().isoformat(),
            ),
        )

    def _store(self, partner, source, state, message):
        partner.write(
            {
                "emag_registry_source": source,
                "emag_registry_state": state,
                "emag_registry_checked_at": fields.Datetime.now(),
            }
        )
        labels.write_translated(partner, "emag_registry_message", message or False)


# ---------------------------------------------------------------------- jobs


def queue_check(partners, force=False):
    """Queue the check job of each company buyer among ``partners`` (after commit)."""
    for partner in partners.commercial_partner_id:
        if registry_for(partner):
            partner.with_delay(
                identity_key=f"emag_buyer_check:{partner.id}:{int(force)}",
                description=f"Check buyer {partner.display_name}",
            )._emag_check_buyer(force=force)


def run_check_job(partner, force=False):
    """The check job: ask, store, then hold or release the buyer's orders."""
    partner = partner.commercial_partner_id
    company = partner.company_id or partner.env.company
    before = partner.emag_registry_state
    try:
        state = BuyerChecker(company).ensure(partner, force=force)
    except RegistryUnavailableError as error:
        raise RetryableJobError(
            f"{error.service}: {error.message}", seconds=error.retry_after or 60
        ) from error
    from .gate import follow_up  # the gate imports this module

    follow_up(partner, before, state)
    return state
