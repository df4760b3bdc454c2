"""The net sale price of each eMAG offer, and the band it must stay in.

eMAG prices are without VAT. The price comes from the account's pricelist in
the account's currency; when the product's sales taxes include the tax in the
price, the pricelist price is a gross price and is converted with the offer's
eMAG VAT rate (not Odoo's tax, which may differ between countries). An
override on the offer (already net) wins over the pricelist.

The min/max band is the offer's own when it has one, else the account's
percent band around the product's sales price (also net). eMAG needs the band
on the first save and refuses prices outside it; here a price outside the band,
or a price of zero, is never sent: the offer is marked instead. That is the
guard that keeps a wrong pricelist rule from selling at 0.
"""

from dataclasses import dataclass

from odoo import fields

PRICE_DIGITS = 4  # eMAG accepts up to 4 decimals


@dataclass(frozen=True)
class OfferPrice:
    """Net prices of one offer in the account currency, ``problem`` when unusable."""

    sale_price: float
    min_sale_price: float
    max_sale_price: float
    problem: str = ""
    # Set by the pricing flow (services/pricing/bounds.py) on the prices it pushes:
    bound: str = ""  # "floor" / "ceiling" when that bound set the sale price
    floor: float = 0.0
    ceiling: float = 0.0  # 0: no ceiling
    list_price: float = 0.0  # the pricelist's net price, before the offer's override


def _is_tax_included(product, company):
    taxes = product.taxes_id.filtered(lambda tax: tax.company_id in company.parent_ids)
    return bool(taxes) and any(tax.price_include for tax in taxes)


def _net(amount, product, company, vat_rate):
    if _is_tax_included(product, company):
        return amount / (1.0 + (vat_rate or 0.0))
    return amount


def gross_price(net_amount, product, company, vat_rate):
    """The pricelist price that :func:`offer_prices` turns into ``net_amount``."""
    if _is_tax_included(product, company):
        return net_amount * (1.0 + (vat_rate or 0.0))
    return net_amount


def as_sent(net, vat_rate):
    """A computed net price as eMAG gets it: to the cent when the price with VAT
    (what the customer sees) stays on the same cent, else to eMAG's 4 decimals.

    A gross price divided by 1 + VAT rarely falls on a cent, and a cent
    without VAT is 1.21 cents with it, so some gross prices are out of reach
    of whole cents: 48.43 / 1.21 is 40.0248, while 40.02 would show 48.42.
    """
    vat_rate = vat_rate or 0.0
    precise = round(net, PRICE_DIGITS)
    cents = round(net, 2)
    if round(cents * (1.0 + vat_rate), 2) == round(precise * (1.0 + vat_rate), 2):
        return cents
    return precise


def offer_prices(env, offers):
    """Return ``{offer_id: OfferPrice}`` for ``offers`` (any accounts)."""
    _ = env._
    result = {}
    for account in offers.account_id:
        account_offers = offers.filtered(lambda offer, account=account: offer.account_id == account)
        currency = account.currency_id
        company = account.company_id
        products = account_offers.product_id.with_company(company)
        today = fields.Date.context_today(account)
        if account.pricelist_id:
            pricelist_prices = account.pricelist_id.with_company(company)._get_products_price(
                products, 1.0, currency=currency
            )
        else:
            pricelist_prices = {
                product.id: product.currency_id._convert(
                    product.lst_price, currency, company, today
                )
                for product in products
            }
        band = max(account.price_band_percent, 0.0) / 100.0
        for offer in account_offers:
            product = offer.product_id.with_company(company)
            vat_rate = offer.vat_id.rate
            listed = as_sent(
                _net(pricelist_prices.get(product.id, 0.0), product, company, vat_rate),
                vat_rate,
            )
            price = offer.price_override or listed
            if offer.min_sale_price or offer.max_sale_price:
                low, high = offer.min_sale_price, offer.max_sale_price
            else:
                reference = _net(
                    product.currency_id._convert(product.lst_price, currency, company, today),
                    product,
                    company,
                    vat_rate,
                )
                low = as_sent(reference * (1.0 - band), vat_rate)
                high = as_sent(reference * (1.0 + band), vat_rate)
            price, low, high = (round(value, PRICE_DIGITS) for value in (price, low, high))
            problem = ""
            if price <= 0:
                problem = _("The price is 0: eMAG would sell the product for nothing.")
            elif low <= 0 or high <= low:
                problem = _(
                    "The price band is not usable (minimum %(low)s, maximum %(high)s): set the "
                    "offer's minimum and maximum price or the account's price band.",
                    low=low,
                    high=high,
                )
            elif not low <= price <= high:
                problem = _(
                    "The price %(price)s %(currency)s (without VAT) is outside the allowed band "
                    "%(low)s – %(high)s.",
                    price=price,
                    currency=currency.name,
                    low=low,
                    high=high,
                )
            result[offer.id] = OfferPrice(price, low, high, problem, list_price=listed)
    return result
