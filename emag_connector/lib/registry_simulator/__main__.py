"""``python -m registry_simulator --port 8097``: the registries' sandbox, standalone."""

import argparse
import logging

from .server import RegistrySimulator


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument(
        "--known-by-default",
        action="store_true",
        help="every CUI not added is an active VAT payer, every VAT number not added is valid",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    simulator = RegistrySimulator(
        host=args.host, port=args.port, known_by_default=args.known_by_default
    )
    simulator.start()
    print(f"registry sandbox on {simulator.base_url}", flush=True)
    try:
        simulator.wait()
    except KeyboardInterrupt:
        simulator.stop()


if __name__ == "__main__":
    main()
