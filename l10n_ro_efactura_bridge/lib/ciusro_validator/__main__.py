"""Validate e-Factura documents: ``python -m ciusro_validator [--rules DIR] [--json] FILE...``.

Exit status: 0 when every file passes both layers, 1 when any fails, 2 on
usage errors or an unusable rule pack, 3 when ``saxonche`` is not installed.
``--json`` prints one JSON object per file (see ``Validator.validate_file``).
"""

import argparse
import json
import sys

from . import RulePack, RulePackError, Validator, saxon_available


def _print_text(result):
    print(f"{'PASS' if result['ok'] else 'FAIL'} {result['file']}")
    for error in result["xsd_errors"]:
        print(f"  XSD  {error}")
    for error in result["rule_errors"]:
        print(f"  {error['id']} [{error['flag']}] {error['text']}  @ {error['location']}")
    for warning in result["warnings"]:
        print(f"  warning {warning['id']}: {warning['text']}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="ciusro_validator", description=__doc__)
    parser.add_argument("--rules", help="rule pack folder (default: the rules shipped here)")
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    if not saxon_available():
        print("saxonche is not installed: the CIUS-RO rules cannot run", file=sys.stderr)
        return 3
    try:
        validator = Validator(RulePack.load(args.rules))
    except RulePackError as exc:
        print(exc, file=sys.stderr)
        return 2
    all_ok = True
    for path in args.files:
        result = validator.validate_file(path)
        all_ok &= result["ok"]
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            _print_text(result)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
