"""The marketplaces that share the eMAG seller API ("api-3").

One seller account lives on exactly one platform; the platform decides the
default API URL, the language of texts sent to eMAG and the currency of every
amount on its orders and offers.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    code: str
    name: str
    api_url: str
    seller_url: str
    country_code: str
    lang: str
    currency: str
    timezone: str


PLATFORMS = {
    platform.code: platform
    for platform in (
        Platform(
            "emag_ro",
            "eMAG Romania",
            "https://marketplace-api.emag.ro/api-3",
            "https://marketplace.emag.ro",
            "RO",
            "ro_RO",
            "RON",
            "Europe/Bucharest",
        ),
        # Bulgaria adopted the euro on 2026-01-01; eMAG prices BG offers in EUR since.
        Platform(
            "emag_bg",
            "eMAG Bulgaria",
            "https://marketplace-api.emag.bg/api-3",
            "https://marketplace.emag.bg",
            "BG",
            "bg_BG",
            "EUR",
            "Europe/Sofia",
        ),
        Platform(
            "emag_hu",
            "eMAG Hungary",
            "https://marketplace-api.emag.hu/api-3",
            "https://marketplace.emag.hu",
            "HU",
            "hu_HU",
            "HUF",
            "Europe/Budapest",
        ),
        Platform(
            "fashiondays_ro",
            "Fashion Days Romania",
            "https://marketplace-ro-api.fashiondays.com/api-3",
            "https://marketplace-ro.fashiondays.com",
            "RO",
            "ro_RO",
            "RON",
            "Europe/Bucharest",
        ),
        Platform(
            "fashiondays_bg",
            "Fashion Days Bulgaria",
            "https://marketplace-bg-api.fashiondays.com/api-3",
            "https://marketplace-bg.fashiondays.com",
            "BG",
            "bg_BG",
            "EUR",
            "Europe/Sofia",
        ),
    )
}
