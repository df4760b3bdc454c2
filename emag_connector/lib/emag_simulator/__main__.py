"""Standalone runner: ``python -m emag_simulator [--port 8099] [--seed-file demo.json]``.

Loads the seed (the packaged demo by default: three accounts RO/BG/HU with a
small catalogue and a day of orders), prints the credentials and serves until
interrupted.
"""

import argparse
import json
import logging
import signal
import threading
from pathlib import Path

from .simulator import DEFAULT_SEED_FILE, EmagSimulator


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m emag_simulator", description="Local eMAG Marketplace API simulator"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--seed-file", type=Path, default=DEFAULT_SEED_FILE)
    parser.add_argument("--no-rate-limits", action="store_true")
    parser.add_argument("--strict", action="store_true", help="strict body shapes (see README)")
    parser.add_argument(
        "--orders-within-stock",
        action="store_true",
        help="generated orders buy only what the offers show in stock",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    sim = EmagSimulator(
        seed=args.seed,
        rate_limits=not args.no_rate_limits,
        strict=args.strict,
        orders_within_stock=args.orders_within_stock,
        host=args.host,
        port=args.port,
    )
    seed = json.loads(args.seed_file.read_text(encoding="utf-8"))
    sim.load_seed(seed)
    base_url = sim.start()
    print(f"eMAG simulator listening on {base_url}  (control API: {sim.root_url}/_sim/state)")
    for spec in seed.get("accounts", []):
        account = sim.account(spec["username"])
        print(
            f"  {account.platform:<15} user={account.username}  password={account.password}  "
            f"orders={len(account.orders)} offers={len(account.offers)}"
        )
    print("Press Ctrl+C to stop.", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
