"""Run every test layer of the project and print one summary line.

1. The pure tests (pytest): HTTP clients and simulators, no Odoo needed.
2. The Odoo tests: both addons installed on a fresh throwaway database with
   odoo-bin's test runner, when an Odoo tree is found. The install log must be
   clean too: each ERROR or WARNING line it holds counts as one failure.

The last line is ``N passed, M failed``; the exit code is non-zero on any
failure, or when no test ran at all.
"""

import os
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("STATE_DIR", REPO / ".odoo"))
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo"))
ADDONS = ("emag_connector", "l10n_ro_efactura_bridge")
# The same PostgreSQL defaults as tools/env.sh, for dropdb.
PG_DEFAULTS = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "odoo", "PGPASSWORD": "odoo"}
for _name, _value in PG_DEFAULTS.items():
    os.environ.setdefault(_name, _value)

ODOO_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_PROBLEM = re.compile(r"^\S+ \S+ \d+ (ERROR|WARNING|CRITICAL) \S+ (?P<logger>\S+): ")
# Failing tests are counted from the runner's report; their log lines are not
# counted again. Every other ERROR or WARNING line is a problem of its own.
TEST_LOGGER = re.compile(r"^odoo\.tests\b|\.tests\.")


def banner(text):
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}", flush=True)


def run_pure_tests(extra_args):
    banner("Pure tests (no Odoo): pytest tests/")
    STATE_DIR.mkdir(exist_ok=True)
    report = STATE_DIR / "pytest-report.xml"
    command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *extra_args]
    code = subprocess.call(command, cwd=REPO)
    if not report.exists():
        return 0, 1
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total, skipped = int(suite.get("tests")), int(suite.get("skipped"))
    failed = int(suite.get("failures")) + int(suite.get("errors"))
    if code not in (0, 1, 5) and not failed:
        failed = 1  # pytest itself broke (usage error, internal error)
    return total - skipped - failed, failed


def free_port():
    """A loopback port for the browser tests' HTTP server (8069 may be a demo's)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_odoo_tests():
    if not (ODOO_PATH / "odoo-bin").is_file():
        banner(
            f"!!! ODOO TESTS SKIPPED: no Odoo tree at {ODOO_PATH} (set ODOO_PATH to an Odoo 19.0 "
            "checkout). Only the pure tests ran. !!!"
        )
        return 0, 0
    banner(f"Odoo tests: install {', '.join(ADDONS)} on a fresh database ({ODOO_PATH})")
    subprocess.check_call([str(REPO / "tools" / "ensure_postgres.sh")])
    database = f"emag_test_{os.getpid()}_{int(time.time())}"
    # A per-run log name would litter; ODOO_TEST_LOG lets parallel runs keep apart.
    log_file = Path(os.environ.get("ODOO_TEST_LOG", STATE_DIR / "odoo-test.log"))
    command = [
        str(REPO / "tools" / "odoo.sh"),
        "-d", database,
        "-i", ",".join(ADDONS),
        "--test-enable",
        "--test-tags", ",".join(f"/{addon}" for addon in ADDONS),
        "--stop-after-init",
        f"--http-port={free_port()}",
        f"--logfile={log_file}",
    ]  # fmt: skip
    if log_file.exists():
        log_file.unlink()
    try:
        code = subprocess.call(command, cwd=REPO)
    finally:
        subprocess.call(["dropdb", "--if-exists", database])
    log = log_file.read_text(errors="replace") if log_file.exists() else ""
    problems = [
        line
        for line in log.splitlines()
        if (match := LOG_PROBLEM.match(line)) and not TEST_LOGGER.search(match["logger"])
    ]
    for line in problems:
        print(f"  log: {line}")
    match = ODOO_RESULT.search(log)
    if not match:
        print(f"!!! the Odoo test run reported no result (exit code {code}); see {log_file}")
        return 0, 1
    failed_tests = int(match.group(1)) + int(match.group(2))
    total = int(match.group(3))
    print(f"Odoo: {match.group(0)}; {len(problems)} ERROR/WARNING line(s) in the log ({log_file})")
    passed = max(total - failed_tests, 0)
    return passed, failed_tests + len(problems) + (1 if code and not failed_tests else 0)


def main():
    layers = os.environ.get("TEST_LAYERS", "pure,odoo").split(",")
    passed = failed = 0
    if "pure" in layers:
        layer_passed, layer_failed = run_pure_tests(sys.argv[1:])
        passed, failed = passed + layer_passed, failed + layer_failed
    if "odoo" in layers:
        layer_passed, layer_failed = run_odoo_tests()
        passed, failed = passed + layer_passed, failed + layer_failed
    print(f"\n{passed} passed, {failed} failed", flush=True)
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
