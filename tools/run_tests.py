"""Run every test layer of the project and print one summary line.

1. The pure tests (pytest): HTTP clients, simulators and the CIUS-RO
   validator, no Odoo needed.
2. The Odoo tests: both addons installed on a fresh throwaway database with
   odoo-bin's test runner, when an Odoo tree is found. The install log must be
   clean too: each ERROR or WARNING line it holds counts as one failure.

Skipped tests are counted apart in both layers and named in a list. Under CI
(``CI=true``) every skipped test is also a failure: the browser tours and the
official-rules tests must run there, and nothing else skips. Outside CI a
missing Odoo tree or a missing Chromium (which the tours need) is announced
in a banner before the run.

``ODOO_TEST_TAGS`` narrows the Odoo layer (default: every test of both
addons), e.g. ``ODOO_TEST_TAGS=/emag_connector:TestDashboardTour``.

``TEST_VERSIONS`` (``make test-all``: ``19.0,18.0,17.0``) adds the other Odoo
series: for each one whose tree is found (``ODOO_PATH_18``, ``ODOO_PATH_17``;
defaults /opt/odoo18, /opt/odoo17) the addons are derived (tools/dist.py), that
version's virtualenv is built (tools/setup_venv.sh) and the same Odoo tests run
on it. One line per version (``18.0: N passed, M failed, K skipped``), then the
overall one. A version whose tree is missing is announced, not counted.

The last line is ``N passed, M failed, K skipped``; the exit code is non-zero
on any failure, or when no test passed at all.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("STATE_DIR", REPO / ".odoo"))
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo"))
# The other series make test-all runs, and where their trees are (tools/env.sh).
NOT_GREEN_FILE = REPO / "tests" / "versions_not_green.txt"
KNOWN_FAILURES_FILE = REPO / "tests" / "versions_known_failures.txt"
OTHER_TREES = {
    "18.0": Path(os.environ.get("ODOO_PATH_18", "/opt/odoo18")),
    "17.0": Path(os.environ.get("ODOO_PATH_17", "/opt/odoo17")),
}
ADDONS = ("emag_connector", "l10n_ro_efactura_bridge")
# The same PostgreSQL defaults as tools/env.sh, for dropdb.
PG_DEFAULTS = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "odoo", "PGPASSWORD": "odoo"}
for _name, _value in PG_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
# The executables Odoo's browser tests look for in $PATH, in its order
# (odoo.tests.common._find_executable, on Linux).
CHROME_NAMES = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")

ODOO_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_LINE = re.compile(r"^\S+ \S+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>\S+): (?P<message>.*?)\s*$")
# odoo.tests.result.OdooTestResult.addSkip: "skipped <Class.method> : <reason>".
SKIPPED = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")
# A setUpClass/setUpModule that skips skips tests the runner never counted as run.
CLASS_SKIP = re.compile(r"^(setUpClass|setUpModule) ")
# odoo.tests.result: "FAIL: Class.test" / "ERROR: Subtest Class.test (...)".
FAILURE = re.compile(r"^(?:FAIL|ERROR): (?:Subtest )?(?P<test>[\w.]+)")
CHROME_MISSING = "Chrome executable not found"
# Failing tests are counted from the runner's report; their log lines are not
# counted again. Every other ERROR or WARNING line is a problem of its own.
TEST_LOGGER = re.compile(r"^odoo\.tests\b|\.tests\.")


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    skipped: list = field(default_factory=list)  # "name — reason", one per skipped test
    failures: list = field(default_factory=list)  # "Class.test" of each failing Odoo test

    def add(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.failures += other.failures


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def banner(text):
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}", flush=True)


def chrome_executable():
    """Chromium as Odoo's browser tests will find it, or ``None``."""
    return next(filter(None, map(shutil.which, CHROME_NAMES)), None)


def run_pure_tests(extra_args):
    banner("Pure tests (no Odoo): pytest tests/")
    STATE_DIR.mkdir(exist_ok=True)
    report = STATE_DIR / "pytest-report.xml"
    if report.exists():
        report.unlink()
    command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *extra_args]
    code = subprocess.call(command, cwd=REPO)
    if not report.exists():
        return Tally(failed=1)
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total = int(suite.get("tests"))
    failed = int(suite.get("failures")) + int(suite.get("errors"))
    skipped = [
        f"{case.get('classname')}.{case.get('name')} — {skip.get('message', '')}"
        for case in suite.iter("testcase")
        if (skip := case.find("skipped")) is not None
    ]
    if code not in (0, 1, 5) and not failed:
        failed = 1  # pytest itself broke (usage error, internal error)
    return Tally(total - len(skipped) - failed, failed, skipped)


def free_port():
    """A loopback port for the browser tests' HTTP server (8069 may be a demo's)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_odoo_tests(version="19.0", odoo_path=ODOO_PATH):
    if not (odoo_path / "odoo-bin").is_file():
        banner(
            f"!!! ODOO TESTS SKIPPED: no Odoo tree at {ODOO_PATH} (set ODOO_PATH to an Odoo 19.0 "
            "checkout). Only the pure tests ran. !!!"
        )
        return Tally(failed=1 if in_ci() else 0)
    if not chrome_executable():
        banner(
            f"!!! NO CHROMIUM: none of {', '.join(CHROME_NAMES)} is in PATH, so the browser "
            "tours will be SKIPPED (a failure under CI=true). Install it, e.g. "
            "`apt-get install chromium`. !!!"
        )
    banner(f"Odoo {version} tests: install {', '.join(ADDONS)} on a fresh database ({odoo_path})")
    subprocess.check_call([str(REPO / "tools" / "ensure_postgres.sh")])
    environment = dict(os.environ, ODOO_VERSION=version, ODOO_PATH=str(odoo_path))
    if version != "19.0":
        environment.pop("VENV", None)
        subprocess.check_call([sys.executable, str(REPO / "tools" / "dist.py"), version], cwd=REPO)
        subprocess.check_call([str(REPO / "tools" / "setup_venv.sh")], cwd=REPO, env=environment)
    database = f"emag_test_{version.replace('.', '')}_{os.getpid()}_{int(time.time())}"
    # A per-run log name would litter; ODOO_TEST_LOG lets parallel runs keep apart.
    default_log = STATE_DIR / ("odoo-test.log" if version == "19.0" else f"odoo-test-{version}.log")
    log_file = Path(os.environ.get("ODOO_TEST_LOG", default_log))
    if version != "19.0" and "ODOO_TEST_LOG" in os.environ:
        log_file = log_file.with_name(f"{log_file.stem}-{version}{log_file.suffix}")
    test_tags = os.environ.get("ODOO_TEST_TAGS") or ",".join(f"/{addon}" for addon in ADDONS)
    command = [
        str(REPO / "tools" / "odoo.sh"),
        "-d", database,
        "-i", ",".join(ADDONS),
        "--test-enable",
        "--test-tags", test_tags,
        "--stop-after-init",
        f"--http-port={free_port()}",
        f"--logfile={log_file}",
    ]  # fmt: skip
    if log_file.exists():
        log_file.unlink()
    try:
        code = subprocess.call(command, cwd=REPO, env=environment)
    finally:
        subprocess.call(["dropdb", "--if-exists", database])
    log = log_file.read_text(errors="replace") if log_file.exists() else ""
    return read_odoo_log(log, code, log_file)


def read_odoo_log(log, code, log_file):
    """The tally of an Odoo test run from its log and exit code."""
    problems, skipped, class_skips, failures = [], [], 0, []
    for line in log.splitlines():
        if not (match := LOG_LINE.match(line)):
            continue
        logger, message = match["logger"], match["message"]
        if TEST_LOGGER.search(logger) and (failure := FAILURE.match(message)):
            failures.append(failure["test"])
        if match["level"] == "INFO" and (skip := SKIPPED.match(message)):
            module = logger.removeprefix("odoo.addons.")
            skipped.append(f"{module}: {skip['test']} — {skip['reason']}")
            class_skips += bool(CLASS_SKIP.match(skip["test"]))
        elif CHROME_MISSING in message:
            print(f"  log: {line.rstrip()}  (the tour is counted as skipped)")
        elif match["level"] in ("ERROR", "WARNING", "CRITICAL") and not TEST_LOGGER.search(logger):
            problems.append(line)
    for line in problems:
        print(f"  log: {line}")
    result = ODOO_RESULT.search(log)
    if not result:
        print(f"!!! the Odoo test run reported no result (exit code {code}); see {log_file}")
        return Tally(failed=1, skipped=skipped)
    failed_tests = int(result.group(1)) + int(result.group(2))
    run = int(result.group(3))
    print(
        f"Odoo: {result.group(0)}, {len(skipped)} skipped; "
        f"{len(problems)} ERROR/WARNING line(s) in the log ({log_file})"
    )
    # The runner counts a skipped test as run; a class that skips in setUpClass is not.
    passed = max(run - failed_tests - (len(skipped) - class_skips), 0)
    failed = failed_tests + len(problems) + (1 if code and not failed_tests else 0)
    return Tally(passed, failed, skipped, sorted(set(failures)))


def report(label, tally):
    """Print the skipped tests and the summary line; return the failures as counted."""
    failed = tally.failed
    if tally.skipped:
        where = f" on {label}" if label else ""
        banner(f"!!! {len(tally.skipped)} SKIPPED TEST(S){where}: not a green run !!!")
        for name in tally.skipped:
            print(f"  skipped {name}")
        if in_ci():
            print("CI=true: every skipped test counts as a failure (tours and rules must run).")
            failed += len(tally.skipped)
    prefix = f"{label}: " if label else ""
    print(
        f"{prefix}{tally.passed} passed, {failed} failed, {len(tally.skipped)} skipped", flush=True
    )
    return failed


def not_green_versions():
    """Series listed in tests/versions_not_green.txt, with the reason."""
    if not NOT_GREEN_FILE.exists():
        return {}
    lines = NOT_GREEN_FILE.read_text().splitlines()
    entries = [line.split(None, 1) for line in lines if line.strip() and not line.startswith("#")]
    return {entry[0]: entry[1] if len(entry) > 1 else "" for entry in entries}


def known_failures():
    """``{(version, "Class.test"): reason}`` of tests/versions_known_failures.txt."""
    if not KNOWN_FAILURES_FILE.exists():
        return {}
    known = {}
    for line in KNOWN_FAILURES_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            version, test, *reason = line.split(None, 2)
            known[(version, test)] = reason[0] if reason else ""
    return known


def name_known_failures(version, tally):
    """Say why each failure listed for ``version`` is known. It still counts:
    a failure is never turned into a pass by a list."""
    listed = known_failures()
    for test in tally.failures:
        if (version, test) in listed:
            print(
                f"  known failure on {version} ({KNOWN_FAILURES_FILE.name}): {test}: "
                f"{listed[(version, test)]}"
            )


def main():
    layers = os.environ.get("TEST_LAYERS", "pure,odoo").split(",")
    versions = [v for v in os.environ.get("TEST_VERSIONS", "19.0").split(",") if v]
    per_version = {}
    if "19.0" in versions:
        tally = Tally()
        if "pure" in layers:
            tally.add(run_pure_tests(sys.argv[1:]))
        if "odoo" in layers:
            tally.add(run_odoo_tests())
        per_version["19.0"] = tally
    for version in versions:
        if version == "19.0":
            continue
        tree = OTHER_TREES[version]
        if not (tree / "odoo-bin").is_file():
            banner(f"{version}: no Odoo tree at {tree} (ODOO_PATH_{version[:2]}); not tested")
            continue
        per_version[version] = run_odoo_tests(version, tree)
    if len(versions) == 1:
        name_known_failures(versions[0], per_version.get(versions[0], Tally()))
        failed = report("", per_version.get(versions[0], Tally()))
        total = per_version.get(versions[0], Tally())
    else:
        banner("Summary per Odoo version")
        not_green = not_green_versions()
        failed = 0
        for version, tally in per_version.items():
            name_known_failures(version, tally)
            version_failed = report(version, tally)
            if version in not_green and version_failed:
                reason = not_green[version]
                print(f"  ^ {version} NOT YET GREEN ({NOT_GREEN_FILE.name}): {reason}")
            elif version in not_green:
                print(f"  ^ {version} is green: remove it from {NOT_GREEN_FILE.name}")
            failed += version_failed
        total = Tally()
        for tally in per_version.values():
            total.add(tally)
        print(f"\nall: {total.passed} passed, {failed} failed, {len(total.skipped)} skipped")
    return 1 if failed or not total.passed else 0


if __name__ == "__main__":
    sys.exit(main())
