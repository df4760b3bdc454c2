"""Run the ANAF SPV simulator standalone: ``python -m anaf_simulator --port 8098``."""

import argparse
import logging
import signal
import threading

from .server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnafSimulator


def main(argv=None):
    parser = argparse.ArgumentParser(prog="anaf_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument(
        "--polls", type=int, default=1, help="status polls answered 'in prelucrare' (default 1)"
    )
    parser.add_argument(
        "--seconds", type=float, default=0.0, help="minimum processing time of an upload"
    )
    parser.add_argument(
        "--validation-dir", help="rule pack folder (default: the rules shipped with the bridge)"
    )
    parser.add_argument(
        "--builtin-rules",
        action="store_true",
        help="ignore the official rules, use the built-in checks",
    )
    parser.add_argument(
        "--cif", action="append", help="CIF with SPV rights (repeatable; default: any CIF)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    sim = AnafSimulator(
        args.host,
        args.port,
        cifs=args.cif,
        processing_polls=args.polls,
        processing_seconds=args.seconds,
        validation_dir=args.validation_dir,
        use_official_rules=not args.builtin_rules,
    )
    # Before anything is printed: whoever reads the banner may stop us at once.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stop.set())
    sim.start()
    tokens = sim.issue_tokens()
    print(f"ANAF SPV simulator on {sim.base_url} ({sim.validation_mode} rules)")
    print(f"  API (test): {sim.api_url('test')}   API (prod): {sim.api_url('prod')}")
    print(f"  OAuth:      {sim.oauth_url}  client_id={DEFAULT_CLIENT_ID}")
    print(f"              client_secret={DEFAULT_CLIENT_SECRET}")
    print(f"  access_token={tokens['access_token']}")
    print(f"  refresh_token={tokens['refresh_token']}")
    print(
        "  Control API: /_sim/health, /_sim/faults, /_sim/delay, /_sim/uploads, /_sim/verdict,"
        " /_sim/supplier-invoices"
    )
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
