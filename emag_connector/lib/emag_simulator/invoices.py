# ruff: noqa: E501 -- the UBL template reads best as the XML it renders, unwrapped
"""eMAG's own invoices to the seller (doc §15): commission, transport, services.

``invoice/categories/read`` lists the categories, ``invoice/read`` the
documents by category, number and date window, paginated (``itemsPerPage``
up to 1000), with ``total_results``; a storno is a document of its own
(``is_storno`` 1, negative quantities and values, ``reversal_for`` the
number it reverses). ``customer-invoice/read`` serves the invoices eMAG's
invoicing service issued on the seller's behalf, in the same shape plus
``order_id``.

:func:`as_ubl` renders a document as the CIUS-RO e-Factura eMAG files at
ANAF, so the ANAF simulator can deliver the very same invoice as a received
bill (``AnafSimulator.file_supplier_invoice``).
"""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from .protocol import DATE_FORMAT, ApiError, as_int, ok

CATEGORIES = [
    {"category": "FC", "name": "Commission"},
    {"category": "FT", "name": "Transport"},
    {"category": "FS", "name": "Services"},
    {"category": "FM", "name": "Marketing"},
]
SUPPLIER = {
    "name": "DANTE INTERNATIONAL SA",
    "register_number": "J40/372/2002",
    "cif": "RO14399840",
    "tax_code": "RO14399840",
    "social_capital": "1.000.000 RON",
    "iban": "RO63BACX0000000000000001",
    "bank": "UniCredit Bank",
    "address": "Sos. Virtutii nr. 148, Bucuresti, Sector 6",
    "phone_number": "0212005200",
}
SERIES = {"FC": "C-MKTP", "FT": "T-MKTP", "FS": "S-MKTP", "FM": "M-MKTP"}
MAX_ITEMS_PER_PAGE = 1000
CENT = Decimal("0.01")


def _cents(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def make_invoice(account, number, category, lines, date, storno_of=None, order_id=None):
    """A document as ``invoice/read`` shows it. ``lines``: ``[{"product_name",
    "quantity", "unit_price", "vat_rate"}]`` (``vat_rate`` a percent)."""
    sign = -1 if storno_of else 1
    rendered = []
    for line in lines:
        quantity = Decimal(str(line["quantity"])) * sign
        price = Decimal(str(line["unit_price"]))
        rate = Decimal(str(line.get("vat_rate", 21)))
        value = _cents(quantity * price)
        rendered.append(
            {
                "product_name": line["product_name"],
                "unit_of_measure": line.get("unit_of_measure", "buc"),
                "quantity": float(quantity),
                "unit_price": float(price),
                "vat_rate": float(rate),
                "value": float(value),
                "vat_value": float(_cents(value * rate / 100)),
            }
        )
    net = sum((Decimal(str(line["value"])) for line in rendered), Decimal(0))
    vat = sum((Decimal(str(line["vat_value"])) for line in rendered), Decimal(0))
    invoice = {
        "category": category,
        "name": next(c["name"] for c in CATEGORIES if c["category"] == category),
        "number": number,
        "date": date.strftime(DATE_FORMAT),
        "is_storno": 1 if storno_of else 0,
        "reversal_for": storno_of,
        "supplier": dict(SUPPLIER),
        "customer": {
            "name": account.vendor_name,
            "register_number": "J40/1/2020",
            "cif": getattr(account, "vendor_cif", None) or "RO18547290",
            "tax_code": getattr(account, "vendor_cif", None) or "RO18547290",
            "iban": "RO49AAAA1B31007593840000",
            "bank": "Banca Exemplu",
            "country": account.country_code,
            "address": "Str. Exemplu nr. 1, Cluj-Napoca",
        },
        "lines": rendered,
        "payment_term": 30,
        "total_without_vat": float(net),
        "total_vat_value": float(vat),
        "total_with_vat": float(net + vat),
        "currency": account.currency,
    }
    if order_id is not None:
        invoice["order_id"] = order_id
    return invoice


def _date(value, name):
    try:
        return datetime.strptime(str(value), DATE_FORMAT).date()
    except ValueError as exc:
        raise ApiError(f"Field {name} must have the format YYYY-mm-dd") from exc


def _matching(invoices, filters, keys):
    found = list(invoices)
    for key in keys:
        if filters.get(key) not in (None, ""):
            wanted = str(filters[key])
            found = [i for i in found if str(i.get(key)) == wanted]
    if filters.get("date_start"):
        start = _date(filters["date_start"], "date_start")
        found = [i for i in found if _date(i["date"], "date") >= start]
    if filters.get("date_end"):
        end = _date(filters["date_end"], "date_end")
        found = [i for i in found if _date(i["date"], "date") <= end]
    return found


def _page(ctx, invoices):
    filters = ctx.filters()
    page = as_int(filters.get("currentPage", 1), "currentPage", 1, 65535)
    size = as_int(filters.get("itemsPerPage", 100), "itemsPerPage", 1, MAX_ITEMS_PER_PAGE)
    chosen = invoices[(page - 1) * size : page * size]
    return ok({"total_results": len(invoices), "invoices": ctx.state.snapshot(chosen)})


def categories_read(ctx):
    return ok([dict(category) for category in CATEGORIES])


def invoice_read(ctx):
    filters = ctx.filters()
    if filters.get("category") and filters["category"] not in SERIES:
        raise ApiError(f"Invalid category {filters['category']}")
    return _page(ctx, _matching(ctx.account.emag_invoices, filters, ("category", "number")))


def customer_invoice_read(ctx):
    filters = dict(ctx.filters())
    kind = filters.pop("category", None)
    invoices = ctx.account.customer_invoices
    if kind == "storno":
        invoices = [i for i in invoices if i["is_storno"]]
    elif kind == "normal":
        invoices = [i for i in invoices if not i["is_storno"]]
    elif kind:
        raise ApiError("Field category must be normal or storno")
    return _page(ctx, _matching(invoices, filters, ("order_id", "number")))


ROUTES = {
    "invoice/categories/read": (("POST",), categories_read),
    "invoice/read": (("POST",), invoice_read),
    "customer-invoice/read": (("POST",), customer_invoice_read),
}


# ----------------------------------------------------------------- e-Factura


def as_ubl(invoice):
    """The CIUS-RO UBL eMAG files at ANAF for ``invoice`` (bytes): an
    ``Invoice``, or a ``CreditNote`` with positive amounts for a storno."""
    storno = bool(invoice["is_storno"])
    root, line_tag, quantity_tag = (
        ("CreditNote", "CreditNoteLine", "CreditedQuantity")
        if storno
        else ("Invoice", "InvoiceLine", "InvoicedQuantity")
    )
    currency = invoice["currency"]

    def amount(value):
        return f"{abs(_cents(value)):.2f}"

    groups = {}
    for line in invoice["lines"]:
        group = groups.setdefault(line["vat_rate"], [Decimal(0), Decimal(0)])
        group[0] += Decimal(str(line["value"]))
        group[1] += Decimal(str(line["vat_value"]))
    subtotals = "".join(
        f"""<cac:TaxSubtotal><cbc:TaxableAmount currencyID="{currency}">{amount(net)}</cbc:TaxableAmount>
<cbc:TaxAmount currencyID="{currency}">{amount(vat)}</cbc:TaxAmount>
<cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{rate:g}</cbc:Percent>
<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>"""
        for rate, (net, vat) in groups.items()
    )
    lines = "".join(
        f"""<cac:{line_tag}><cbc:ID>{index}</cbc:ID>
<cbc:{quantity_tag} unitCode="H87">{abs(line["quantity"]):g}</cbc:{quantity_tag}>
<cbc:LineExtensionAmount currencyID="{currency}">{amount(line["value"])}</cbc:LineExtensionAmount>
<cac:Item><cbc:Name>{escape(line["product_name"])}</cbc:Name>
<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{line["vat_rate"]:g}</cbc:Percent>
<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>
<cac:Price><cbc:PriceAmount currencyID="{currency}">{abs(Decimal(str(line["unit_price"]))):.2f}</cbc:PriceAmount></cac:Price>
</cac:{line_tag}>"""
        for index, line in enumerate(invoice["lines"], start=1)
    )
    supplier, customer = invoice["supplier"], invoice["customer"]
    issued = datetime.strptime(invoice["date"], DATE_FORMAT).date()
    # BR-CO-25: an amount due needs its due date (a credit note has none: BR-RO).
    due = (
        ""
        if storno
        else f"<cbc:DueDate>{issued + timedelta(days=int(invoice['payment_term'] or 0))}</cbc:DueDate>"
    )
    type_code = "381" if storno else "380"
    type_tag = "CreditNoteTypeCode" if storno else "InvoiceTypeCode"
    billing = (
        f"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>"
        f"{escape(invoice['reversal_for'] or '')}</cbc:ID></cac:InvoiceDocumentReference>"
        f"</cac:BillingReference>"
        if storno
        else ""
    )

    def party(data, city, subdivision):
        return f"""<cac:Party><cac:PostalAddress><cbc:StreetName>{escape(data["address"])}</cbc:StreetName>
<cbc:CityName>{city}</cbc:CityName><cbc:CountrySubentity>{subdivision}</cbc:CountrySubentity>
<cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyTaxScheme><cbc:CompanyID>{data["cif"]}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
<cac:PartyLegalEntity><cbc:RegistrationName>{escape(data["name"])}</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party>"""

    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1</cbc:CustomizationID>
<cbc:ID>{escape(invoice["number"])}</cbc:ID>
<cbc:IssueDate>{invoice["date"]}</cbc:IssueDate>
{due}<cbc:{type_tag}>{type_code}</cbc:{type_tag}>
<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>
{billing}
<cac:AccountingSupplierParty>{party(supplier, "SECTOR6", "RO-B")}</cac:AccountingSupplierParty>
<cac:AccountingCustomerParty>{party(customer, "Cluj-Napoca", "RO-CJ")}</cac:AccountingCustomerParty>
<cac:TaxTotal><cbc:TaxAmount currencyID="{currency}">{amount(invoice["total_vat_value"])}</cbc:TaxAmount>{subtotals}</cac:TaxTotal>
<cac:LegalMonetaryTotal>
<cbc:LineExtensionAmount currencyID="{currency}">{amount(invoice["total_without_vat"])}</cbc:LineExtensionAmount>
<cbc:TaxExclusiveAmount currencyID="{currency}">{amount(invoice["total_without_vat"])}</cbc:TaxExclusiveAmount>
<cbc:TaxInclusiveAmount currencyID="{currency}">{amount(invoice["total_with_vat"])}</cbc:TaxInclusiveAmount>
<cbc:PayableAmount currencyID="{currency}">{amount(invoice["total_with_vat"])}</cbc:PayableAmount>
</cac:LegalMonetaryTotal>
{lines}
</{root}>
"""
    return xml.encode("utf-8")
