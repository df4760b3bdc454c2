"""Where the ANAF SPV e-Factura API lives: production, ANAF's test system, a sandbox."""

from dataclasses import dataclass

ANAF_OAUTH_URL = "https://logincert.anaf.ro/anaf-oauth2/v1"


@dataclass(frozen=True)
class AnafEndpoints:
    """Base URLs of one environment.

    :ivar api_url: REST base, e.g. ``https://api.anaf.ro/prod/FCTEL/rest``
    :ivar oauth_url: OAuth2 base holding ``authorize`` and ``token``
    """

    api_url: str
    oauth_url: str = ANAF_OAUTH_URL

    @classmethod
    def sandbox(cls, base_url, environment="test"):
        """Endpoints of a simulator started at ``base_url`` (see ``anaf_simulator``)."""
        base = base_url.rstrip("/")
        return cls(f"{base}/{environment}/FCTEL/rest", f"{base}/anaf-oauth2/v1")


PRODUCTION = AnafEndpoints("https://api.anaf.ro/prod/FCTEL/rest")
TEST = AnafEndpoints("https://api.anaf.ro/test/FCTEL/rest")
