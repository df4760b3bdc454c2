"""Turn the customer block of an eMAG order into Odoo partners.

A private buyer becomes a person, a legal entity a company carrying its
fiscal code (checked with python-stdnum; the ``RO`` prefix only for VAT
payers) and trade-register number (in l10n_ro's ``nrc`` field when it is
installed, else in ``company_registry``). Both get an invoice and a delivery
address as children, reused when a later order brings the same address.
Companies are found again by fiscal code, persons by their eMAG customer id.

Addresses follow the eMAG locality data: the county (``*_suburb``) gives the
state, read through ``locality/read`` when its text does not match; in
Bucharest the sector is kept as the city ("Sector 1"), which e-Factura
requires. Phones and e-mails are kept exactly as eMAG sends them.
"""

import re
import unicodedata

from stdnum import get_cc_module
from stdnum.ro import cui as ro_cui

from odoo.tools.translate import LazyTranslate

from ...lib.emag_api import PLATFORMS, EmagError, parsing

_lt = LazyTranslate(__name__)


class CustomerError(ValueError):
    """The customer cannot be mapped; its argument is the reason, a lazy
    translation said in each reader's language (``services/common/labels.py``)."""


_SECTOR_RE = re.compile(r"\bsector(?:ul)?\s*([1-6])\b", re.IGNORECASE)
_BUCHAREST_ZIP_RE = re.compile(r"^0([1-6])\d{4}$")
_COUNTY_NOISE_RE = re.compile(r"^(judetul|jud\.?|municipiul|mun\.?)\s+")
BUCHAREST_STATE_CODE = "B"


def normalize(text):
    """Casefolded text without diacritics, for comparing place names."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("-", " ").split())


class CustomerResolver:
    """Finds or creates the partners of orders of one account.

    :param account: ``emag.account`` record (its company owns the partners)
    :param client_getter: callable returning the account's eMAG client, used
        only when a county must be looked up through ``locality/read``
    """

    def __init__(self, account, client_getter):
        self.account = account
        self.env = account.env
        self.client_getter = client_getter
        self.company = account.company_id
        context = {"tracking_disable": True, "mail_create_nolog": True}
        installed = dict(self.env["res.lang"].get_installed())
        if account.lang in installed:
            # The buyer's documents (order lines, invoice, e-Factura) in the
            # platform's language, whoever imported the order.
            context["default_lang"] = account.lang
        self.Partner = self.env["res.partner"].with_context(**context)
        self._countries = {}
        self._states = {}
        self._localities = {}
        # Romania keeps the trade-register number (J12/345/2010) in its own field.
        self.registry_field = "nrc" if "nrc" in self.Partner._fields else "company_registry"

    def resolve(self, customer):
        """Return ``(commercial partner, invoice address, delivery address)``."""
        billing, shipping = self._address_pair(customer)
        if customer.legal_entity:
            commercial = self._company(customer, billing)
        else:
            commercial = self._person(customer, billing)
        addresses = self._addresses(customer, commercial.name, billing, shipping)
        if not commercial.child_ids:
            # A new buyer (most orders): nothing to find, both made in one go.
            invoice, delivery = self.Partner.create(
                [
                    dict(values, parent_id=commercial.id, type=kind)
                    for kind, values in addresses.items()
                ]
            )
            return commercial, invoice, delivery
        return (
            commercial,
            self._child(commercial, "invoice", addresses["invoice"]),
            self._child(commercial, "delivery", addresses["delivery"]),
        )

    def resolve_many(self, customers):
        """:meth:`resolve` for the customers of several orders at once.

        Private buyers new to Odoo (most of a day's orders) are created with
        their addresses in two ``create()`` calls in all, which costs a
        fraction of one pair of calls per order. Companies, known buyers and
        a buyer met twice in the batch go through :meth:`resolve`.

        :return: per customer, the triple of :meth:`resolve` or the
            :class:`CustomerError` that refuses it
        """
        results = [None] * len(customers)
        keys = {
            index: self._person_key(customer)
            for index, customer in enumerate(customers)
            if not customer.legal_entity and customer.emag_id
        }
        known = set(
            self.Partner.search(
                [
                    ("emag_customer_key", "in", list(set(keys.values()))),
                    ("company_id", "in", (False, self.company.id)),
                ]
            ).mapped("emag_customer_key")
        )
        fresh = {}
        for index, key in keys.items():
            if key in known or key in fresh:
                continue
            customer = customers[index]
            try:
                billing, shipping = self._address_pair(customer)
            except CustomerError as error:
                results[index] = error
                continue
            fresh[key] = (index, customer, billing, shipping)
        if fresh:
            commercials = self.Partner.create(
                [
                    self._person_values(customer, billing, key)
                    for key, (_index, customer, billing, _shipping) in fresh.items()
                ]
            )
            children = []
            for (_index, customer, billing, shipping), commercial in zip(
                fresh.values(), commercials, strict=True
            ):
                addresses = self._addresses(customer, commercial.name, billing, shipping)
                children += [
                    dict(values, parent_id=commercial.id, type=kind)
                    for kind, values in addresses.items()
                ]
            children = self.Partner.create(children)
            for position, (index, *_rest) in enumerate(fresh.values()):
                invoice, delivery = children[2 * position : 2 * position + 2]
                results[index] = (commercials[position], invoice, delivery)
        for index, customer in enumerate(customers):
            if results[index] is None:
                try:
                    results[index] = self.resolve(customer)
                except CustomerError as error:
                    results[index] = error
        return results

    # ------------------------------------------------------------------ parties

    def _address_pair(self, customer):
        return (
            self._address_values(customer.billing, "billing"),
            self._address_values(customer.shipping, "delivery"),
        )

    @staticmethod
    def _addresses(customer, commercial_name, billing, shipping):
        """The invoice and delivery children of the commercial partner.

        A child is named only after a person other than its parent (a
        company's delivery contact): Odoo shows a child as "Parent, Name",
        so repeating the parent's name reads "X, X" everywhere, e-Factura's
        buyer name included. Unnamed, it shows as "X, Invoice"/"X, Delivery"
        and the e-invoice carries the parent's name.
        """

        def own(name):
            return name if name and normalize(name) != normalize(commercial_name) else False

        return {
            "invoice": dict(billing, name=own(customer.billing["name"])),
            "delivery": dict(shipping, name=own(customer.shipping["name"] or customer.name)),
        }

    def _person_key(self, customer):
        return f"{self.account.platform}:{customer.emag_id}" if customer.emag_id else False

    def _person_values(self, customer, billing, key):
        return dict(
            billing,
            name=customer.name,
            company_type="person",
            email=customer.email or False,
            emag_customer_key=key,
            company_id=self.company.id,
        )

    def _person(self, customer, billing):
        key = self._person_key(customer)
        if key:
            partner = self.Partner.search(
                [("emag_customer_key", "=", key), ("company_id", "in", (False, self.company.id))],
                limit=1,
            )
            if partner:
                return partner
        return self.Partner.create(self._person_values(customer, billing, key))

    def _company(self, customer, billing):
        name = customer.company or customer.billing["name"] or customer.name
        if not customer.code:
            raise CustomerError(
                _lt("The company customer %(name)s has no fiscal code (CUI).", name=name)
            )
        country = self.env["res.country"].browse(billing["country_id"])
        vat, number = self._fiscal_code(customer, name, country.code or "")
        partner = self.Partner.search(
            [
                ("vat", "in", list({vat, number, f"{country.code}{number}"})),
                ("is_company", "=", True),
                ("parent_id", "=", False),
                ("company_id", "in", (False, self.company.id)),
            ],
            limit=1,
        )
        if partner:
            if customer.registration_number and not partner[self.registry_field]:
                partner[self.registry_field] = customer.registration_number
            return partner
        return self.Partner.create(
            dict(
                billing,
                name=name,
                company_type="company",
                vat=vat,
                **{self.registry_field: customer.registration_number or False},
                email=customer.email or False,
                company_id=self.company.id,
            )
        )

    def _fiscal_code(self, customer, name, country_code):
        """``(vat as stored, bare number)``; the prefix only for VAT payers."""
        raw = re.sub(r"[\s.\-/]", "", customer.code.upper())
        prefixed = bool(country_code) and raw.startswith(country_code)
        number = raw[len(country_code) :] if prefixed else raw
        vat_payer = customer.is_vat_payer or prefixed
        if country_code == "RO":
            if not ro_cui.is_valid(number):
                raise CustomerError(
                    _lt(
                        "The fiscal code %(code)s of %(name)s is not a valid Romanian CUI.",
                        code=customer.code,
                        name=name,
                    )
                )
            return (f"RO{number}" if vat_payer else number), number
        module = get_cc_module(country_code.lower(), "vat") if country_code else None
        if module and vat_payer:
            if not module.is_valid(number):
                raise CustomerError(
                    _lt(
                        "The VAT number %(code)s of %(name)s is not valid for %(country)s.",
                        code=customer.code,
                        name=name,
                        country=country_code,
                    )
                )
            return f"{country_code}{module.compact(number)}", number
        return customer.code, number

    def _child(self, parent, kind, values):
        domain = [("parent_id", "=", parent.id), ("type", "=", kind)]
        for key in ("name", "street", "city", "zip", "phone", "state_id", "country_id"):
            domain.append((key, "=", values.get(key) or False))
        child = self.Partner.search(domain, limit=1)
        if child:
            return child
        return self.Partner.create(dict(values, parent_id=parent.id, type=kind))

    # ---------------------------------------------------------------- addresses

    def _address_values(self, address, label):
        country = self._country(address["country"])
        state = self._state(country, address)
        city = address["city"]
        if country.code == "RO" and state.code == BUCHAREST_STATE_CODE:
            city = self._bucharest_sector(address) or city
        return {
            "street": address["street"] or False,
            "city": city or False,
            "zip": address["zip"] or False,
            "country_id": country.id,
            "state_id": state.id or False,
            "phone": address["phone"] or False,
        }

    def _country(self, value):
        key = normalize(value)
        if key not in self._countries:
            Country = self.env["res.country"]
            country = Country
            if len(key) == 2:
                country = Country.search([("code", "=", key.upper())], limit=1)
            elif key:
                country = Country.with_context(lang="en_US").search(
                    [("name", "=ilike", value.strip())], limit=1
                )
            if not country and not key:
                code = PLATFORMS[self.account.platform].country_code
                country = Country.search([("code", "=", code)], limit=1)
            if not country:
                raise CustomerError(
                    _lt("The country '%(country)s' of the customer is not known.", country=value)
                )
            self._countries[key] = country
        return self._countries[key]

    def _state(self, country, address):
        states = self._country_states(country)
        if not states:
            return self.env["res.country.state"]
        county = _COUNTY_NOISE_RE.sub("", normalize(address["county"]))
        state = states.get(county) or states.get(f"code:{county.upper()}")
        if not state and _SECTOR_RE.search(address["city"]) and country.code == "RO":
            state = states.get(f"code:{BUCHAREST_STATE_CODE}")
        if not state and address["locality_id"]:
            state = self._state_of_locality(address["locality_id"], states)
        if not state:
            raise CustomerError(
                _lt(
                    "The county '%(county)s' of %(city)s cannot be matched to a state of "
                    "%(country)s.",
                    county=address["county"],
                    city=address["city"] or self.env._("the address"),
                    country=country.name,
                )
            )
        return state

    def _country_states(self, country):
        if country.id not in self._states:
            index = {}
            for state in country.state_ids:
                index[normalize(state.name)] = state
                index[f"code:{state.code.upper()}"] = state
            self._states[country.id] = index
        return self._states[country.id]

    def _state_of_locality(self, locality_id, states):
        """The state of an eMAG locality id, from ``locality/read`` (ISO county code)."""
        if locality_id not in self._localities:
            try:
                found = self.client_getter().read_localities(emag_id=locality_id)
            except EmagError:
                found = []
            self._localities[locality_id] = found[0] if found else {}
        locality = parsing.as_object(self._localities[locality_id])
        iso = str(locality.get("iso2") or "")
        code = iso.split("-", 1)[1] if "-" in iso else ""
        return states.get(f"code:{code.upper()}") or states.get(
            normalize(str(locality.get("region2") or ""))
        )

    @staticmethod
    def _bucharest_sector(address):
        match = _SECTOR_RE.search(address["city"]) or _SECTOR_RE.search(address["street"])
        if not match:
            match = _BUCHAREST_ZIP_RE.match(address["zip"])
        return f"Sector {match.group(1)}" if match else None
