"""HTTP client of the eMAG Marketplace seller API ("api-3").

One :class:`EmagClient` per seller account (one API user on one platform).
Every request goes through the same path: rate limiter → HTTP → strict
interpretation of the answer into a result or an :mod:`.errors` exception →
call hook → bounded retry when retrying is safe.

Conventions followed (reference §3, §4, §17.1):

* HTTP Basic auth; JSON bodies with ``Content-Type``/``Accept: application/json``;
* reads and counts send filters and pagination as top-level keys, saves send
  ``{"data": [entity, ...]}``;
* success is HTTP 200 with ``isError: false`` — nothing else (HTTP 204 only
  for the stock PATCH, a PDF body only for AWB labels);
* 429 and connection failures before sending are always safe to retry; 5xx,
  timeouts and dropped connections are retried only for idempotent routes,
  and turn into :class:`~.errors.EmagOutcomeUnknownError` for the others.
"""

import base64
import email.utils
import hashlib
import json
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

import requests
from urllib3.exceptions import NewConnectionError

from . import batching
from .errors import (
    EmagAuthError,
    EmagError,
    EmagIpNotWhitelistedError,
    EmagNotFoundError,
    EmagOutcomeUnknownError,
    EmagRateLimitedError,
    EmagRequestTooLargeError,
    EmagTransientError,
    EmagUnexpectedResponseError,
    EmagUnreachableError,
    EmagValidationError,
)
from .parsing import (
    as_list,
    first_amount,
    format_datetime,
    normalize_messages,
    platform_timezone,
    to_int,
)
from .platforms import PLATFORMS, Platform
from .ratelimit import BUCKET_LIMITS, DEFAULT_LIMITER, bucket_for_route
from .redaction import redact

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (5, 30)
DEFAULT_RETRIES = 3
# Longest total back-off one call may spend before giving up.
DEFAULT_MAX_RETRY_WAIT = 60.0
# test_connection: connect + read timeouts, at most 5 s of network time.
TEST_CONNECTION_TIMEOUT = (2, 3)
ITEMS_PER_PAGE = 100
# The invoice routes page up to 1000 documents (doc §15).
INVOICES_PER_PAGE = 500
# Characteristic values per page when reading one category (eMAG default is 256).
CATEGORY_VALUES_PER_PAGE = 100
MAX_PAGES = 65535  # eMAG's currentPage upper bound
LABEL_FORMATS = ("A4", "A5", "A6")

# Routes whose repetition is not harmless: a second AWB is a second parcel, a
# repeated storno or attachment is applied twice. Never retried after the
# request may have reached eMAG.
NON_IDEMPOTENT_ROUTES = frozenset({"awb/save", "rma/save", "order/save", "order/attachments/save"})
# Pricing routes eMAG documents poorly (doc §7, §13.8): one place each.
COMMISSION_ESTIMATE_ROUTE = "commission/estimate"  # Swagger only; [SINGLE, low trust]
SMART_DEALS_ROUTE = "smart-deals-price-check"  # GET ?productId=, answer undocumented
CAMPAIGN_LIST_ROUTE = "campaign"  # not in the doc; the simulator's campaign list

_EXPECT_ENVELOPE = "envelope"
_EXPECT_NO_CONTENT = "no_content"
_EXPECT_PDF = "pdf"

_RESPONSE_PREVIEW_CHARS = 2000
_NOT_ALLOWED_TEXT = "not allowed to use this api"
_TOO_LARGE_TEXT = "maximum input vars"


@dataclass(frozen=True)
class CallRecord:
    """What the call hook receives for every HTTP attempt.

    Carries no account, username, password or authorization header; bodies
    are redacted with :func:`~.redaction.redact`.

    :ivar route: API route, e.g. ``"order/read"`` or ``"order/acknowledge/12"``
    :ivar method: HTTP method
    :ivar http_status: status of the answer, ``None`` when there was none
    :ivar duration_ms: time spent in HTTP (rate-limit waits excluded)
    :ivar outcome: ``"ok"`` or the name of the :mod:`.errors` class raised
    :ivar attempt: 1 for the first try, 2+ for retries
    :ivar request_body: redacted JSON-compatible request payload (or ``None``)
    :ivar response_body: redacted parsed JSON answer, a text preview when it
        was not JSON, or a ``"<N bytes application/pdf>"`` placeholder
    """

    route: str
    method: str
    http_status: int
    duration_ms: int
    outcome: str
    attempt: int
    request_body: object
    response_body: object


@dataclass
class EmagResponse:
    """A successful answer.

    :ivar results: the envelope's ``results`` (list for reads, object for
        counts and ``awb/save``); ``None`` for 204 and PDF answers
    :ivar messages: eMAG's messages as strings (warnings on success)
    :ivar content: raw body bytes (the PDF for labels)
    """

    route: str
    http_status: int
    results: object = None
    messages: list = field(default_factory=list)
    content: bytes = b""
    content_type: str = ""


class EmagClient:
    """Client of one eMAG seller account.

    :param base_url: API root such as ``https://marketplace-api.emag.ro/api-3``;
        ``None`` takes the platform's
    :param username: API user
    :param password: its password
    :param timeout: ``(connect, read)`` seconds per HTTP attempt
    :param limiter: object implementing :class:`~.ratelimit.Limiter`; default
        :data:`~.ratelimit.DEFAULT_LIMITER`, shared within the process
    :param call_hook: callable receiving a :class:`CallRecord` per attempt;
        its exceptions are logged and ignored
    :param retries: retries allowed per call after 429, 5xx, timeouts and
        connection failures (when safe, see :data:`NON_IDEMPOTENT_ROUTES`)
    :param platform: :class:`~.platforms.Platform` or code (``"emag_ro"``);
        gives the time zone of timestamps. Guessed from ``base_url`` when
        omitted, eMAG Romania when it cannot be guessed.
    :param account_key: name of this account's rate-limit buckets; defaults
        to a digest of base URL and username. Clients sharing a key pace
        together.
    :param max_retry_wait: total seconds of back-off allowed per call
    :param sleep: function used to wait between retries (tests record it)
    """

    def __init__(
        self,
        base_url,
        username,
        password,
        *,
        timeout=DEFAULT_TIMEOUT,
        limiter=None,
        call_hook=None,
        retries=DEFAULT_RETRIES,
        platform=None,
        account_key=None,
        max_retry_wait=DEFAULT_MAX_RETRY_WAIT,
        sleep=time.sleep,
    ):
        self.platform = _resolve_platform(platform, base_url)
        self.base_url = (base_url or self.platform.api_url).rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.max_retry_wait = max_retry_wait
        self.limiter = limiter or DEFAULT_LIMITER
        self.call_hook = call_hook
        self.tz = platform_timezone(self.platform)
        self.account_key = (
            account_key or hashlib.sha256(f"{self.base_url}|{username}".encode()).hexdigest()[:16]
        )
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._secrets = (password, token)
        self.session = requests.Session()
        self.session.auth = (username, password)
        self.session.headers.update(
            {"Accept": "application/json", "User-Agent": "odoo-emag-connector/19.0"}
        )
        self._sleep = sleep

    def __repr__(self):
        return f"<EmagClient {self.platform.code} {self.base_url} account={self.account_key}>"

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # ------------------------------------------------------------------ generic

    def call(
        self,
        resource,
        action=None,
        payload=None,
        *,
        method="POST",
        params=None,
        idempotent=None,
        timeout=None,
        retries=None,
    ):
        """Call ``{base_url}/{resource}/{action}`` and return an :class:`EmagResponse`.

        :param payload: JSON-serialisable body (Decimal, date and datetime
            values are converted; datetimes to platform local time)
        :param params: query-string parameters
        :param idempotent: whether the call may be repeated after its outcome
            became unknown; defaults to ``route not in NON_IDEMPOTENT_ROUTES``
        :raises EmagError: a subclass describing the failure
        """
        route = f"{resource.strip('/')}/{action}" if action is not None else resource.strip("/")
        if idempotent is None:
            idempotent = route not in NON_IDEMPOTENT_ROUTES
        return self._execute(
            method,
            route,
            payload=payload,
            params=params,
            idempotent=idempotent,
            timeout=timeout,
            retries=retries,
        )

    def read(self, resource, filters=None, *, params=None):
        """Return one page of ``{resource}/read`` results (a list)."""
        response = self.call(resource, "read", self._filters(filters), params=params)
        return _results_list(response)

    def count(self, resource, filters=None):
        """Return ``{resource}/count`` as ``{"noOfItems", "noOfPages", "itemsPerPage"}`` ints."""
        response = self.call(resource, "count", self._filters(filters))
        results = response.results
        if not isinstance(results, dict) or "noOfItems" not in results:
            raise EmagUnexpectedResponseError(
                "count answer without noOfItems", route=response.route, http_status=200
            )
        try:
            return {
                "noOfItems": to_int(results.get("noOfItems")) or 0,
                "noOfPages": to_int(results.get("noOfPages")) or 0,
                "itemsPerPage": to_int(results.get("itemsPerPage")) or 0,
            }
        except ValueError as exc:
            raise EmagUnexpectedResponseError(
                f"count answer not numeric: {results!r}", route=response.route, http_status=200
            ) from exc

    def iter_pages(self, resource, filters=None, *, items_per_page=ITEMS_PER_PAGE, params=None):
        """Yield every item of ``{resource}/read``, page after page, until an empty page."""
        filters = dict(filters or {})
        previous = None
        for page in range(1, MAX_PAGES + 1):
            results = self.read(
                resource,
                {**filters, "currentPage": page, "itemsPerPage": items_per_page},
                params=params,
            )
            if not results:
                return
            if results == previous:
                raise EmagUnexpectedResponseError(
                    f"page {page} repeats page {page - 1}: pagination ignored",
                    route=f"{resource}/read",
                )
            yield from results
            previous = results

    def save_in_batches(self, resource, entities, *, action="save", key="id"):
        """Bulk-save idempotent entities; return a :class:`~.batching.BatchReport`.

        See :func:`~.batching.save_in_batches`. Refused for non-idempotent routes.
        """
        route = f"{resource}/{action}"
        if route in NON_IDEMPOTENT_ROUTES:
            raise ValueError(f"{route} is not idempotent and cannot be batched with retries")
        return batching.save_in_batches(
            lambda chunk: self.call(resource, action, {"data": chunk}), entities, key=key
        )

    def test_connection(self):
        """Check URL, credentials and IP whitelist with the cheapest authenticated call.

        Returns ``None`` on success; raises the :mod:`.errors` taxonomy
        otherwise (:class:`~.errors.EmagUnreachableError` when the endpoint
        cannot be reached). No retry; at most ~5 s of network time.
        """
        response = self.call("vat", "read", {}, timeout=TEST_CONNECTION_TIMEOUT, retries=0)
        _results_list(response)

    # ---------------------------------------------------------- products/offers

    def read_product_offers(self, **filters):
        """One page of ``product_offer/read`` (filters: id, status, part_number, ...)."""
        return self.read("product_offer", filters)

    def iter_product_offers(self, **filters):
        return self.iter_pages("product_offer", filters)

    def count_product_offers(self, **filters):
        return self.count("product_offer", filters)

    def save_product_offers(self, entities):
        """``product_offer/save`` (products with documentation and/or offers), batched.

        eMAG may answer ``isError: true`` while still saving the offer part
        when only the documentation is refused; such entities are reported as
        errors carrying eMAG's messages — read them back to know more.
        """
        return self.save_in_batches("product_offer", entities)

    def save_offers(self, entities):
        """Light ``offer/save`` (price, stock, status, VAT, handling time), batched."""
        return self.save_in_batches("offer", entities)

    def update_offer_stock(self, offer_id, stock):
        """``PATCH offer_stock/{offer_id}`` with ``{"stock": n}`` (HTTP 204 on success).

        :raises EmagNotFoundError: no such offer
        :raises EmagValidationError: stock refused (invalid, active campaign)
        """
        self.call(f"offer_stock/{int(offer_id)}", payload={"stock": int(stock)}, method="PATCH")

    # ----------------------------------------------------------------- pricing

    def read_commission_estimate(self, offer_id):
        """eMAG's commission estimate for one offer, in percent of the net price.

        The route is documented only in eMAG's Swagger (doc §7); the one here
        comes from a single other client (low trust), so it lives in
        :data:`COMMISSION_ESTIMATE_ROUTE` and nowhere else. ``None`` when the
        answer carries no readable amount.
        """
        response = self.call(f"{COMMISSION_ESTIMATE_ROUTE}/{int(offer_id)}", method="GET")
        return first_amount(response.results, ("value", "commission", "percent", "estimate"))

    def read_smart_deals_price(self, offer_id):
        """The net price that earns the Smart Deals badge (doc §13.8, 4.4.8), or ``None``.

        The answer's shape is undocumented: the first of a few likely keys wins.
        """
        response = self.call(SMART_DEALS_ROUTE, method="GET", params={"productId": int(offer_id)})
        return first_amount(response.results, ("targetPrice", "target_price", "price"))

    def read_campaigns(self):
        """The account's campaigns (undocumented list route; see :data:`CAMPAIGN_LIST_ROUTE`)."""
        return _results_list(self.call(CAMPAIGN_LIST_ROUTE, "read", {}))

    def save_campaign_proposals(self, proposals):
        """``campaign_proposals/save`` (doc §13.7), batched; one outcome per proposal.

        A proposal is keyed by the offer ``id``; propose an offer to one
        campaign per call so that eMAG's messages name one proposal each.
        """
        return self.save_in_batches("campaign_proposals", proposals)

    # ------------------------------------------------------------------ orders

    def read_orders(self, **filters):
        """One page of ``order/read``. Datetime filters (``modifiedAfter``...) may be
        given as datetimes (naive = UTC); they are sent in platform local time."""
        return self.read("order", filters)

    def iter_orders(self, **filters):
        return self.iter_pages("order", filters)

    def count_orders(self, **filters):
        return self.count("order", filters)

    def acknowledge_order(self, order_id):
        """``order/acknowledge/{id}``: moves a new order (1) to in progress (2)."""
        self.call(f"order/acknowledge/{int(order_id)}")

    def save_order(self, order):
        """``order/save`` of one full order object as read (modified). Not retried
        after an unknown outcome: re-read the order before trying again."""
        return self.call("order", "save", {"data": [order]})

    def save_order_attachments(self, attachments):
        """``order/attachments/save`` (invoices, warranties...), at most 50 per call."""
        attachments = list(attachments)
        if not 0 < len(attachments) <= batching.MAX_ENTITIES:
            raise ValueError(f"1 to {batching.MAX_ENTITIES} attachments per call")
        return self.call("order/attachments", "save", {"data": attachments})

    # --------------------------------------------------------------------- AWB

    def save_awb(self, awb):
        """``awb/save`` of one AWB request; returns the results object
        (``reservation_id``, ``awb[{emag_id, awb_number, ...}]``, ``courier_name``).

        :raises EmagOutcomeUnknownError: the AWB may have been created; reconcile
            with :meth:`read_orders` / :meth:`read_awb` before retrying
        """
        response = self.call("awb", "save", {"data": [awb]})
        results = response.results
        if isinstance(results, list) and len(results) == 1:
            results = results[0]
        if not isinstance(results, dict):
            raise EmagUnexpectedResponseError(
                f"awb/save answer without an AWB object: {results!r}",
                route=response.route,
                http_status=200,
            )
        return results

    def read_awb(self, *, emag_id=None, reservation_id=None):
        """``awb/read`` by eMAG AWB id or reservation id; returns a list."""
        filters = {"emag_id": emag_id, "reservation_id": reservation_id}
        filters = {key: value for key, value in filters.items() if value is not None}
        if not filters:
            raise ValueError("emag_id or reservation_id is required")
        return self.read("awb", filters)

    def read_awb_pdf(self, emag_id, awb_format="A4"):
        """Return the label PDF bytes of an AWB issued through the API.

        :param awb_format: ``"A4"``, ``"A5"`` or ``"A6"`` (ZPL labels are not PDF)
        """
        if awb_format not in LABEL_FORMATS:
            raise ValueError(f"awb_format must be one of {LABEL_FORMATS}")
        response = self._execute(
            "GET",
            "awb/read_pdf",
            params={"emag_id": int(emag_id), "awb_format": awb_format},
            expect=_EXPECT_PDF,
        )
        return response.content

    # --------------------------------------------------------------------- RMA

    def read_rmas(self, **filters):
        return self.read("rma", filters)

    def iter_rmas(self, **filters):
        return self.iter_pages("rma", filters)

    def count_rmas(self, **filters):
        return self.count("rma", filters)

    def save_rma(self, rma):
        """``rma/save`` of one return (``emag_id``, ``type``, ``request_status``...).
        Not retried after an unknown outcome: re-read it before trying again."""
        return self.call("rma", "save", {"data": [rma]})

    # ----------------------------------------------------------- nomenclatures

    def read_categories(self, *, language=None, **filters):
        return self.read("category", filters, params=_language(language))

    def iter_categories(self, *, language=None, **filters):
        return self.iter_pages("category", filters, params=_language(language))

    def count_categories(self, **filters):
        return self.count("category", filters)

    def read_category(
        self, category_id, *, language=None, values_per_page=CATEGORY_VALUES_PER_PAGE
    ):
        """Return one category with its characteristics and *all* their values.

        eMAG pages characteristic values (``valuesCurrentPage``/``valuesPerPage``);
        pages are read until no characteristic fills a page. ``None`` if the
        category does not exist or is not visible.
        """
        category, by_id, previous_page = None, {}, None
        for page in range(1, MAX_PAGES + 1):
            results = self.read(
                "category",
                {"id": category_id, "valuesCurrentPage": page, "valuesPerPage": values_per_page},
                params=_language(language),
            )
            if not results:
                break
            current = results[0]
            characteristics = as_list(current.get("characteristics"))
            page_values = {char.get("id"): as_list(char.get("values")) for char in characteristics}
            if page_values == previous_page:
                break  # the server ignores value paging: everything is already here
            if category is None:
                category = current
                category["characteristics"] = characteristics
                for char in characteristics:
                    char["values"] = list(page_values[char.get("id")])
                    by_id[char.get("id")] = char
            else:
                for char_id, values in page_values.items():
                    if char_id in by_id:
                        by_id[char_id]["values"].extend(values)
            if not any(len(values) >= values_per_page for values in page_values.values()):
                break
            previous_page = page_values
        return category

    def read_vat_rates(self):
        """``vat/read``: items ``{vat_id, vat_rate, is_default}`` (rates: see
        :func:`~.parsing.vat_fraction`)."""
        return self.read("vat")

    def read_handling_times(self):
        """``handling_time/read``: items ``{id}`` where id is days (see
        :func:`~.parsing.handling_time_days`)."""
        return self.read("handling_time")

    def read_localities(self, **filters):
        return self.read("locality", filters)

    def iter_localities(self, **filters):
        return self.iter_pages("locality", filters)

    def count_localities(self, **filters):
        return self.count("locality", filters)

    def read_courier_accounts(self):
        return self.read("courier_accounts")

    def read_addresses(self):
        return self.read("addresses")

    # ---------------------------------------------------------------- internals

    # ------------------------------------------------- eMAG's invoices (doc §15)

    def read_invoice_categories(self):
        """``[{"category": "FC", "name": "Commission"}, …]``: the kinds of eMAG's invoices."""
        return _results_list(self.call("invoice/categories", "read", {}))

    def iter_invoices(self, **filters):
        """Every invoice eMAG issued to the seller matching ``filters``
        (``category``, ``number``, ``date_start``/``date_end`` as dates), page after page."""
        return self._iter_documents("invoice", filters)

    def iter_customer_invoices(self, **filters):
        """Every invoice eMAG's invoicing service issued on the seller's behalf
        (filters ``category`` normal/storno, ``order_id``, ``number``, dates)."""
        return self._iter_documents("customer-invoice", filters)

    def _iter_documents(self, resource, filters, items_per_page=INVOICES_PER_PAGE):
        """The invoice routes answer ``{total_results, invoices}``, not a list."""
        filters = {
            key: value.strftime("%Y-%m-%d") if isinstance(value, date) else value
            for key, value in filters.items()
        }
        seen = 0
        for page in range(1, MAX_PAGES + 1):
            response = self.call(
                resource,
                "read",
                {**filters, "currentPage": page, "itemsPerPage": items_per_page},
            )
            results = response.results if isinstance(response.results, dict) else {}
            try:
                invoices = as_list(results.get("invoices"))
                total = to_int(results.get("total_results")) or 0
            except ValueError:
                raise EmagUnexpectedResponseError(
                    f"invoice answer not understood: {response.results!r:.200}",
                    route=response.route,
                    http_status=response.http_status,
                ) from None
            yield from invoices
            seen += len(invoices)
            if not invoices or seen >= total:
                return

    def _filters(self, filters):
        return {key: value for key, value in (filters or {}).items() if value is not None}

    def _json_default(self, value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime):
            return format_datetime(value, self.tz)
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"cannot send {type(value).__name__} to eMAG")

    def _execute(
        self,
        method,
        route,
        *,
        payload=None,
        params=None,
        idempotent=True,
        timeout=None,
        retries=None,
        expect=None,
    ):
        if expect is None:
            expect = _EXPECT_NO_CONTENT if method == "PATCH" else _EXPECT_ENVELOPE
        retries = self.retries if retries is None else retries
        url = f"{self.base_url}/{route}"
        body = None
        headers = {}
        if payload is not None:
            body = json.dumps(payload, default=self._json_default).encode("utf-8")
            headers["Content-Type"] = "application/json"
        bucket = bucket_for_route(route)
        limiter_key = f"emag:{self.account_key}:{bucket}"
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            self.limiter.acquire(limiter_key, BUCKET_LIMITS[bucket])
            started = time.monotonic()
            response = None
            try:
                response = self.session.request(
                    method,
                    url,
                    data=body,
                    params=params,
                    headers=headers,
                    timeout=timeout or self.timeout,
                )
                result = _interpret(response, route, expect)
                error = None
            except requests.RequestException as exc:
                error = _transport_error(exc, route)
            except EmagError as exc:
                error = exc
            duration_ms = int((time.monotonic() - started) * 1000)
            self._report(method, route, attempt, duration_ms, body, response, error)
            if error is None:
                return result

            # 429 means the gateway refused without processing; an unreachable
            # endpoint never received the request: both are safe to repeat.
            if isinstance(error, EmagRateLimitedError):
                delay = max(error.retry_after or 1.0, _backoff(attempt))
                self.limiter.penalize(limiter_key, delay)
            elif isinstance(error, EmagUnreachableError):
                delay = _backoff(attempt)
            elif isinstance(error, EmagTransientError):
                if not idempotent:
                    raise EmagOutcomeUnknownError(
                        f"{route}: outcome unknown after {error.message}; "
                        "read back before retrying",
                        cause=error,
                        route=route,
                        http_status=error.http_status,
                    ) from error
                delay = _backoff(attempt)
            else:
                raise error
            if attempt > retries or waited + delay > self.max_retry_wait:
                raise error
            _logger.info(
                "eMAG %s %s: %s; retry %d/%d in %.1fs",
                method,
                route,
                type(error).__name__,
                attempt,
                retries,
                delay,
            )
            self._sleep(delay)
            waited += delay

    def _report(self, method, route, attempt, duration_ms, body, response, error):
        outcome = "ok" if error is None else type(error).__name__
        status = response.status_code if response is not None else None
        _logger.debug("eMAG %s %s -> %s in %d ms (%s)", method, route, status, duration_ms, outcome)
        if self.call_hook is None:
            return
        try:
            record = CallRecord(
                route=route,
                method=method,
                http_status=status,
                duration_ms=duration_ms,
                outcome=outcome,
                attempt=attempt,
                request_body=redact(json.loads(body), self._secrets) if body else None,
                response_body=redact(_response_preview(response), self._secrets),
            )
            self.call_hook(record)
        except Exception:
            _logger.exception("eMAG call hook failed for %s %s", method, route)


# ---------------------------------------------------------------------- helpers


def _resolve_platform(platform, base_url):
    if isinstance(platform, Platform):
        return platform
    if platform:
        return PLATFORMS[platform]
    if base_url:
        for candidate in PLATFORMS.values():
            if base_url.rstrip("/") == candidate.api_url:
                return candidate
    return PLATFORMS["emag_ro"]


def _language(language):
    return {"language": language} if language else None


def _results_list(response):
    try:
        return as_list(response.results)
    except ValueError:
        raise EmagUnexpectedResponseError(
            f"read answer whose results are not a list: {response.results!r:.200}",
            route=response.route,
            http_status=response.http_status,
        ) from None


def _backoff(attempt, base=0.5, cap=8.0):
    """Exponential back-off with equal jitter: half fixed, half random."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _retry_after(response):
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = (moment - datetime.now(timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), 300.0)


def _json_body(response):
    try:
        return response.json()
    except ValueError:
        return None


def _response_preview(response):
    if response is None:
        return None
    content_type = response.headers.get("Content-Type", "")
    if "application/pdf" in content_type:
        return f"<{len(response.content)} bytes application/pdf>"
    body = _json_body(response)
    if body is not None:
        return body
    return response.text[:_RESPONSE_PREVIEW_CHARS]


def _error_messages(body, fallback):
    """Messages of an error body: the envelope's, or the REST style
    ``{"message": ..., "errors": [{"message", "field"}]}``."""
    if isinstance(body, dict):
        messages = normalize_messages(body.get("messages"))
        if body.get("message"):
            messages.append(str(body["message"]))
        messages.extend(normalize_messages(body.get("errors")))
        if messages:
            return messages
    return [fallback]


def _interpret(response, route, expect):
    """Turn an HTTP answer into an :class:`EmagResponse` or raise the matching error."""
    status = response.status_code
    body = _json_body(response)
    context = {"route": route, "http_status": status}

    if status == 429:
        messages = _error_messages(body, "API rate limit exceeded")
        raise EmagRateLimitedError(
            "; ".join(messages), retry_after=_retry_after(response), messages=messages, **context
        )
    if status in (401, 403):
        messages = _error_messages(body, "You are not allowed to use this API.")
        raise _refusal(messages, context, default=EmagAuthError)
    if status >= 500:
        raise EmagTransientError(f"server error HTTP {status}", **context)
    if status == 204 and expect == _EXPECT_NO_CONTENT:
        return EmagResponse(route, status, messages=[])
    if status == 413 or (status in (400, 404, 422) and body is not None):
        messages = _error_messages(body, f"HTTP {status}")
        error_class = {404: EmagNotFoundError, 413: EmagRequestTooLargeError}.get(
            status, EmagValidationError
        )
        raise _refusal(messages, context, default=error_class)
    if status != 200:
        raise EmagUnexpectedResponseError(f"unexpected HTTP {status}", **context)

    content_type = response.headers.get("Content-Type", "")
    if expect == _EXPECT_PDF:
        if body is None:
            if "application/pdf" not in content_type or not response.content.startswith(b"%PDF"):
                raise EmagUnexpectedResponseError(
                    f"label is neither PDF nor JSON ({content_type or 'no content type'})",
                    **context,
                )
            return EmagResponse(route, status, content=response.content, content_type=content_type)
        if isinstance(body, dict) and body.get("isError") is False:
            raise EmagUnexpectedResponseError("label answer is JSON, not a PDF", **context)
    if not isinstance(body, dict):
        raise EmagUnexpectedResponseError(
            "answer is not a JSON object" if body is not None else "answer is not JSON", **context
        )
    if body.get("isError") is False:
        return EmagResponse(
            route,
            status,
            results=body.get("results"),
            messages=normalize_messages(body.get("messages")),
            content=response.content,
            content_type=content_type,
        )
    if body.get("isError") is not True:
        # Missing, null, "false", 0...: not the documented success marker.
        raise EmagUnexpectedResponseError(
            f"answer without isError: false (isError={body.get('isError')!r})", **context
        )
    messages = _error_messages(body, "eMAG refused the request without a message")
    raise _refusal(messages, context, default=EmagValidationError)


def _refusal(messages, context, default):
    """Pick the error class from eMAG's texts, which beat the HTTP status."""
    text = "; ".join(messages)
    lowered = text.lower()
    ip = EmagIpNotWhitelistedError.parse_ip(text)
    if ip is not None:
        return EmagIpNotWhitelistedError(text, ip=ip, messages=messages, **context)
    if _NOT_ALLOWED_TEXT in lowered:
        return EmagAuthError(text, messages=messages, **context)
    if _TOO_LARGE_TEXT in lowered:
        return EmagRequestTooLargeError(text, messages=messages, **context)
    return default(text, messages=messages, **context)


def _transport_error(exc, route):
    """Map a requests exception: before sending (unreachable) or after (transient)."""
    if isinstance(
        exc,
        (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ),
    ):
        return EmagUnreachableError(f"invalid endpoint URL: {exc}", route=route)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return EmagUnreachableError("endpoint unreachable: connect timeout", route=route)
    if isinstance(exc, requests.exceptions.SSLError):
        return EmagUnreachableError(f"endpoint unreachable: TLS failure ({exc})", route=route)
    if isinstance(exc, requests.exceptions.ConnectionError) and _never_connected(exc):
        return EmagUnreachableError(f"endpoint unreachable: {_root_cause(exc)}", route=route)
    if isinstance(exc, requests.exceptions.Timeout):
        return EmagTransientError("timeout waiting for the answer", route=route)
    return EmagTransientError(f"connection failed: {_root_cause(exc)}", route=route)


def _never_connected(exc):
    """Whether the failure happened while opening the connection (refused, DNS)."""
    seen = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectionRefusedError)):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            current = reason
        elif current.args and isinstance(current.args[0], BaseException):
            current = current.args[0]
        else:
            current = current.__context__
    return False


def _root_cause(exc):
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return str(reason or exc)
