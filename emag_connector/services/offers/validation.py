"""Local checks of an offer before anything is sent to eMAG.

eMAG refuses a doomed offer only after it has cost a request (and, for
documentation, after days of human validation). Everything that can be known
here is checked here: the category and its mandatory characteristics and
closed value lists, EAN presence and checksums, warranty, texts within eMAG's
limits, the price and its band. Each problem is a sentence the seller can act
on; an offer with problems is marked "needs attention" and not sent.
"""

import re

from stdnum import ean as stdnum_ean

from .payload import characteristic_values, offer_eans

PART_NUMBER_MAX = 25
NAME_MAX = 255
BRAND_MAX = 255
DESCRIPTION_MAX = 16777215
URL_MAX = 1024
CHARACTERISTIC_VALUE_MAX = 255
_PNK_RE = re.compile(r"^[A-Za-z0-9]+$")


def offer_problems(offer, price=None, handling_times=None):
    """Return the list of problems (plain sentences) that would doom ``offer``.

    :param price: the offer's :class:`~.offer_pricing.OfferPrice`, if computed
    :param handling_times: allowed handling times of the platform (a set of
        ints), ``None`` when they were never synchronised
    """
    _ = offer.env._
    problems = []
    account = offer.account_id
    if account.fulfilment_type == "seller" and not account.warehouse_id:
        problems.append(_("The account has no warehouse to take the stock from."))
    part_number = offer.part_number or ""
    if not 1 <= len(part_number) <= PART_NUMBER_MAX:
        problems.append(
            _("The part number must have 1 to %(max)s characters.", max=PART_NUMBER_MAX)
        )
    elif re.search(r"[\s,;]", part_number):
        problems.append(
            _("The part number cannot contain spaces, commas or semicolons (eMAG strips them).")
        )
    if not offer.vat_id:
        problems.append(
            _("No eMAG VAT rate: synchronise the VAT rates of the account and choose one.")
        )
    if handling_times is not None and offer.handling_time not in handling_times:
        problems.append(
            _(
                "eMAG does not accept a handling time of %(days)s days (allowed: %(allowed)s).",
                days=offer.handling_time,
                allowed=", ".join(str(days) for days in sorted(handling_times)),
            )
        )
    if not 0 <= offer.warranty <= 255:
        problems.append(_("The warranty must be between 0 and 255 months."))
    if price is not None and price.problem:
        problems.append(price.problem)
    eans = offer_eans(offer)
    for code in eans:
        if not (code.isdigit() and 6 <= len(code) <= 14) or not stdnum_ean.is_valid(code):
            problems.append(_("The EAN %(ean)s is not valid (wrong length or checksum).", ean=code))
    if not 1 <= len(offer.emag_name or "") <= NAME_MAX:
        problems.append(_("The name must have 1 to %(max)s characters.", max=NAME_MAX))

    if offer.publication_path == "pnk":
        if not offer.part_number_key or not _PNK_RE.match(offer.part_number_key):
            problems.append(
                _("To attach by part number key, give eMAG's key (letters and digits only).")
            )
    elif offer.publication_path == "ean":
        if len(eans) != 1:
            problems.append(_("To attach by EAN, the offer needs exactly one EAN."))
    else:
        problems.extend(_documentation_problems(offer, eans))
    return problems


def _documentation_problems(offer, eans):
    _ = offer.env._
    problems = []
    category = offer.category_id
    if not category:
        return [_("Choose the eMAG category of the product.")]
    if not category.is_allowed:
        problems.append(
            _(
                "The account may not publish in the category %(category)s: request access in "
                "the eMAG seller area.",
                category=category.complete_name,
            )
        )
    if category.is_ean_mandatory and not eans:
        problems.append(
            _("The category %(category)s requires an EAN.", category=category.complete_name)
        )
    if category.is_warranty_mandatory and offer.warranty <= 0:
        problems.append(
            _(
                "The category %(category)s requires a warranty (in months).",
                category=category.complete_name,
            )
        )
    if not 1 <= len(offer.brand or "") <= BRAND_MAX:
        problems.append(_("The brand must have 1 to %(max)s characters.", max=BRAND_MAX))
    if len(offer.emag_description or "") > DESCRIPTION_MAX:
        problems.append(_("The description is longer than eMAG accepts."))
    for url in offer._image_urls():
        if not re.match(r"^https?://", url) or len(url) > URL_MAX:
            problems.append(
                _(
                    "The image address %(url)s must be a public http(s) URL of at most "
                    "%(max)s characters.",
                    url=url[:80],
                    max=URL_MAX,
                )
            )
    values = characteristic_values(offer)
    sent = {characteristic.id: value for characteristic, value, _tag in values}
    for characteristic in category.characteristic_ids:
        value = sent.get(characteristic.id)
        if characteristic.is_mandatory and not value:
            problems.append(
                _(
                    "The characteristic %(name)s is mandatory in this category.",
                    name=characteristic.name,
                )
            )
        if not value:
            continue
        if len(value) > CHARACTERISTIC_VALUE_MAX:
            problems.append(_("The value of %(name)s is too long.", name=characteristic.name))
        elif (
            not characteristic.allow_new_value
            and characteristic.value_ids
            and value not in characteristic.value_ids.mapped("name")
        ):
            problems.append(
                _(
                    "%(value)s is not an allowed value of %(name)s.",
                    value=value,
                    name=characteristic.name,
                )
            )
    return problems
