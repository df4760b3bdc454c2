"""Benchmark: take over an existing catalogue of 20,000 offers (read + match).

The simulator holds a catalogue the seller made by hand before Odoo, with its
rate limits ON (3 requests/s for product_offer routes), so the ceiling is
3 × 100 = 300 offers read per second. The client reads it page by page as the
takeover job does; then the matcher pairs every offer with the products of a
synthetic Odoo catalogue whose right answer is known:

====  =====================================================  ==============
n%20  Odoo side                                              expected
====  =====================================================  ==============
0-6   a product whose internal reference is the part number  matched
7-11  a product whose barcode is the offer's EAN             matched
12-13 a product whose offer elsewhere has the same PNK       matched
14    the offer's eMAG id is known already                   matched
15    two products with the same internal reference          ambiguous
16-17 one product: part number of 16, EAN of 17              ambiguous
18-19 nothing                                                unmatched
====  =====================================================  ==============

Prints exactly these lines on stdout::

    takeover_read_s=<seconds to read every offer>
    takeover_read_ratio=<offers read per second / 300>
    takeover_match_s=<seconds to match them>
    takeover_matched=<offers matched without doubt>
    takeover_wrong_links=<offers matched to another product than the right one>

Run: ``.venv/bin/python tests/bench/bench_takeover.py [N]``.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "emag_connector"
sys.path.insert(0, str(ROOT / "lib"))
# The matcher is pure Python: import it without the Odoo package around it.
sys.path.insert(0, str(ROOT / "services"))

import offer_matching as matching  # noqa: E402

from emag_api import EmagClient  # noqa: E402
from emag_simulator import EmagSimulator  # noqa: E402

USER, PASSWORD = "takeover@example.ro", "takeover-secret"
PAGE = 100
CEILING = 3 * PAGE


def odoo_catalogue(offers):
    """Synthetic Odoo products and known ids; returns (products, known, expected)."""
    products, known, expected = [], {}, {}
    by_id = {offer["id"]: offer for offer in offers}
    next_id = iter(range(1, 10**9))
    for offer in offers:
        n, kind = offer["id"], offer["id"] % 20
        if kind <= 6:
            pid = next(next_id)
            products.append(matching.ProductKeys(pid, default_code=offer["part_number"]))
        elif kind <= 11:
            pid = next(next_id)
            products.append(matching.ProductKeys(pid, barcode=offer["ean"][0]))
        elif kind <= 13:
            pid = next(next_id)
            products.append(matching.ProductKeys(pid, part_number_keys=(offer["part_number_key"],)))
        elif kind == 14:
            pid = next(next_id)
            known[n] = pid
        elif kind == 15:
            pid = None
            for _twin in range(2):
                products.append(
                    matching.ProductKeys(next(next_id), default_code=offer["part_number"])
                )
        elif kind == 16:
            pid = None
            following = by_id.get(n + 1)
            products.append(
                matching.ProductKeys(
                    next(next_id),
                    default_code=offer["part_number"],
                    barcode=following["ean"][0] if following else "",
                )
            )
        else:
            pid = None
        expected[n] = pid
    return products, known, expected


def main(count):
    with EmagSimulator(seed=3, rate_limits=True) as sim:
        sim.add_account(USER, PASSWORD, platform="emag_ro")
        seeded = sim.seed_catalogue(USER, count)
        products, known, expected = odoo_catalogue(seeded)
        client = EmagClient(sim.base_url, USER, PASSWORD, platform="emag_ro")

        started = time.monotonic()
        items, page = [], 1
        while True:
            results = client.read_product_offers(currentPage=page, itemsPerPage=PAGE)
            items += results
            if len(results) < PAGE:
                break
            page += 1
        read_s = time.monotonic() - started
        throttled = sum(1 for request in sim.received() if request.status == 429)
        client.close()

    started = time.monotonic()
    matches = matching.match_offers([matching.offer_keys(item) for item in items], products, known)
    match_s = time.monotonic() - started

    matched = [sid for sid, match in matches.items() if match.state == matching.MATCHED]
    # A wrong link sells one product's stock under another's offer: never acceptable.
    wrong = sum(1 for sid in matched if matches[sid].product_id != expected[sid])
    print(
        f"read {len(items)} offers in {page} pages, {throttled} throttled; "
        f"{len(matched)} matched of {sum(1 for pid in expected.values() if pid)} expected",
        file=sys.stderr,
    )
    print(f"takeover_read_s={read_s:.2f}")
    print(f"takeover_read_ratio={len(items) / read_s / CEILING:.3f}")
    print(f"takeover_match_s={match_s:.3f}")
    print(f"takeover_matched={len(matched)}")
    print(f"takeover_wrong_links={wrong}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
