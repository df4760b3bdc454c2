"""Reference data of the simulated platforms and the read-only routes serving it.

The simulator stands alone (it must not import the client package), so it
keeps its own small table of what each platform implies: country, currency,
time zone, VAT ids. Values follow doc §1, §11 and §14; ids are fictitious but
stable so tests can rely on them.
"""

from dataclasses import dataclass

from .protocol import ApiError, as_int, count_result, ok, paginate, parse_datetime


@dataclass(frozen=True)
class PlatformInfo:
    country_code: str
    currency: str
    timezone: str
    language: str


PLATFORMS = {
    "emag_ro": PlatformInfo("RO", "RON", "Europe/Bucharest", "ro"),
    "emag_bg": PlatformInfo("BG", "EUR", "Europe/Sofia", "bg"),
    "emag_hu": PlatformInfo("HU", "HUF", "Europe/Budapest", "hu"),
    "fashiondays_ro": PlatformInfo("RO", "RON", "Europe/Bucharest", "ro"),
    "fashiondays_bg": PlatformInfo("BG", "EUR", "Europe/Sofia", "bg"),
}

# vat/read per country: (vat_id, rate, is_default). Rates are fractions.
VAT_RATES = {
    "RO": [(1, "0.21", 1), (2, "0.11", 0), (4, "0", 0)],
    "BG": [(1, "0.20", 1), (2, "0.09", 0), (4, "0", 0)],
    "HU": [(1, "0.27", 1), (2, "0.18", 0), (3, "0.05", 0), (4, "0", 0)],
}

HANDLING_TIMES = [0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 30]

# reason_cancellation ids (doc §9.7).
CANCELLATION_REASONS = {
    1: "Out of stock",
    2: "Canceled by the client",
    3: "Client cannot be contacted",
    15: "Courier delivery term too long",
    16: "Transport fee too high",
    17: "Long delivery term until the product reaches the warehouse",
    18: "Better offer in another store",
    19: "Payment order not paid",
    20: "Undelivered order - courier reasons",
    21: "Others",
    22: "Incomplete order - automatic cancellation",
    23: "Customer changed his mind",
    24: "At customer's request",
    25: "Failed delivery",
    26: "Late shipment",
    27: "Irrelevant order",
    28: "Canceled by SuperAdmin at seller request",
    29: "Blacklisted customer",
    30: "No VAT invoice",
    31: "Marketplace partner requested the cancellation",
    32: "Delivery estimate too long",
    33: "Product no longer in the partner's stock",
    34: "Other reasons",
    35: "Delivery too expensive",
    36: "Customer found a better price elsewhere",
    37: "Customer placed another eMAG order with a similar product",
    38: "Customer changed his mind, does not need the product",
    39: "Customer can buy the product only in installments",
    40: "Other reasons (EIS)",
    41: "Out of stock - installments",
    42: "Product no longer in partner's stock - installments",
    43: "Delivery estimate too long",
}

PAYMENT_MODES = {
    1: ("COD", "RAMBURS"),
    2: ("Bank transfer", "OP"),
    3: ("Online card", "card online"),
}


def _locality(emag_id, name, latin, county, county_latin, zipcode, country, iso2, geoid):
    return {
        "emag_id": emag_id,
        "name": name,
        "name_latin": latin,
        "region1": county,
        "region2": county,
        "region3": None,
        "region4": None,
        "region1_latin": county_latin,
        "region2_latin": county_latin,
        "region3_latin": None,
        "region4_latin": None,
        "geoid": geoid,
        "modified": "2024-11-13 00:00:00",
        "zipcode": zipcode,
        "country_code": country,
        "iso2": iso2,
    }


LOCALITIES = [
    *(
        _locality(
            8800 + n,
            f"București, Sectorul {n}",
            f"Bucuresti, Sectorul {n}",
            "București",
            "Bucuresti",
            f"0{n}0011",
            "RO",
            "RO-B",
            1000 + n,
        )
        for n in range(1, 7)
    ),
    _locality(8940, "Voluntari", "Voluntari", "Ilfov", "Ilfov", "077190", "RO", "RO-IF", 1101),
    _locality(1234, "Cluj-Napoca", "Cluj-Napoca", "Cluj", "Cluj", "400000", "RO", "RO-CJ", 54975),
    _locality(1301, "Iași", "Iasi", "Iași", "Iasi", "700000", "RO", "RO-IS", 95132),
    _locality(1302, "Timișoara", "Timisoara", "Timiș", "Timis", "300000", "RO", "RO-TM", 155243),
    _locality(
        1303, "Constanța", "Constanta", "Constanța", "Constanta", "900000", "RO", "RO-CT", 60419
    ),
    _locality(1304, "Brașov", "Brasov", "Brașov", "Brasov", "500000", "RO", "RO-BV", 40198),
    _locality(
        1305, "Târgu Mureș", "Targu Mures", "Mureș", "Mures", "540000", "RO", "RO-MS", 114319
    ),
    _locality(1306, "Craiova", "Craiova", "Dolj", "Dolj", "200000", "RO", "RO-DJ", 69900),
    _locality(
        1307,
        "Sfântu Gheorghe",
        "Sfantu Gheorghe",
        "Covasna",
        "Covasna",
        "520000",
        "RO",
        "RO-CV",
        63447,
    ),
    _locality(2101, "София", "Sofia", "София-град", "Sofia-grad", "1000", "BG", "BG-22", 727011),
    _locality(2102, "Пловдив", "Plovdiv", "Пловдив", "Plovdiv", "4000", "BG", "BG-16", 728193),
    _locality(2103, "Варна", "Varna", "Варна", "Varna", "9000", "BG", "BG-03", 726050),
    _locality(3101, "Budapest", "Budapest", "Budapest", "Budapest", "1011", "HU", "HU-BU", 3054643),
    _locality(
        3102, "Debrecen", "Debrecen", "Hajdú-Bihar", "Hajdu-Bihar", "4024", "HU", "HU-HB", 721472
    ),
    _locality(
        3103,
        "Szeged",
        "Szeged",
        "Csongrád-Csanád",
        "Csongrad-Csanad",
        "6720",
        "HU",
        "HU-CS",
        715429,
    ),
]
LOCALITY_IDS = {loc["emag_id"] for loc in LOCALITIES}

# Courier accounts offered by default per country: (account_id, courier_id, name, display, props).
COURIERS = {
    "RO": [
        (5186, 7, "SAMEDAY", "Sameday - cont principal", [0, 2]),
        (5187, 2, "FAN COURIER", "FAN Courier - depozit", [0]),
    ],
    "BG": [(6101, 11, "SPEEDY", "Speedy - основен", [0, 6])],
    "HU": [(7101, 12, "GLS", "GLS - fő fiók", [0]), (7102, 13, "FOXPOST", "Foxpost", [2])],
}


def courier_accounts_for(country_code):
    return [
        {
            "account_id": account_id,
            "account_display_name": display,
            "courier_account_type": 3,
            "courier_name": name,
            "courier_account_properties": props,
            "created": "2023-02-01 10:00:00",
            "status": 1,
            "pickup_country_code": country_code,
            "courier_id": courier_id,
        }
        for account_id, courier_id, name, display, props in COURIERS[country_code]
    ]


def addresses_for(country_code):
    locality = next(loc for loc in LOCALITIES if loc["country_code"] == country_code)
    base = {
        "country_id": {"RO": 1, "BG": 2, "HU": 3}[country_code],
        "country_code": country_code,
        "locality_id": locality["emag_id"],
        "suburb": locality["region2"],
        "city": locality["name"],
        "zipcode": locality["zipcode"],
        "quarter": "",
        "floor": "",
    }
    return [
        {
            **base,
            "address_id": "101",
            "address_type_id": 1,
            "address": "Depozit retur 1",
            "is_default": True,
        },
        {
            **base,
            "address_id": "102",
            "address_type_id": 2,
            "address": "Depozit ridicare 7",
            "is_default": True,
        },
        {
            **base,
            "address_id": "103",
            "address_type_id": 3,
            "address": "Sediu social 1",
            "is_default": True,
        },
    ]


def _values(*values):
    return list(values)


COLOURS = _values(
    "Alb",
    "Negru",
    "Gri",
    "Argintiu",
    "Rosu",
    "Albastru",
    "Verde",
    "Galben",
    "Portocaliu",
    "Mov",
    "Roz",
    "Maro",
    "Bej",
    "Auriu",
    "Turcoaz",
    "Bordo",
    "Crem",
    "Grafit",
    "Bronz",
    "Multicolor",
)

# Categories (doc §14.1, §19.9). Characteristic tuple:
# (id, name, type_id, is_mandatory, allow_new_value, values, tags)
CATEGORIES = [
    {
        "id": 2710,
        "name": "Electrocasnice mici",
        "is_allowed": 0,
        "parent_id": None,
        "is_ean_mandatory": 0,
        "is_warranty_mandatory": 0,
        "characteristics": [],
        "family_types": [],
    },
    {
        "id": 2735,
        "name": "Fierbatoare",
        "is_allowed": 1,
        "parent_id": 2710,
        "is_ean_mandatory": 1,
        "is_warranty_mandatory": 1,
        "characteristics": [
            (6876, "Capacitate", 2, 1, 1, ["0.5 l", "1 l", "1.5 l", "1.7 l", "2 l"], []),
            (7764, "Putere", 2, 1, 1, ["1500 W", "2000 W", "2200 W", "3000 W"], []),
            (5401, "Material", 11, 0, 0, ["Inox", "Plastic", "Sticla", "Ceramica"], []),
            (5402, "Culoare", 11, 0, 0, COLOURS, []),
            (6506, "Marime", 60, 0, 1, [], ["original", "converted"]),
        ],
        "family_types": [
            {
                "id": 95,
                "name": "Culoare",
                "characteristics": [
                    {
                        "characteristic_id": 5402,
                        "characteristic_family_type_id": 1,
                        "is_foldable": 0,
                        "display_order": 1,
                    }
                ],
            },
        ],
    },
    {
        "id": 1530,
        "name": "Imprimante laser",
        "is_allowed": 1,
        "parent_id": None,
        "is_ean_mandatory": 0,
        "is_warranty_mandatory": 1,
        "characteristics": [(8010, "Tip imprimare", 11, 1, 0, ["Monocrom", "Color"], [])],
        "family_types": [],
    },
    {
        "id": 3120,
        "name": "Cabluri si adaptoare",
        "is_allowed": 1,
        "parent_id": None,
        "is_ean_mandatory": 0,
        "is_warranty_mandatory": 0,
        "characteristics": [(9001, "Lungime", 2, 0, 1, ["1 m", "2 m", "3 m"], [])],
        "family_types": [],
    },
    {
        "id": 4000,
        "name": "Bijuterii (acces restrictionat)",
        "is_allowed": 0,
        "parent_id": None,
        "is_ean_mandatory": 1,
        "is_warranty_mandatory": 0,
        "characteristics": [],
        "family_types": [],
    },
]
CATEGORY_BY_ID = {cat["id"]: cat for cat in CATEGORIES}


def characteristic_specs(category):
    """Characteristics of a category as dicts (without value paging)."""
    return [
        {
            "id": cid,
            "name": name,
            "type_id": type_id,
            "is_mandatory": mandatory,
            "allow_new_value": allow_new,
            "values": values,
            "tags": tags,
        }
        for cid, name, type_id, mandatory, allow_new, values, tags in category["characteristics"]
    ]


def _category_summary(category):
    return {
        key: category[key]
        for key in (
            "id",
            "name",
            "is_allowed",
            "parent_id",
            "is_ean_mandatory",
            "is_warranty_mandatory",
        )
    }


def _category_detail(category, filters):
    """Category with characteristics; values paged by valuesCurrentPage/valuesPerPage."""
    page = as_int(filters.get("valuesCurrentPage", 1), "valuesCurrentPage", 1)
    per_page = as_int(filters.get("valuesPerPage", 256), "valuesPerPage", 1, 256)
    start = (page - 1) * per_page
    characteristics = [
        {
            "id": spec["id"],
            "name": spec["name"],
            "type_id": spec["type_id"],
            "display_order": order,
            "is_mandatory": spec["is_mandatory"],
            "is_filter": 1,
            "allow_new_value": spec["allow_new_value"],
            "values": spec["values"][start : start + per_page],
            "tags": spec["tags"],
        }
        for order, spec in enumerate(characteristic_specs(category), start=1)
    ]
    return {
        **_category_summary(category),
        "characteristics": characteristics,
        "family_types": category["family_types"],
    }


def _matching_categories(filters):
    categories = list(CATEGORIES)
    if "id" in filters:
        wanted = as_int(filters["id"], "id")
        categories = [c for c in categories if c["id"] == wanted]
    if "is_allowed" in filters:
        wanted = as_int(filters["is_allowed"], "is_allowed", 0, 1)
        categories = [c for c in categories if c["is_allowed"] == wanted]
    if filters.get("name"):
        needle = str(filters["name"]).lower()
        categories = [c for c in categories if needle in c["name"].lower()]
    return categories


def category_read(ctx):
    filters = ctx.filters()
    categories = _matching_categories(filters)
    if "id" in filters:
        return ok([_category_detail(c, filters) for c in categories])
    page = paginate(categories, filters, ctx.state.max_items_per_page)
    return ok([_category_summary(c) for c in page])


def category_count(ctx):
    filters = ctx.filters()
    return ok(
        count_result(len(_matching_categories(filters)), filters, ctx.state.max_items_per_page)
    )


def vat_read(ctx):
    rates = VAT_RATES[ctx.account.country_code]
    return ok(
        [
            {"vat_id": vid, "vat_rate": float(rate), "is_default": default}
            for vid, rate, default in rates
        ]
    )


def handling_time_read(ctx):
    return ok([{"id": days} for days in HANDLING_TIMES])


def _matching_localities(ctx, filters):
    country = str(filters.get("country_code") or ctx.account.country_code).upper()
    found = [loc for loc in LOCALITIES if loc["country_code"] == country]
    if "emag_id" in filters:
        wanted = as_int(filters["emag_id"], "emag_id")
        found = [loc for loc in found if loc["emag_id"] == wanted]
    if filters.get("name"):
        name = str(filters["name"])
        if len(name) > 60:
            raise ApiError("Field name must have at most 60 characters")
        needle = name.lower()
        found = [
            loc
            for loc in found
            if needle in loc["name"].lower() or needle in loc["name_latin"].lower()
        ]
    if filters.get("region2"):
        needle = str(filters["region2"]).lower()
        found = [
            loc for loc in found if needle in (loc["region2"].lower(), loc["region2_latin"].lower())
        ]
    if filters.get("modified"):
        since = parse_datetime(filters["modified"], "modified")
        found = [loc for loc in found if parse_datetime(loc["modified"], "modified") > since]
    return found


def locality_read(ctx):
    filters = ctx.filters()
    found = _matching_localities(ctx, filters)
    return ok(paginate(found, filters, ctx.state.max_items_per_page))


def locality_count(ctx):
    filters = ctx.filters()
    return ok(
        count_result(len(_matching_localities(ctx, filters)), filters, ctx.state.max_items_per_page)
    )


def courier_accounts_read(ctx):
    return ok(ctx.account.courier_accounts)


def addresses_read(ctx):
    return ok(ctx.account.addresses)


ROUTES = {
    "category/read": (("POST",), category_read),
    "category/count": (("POST",), category_count),
    "vat/read": (("POST",), vat_read),
    "handling_time/read": (("POST",), handling_time_read),
    "locality/read": (("POST",), locality_read),
    "locality/count": (("POST",), locality_count),
    "courier_accounts/read": (("POST",), courier_accounts_read),
    "addresses/read": (("POST",), addresses_read),
}
