"""``make test-peers``: Odoo core's own tests of the modules we extend, with our addons in.

A good citizen of Odoo does not break what core promises. This runs core's
tests of the modules our addons depend on and override (``PEER_TAGS``) on a
database with ``emag_connector`` and ``l10n_ro_efactura_bridge`` installed
and demo data loaded, every test against the full registry a user has
(``tools/peer_odoo.py``), and sorts each failure:

* listed in ``tests/peer_deviations.txt``: an intended deviation, with its
  reason; a listed test that passes fails the run (the list must stay true);
* listed in ``tests/peer_baseline.txt``: fails without our addons too (the
  Odoo tree's own problem);
* anything else: unexpected, the run fails.

The baseline is a stored file so that a run costs one database, not two.
``PEERS_BASELINE=run`` measures it again (core's modules alone on a second
database, same tests) and rewrites the file: do that after moving to another
Odoo tree. A stored baseline never hides a new failure: only the tests it
names are excused.

Environment: ``ONLY`` (test tags, instead of ``PEER_TAGS``), ``PEERS_DB``
(database name prefix), ``PEERS_KEEP_DB=1`` (keep the databases to re-run
with ``tools/odoo.sh``). The last line is ``peers: N passed, M failed, K
deviations``; the exit code is non-zero on any unexpected failure.
"""

import os
import re
import subprocess
import sys
import time

from run_tests import ODOO_PATH, ODOO_RESULT, REPO, STATE_DIR, banner, free_port

OUR_ADDONS = ("emag_connector", "l10n_ro_efactura_bridge")
# What our addons depend on (account_edi_ubl_cii comes with l10n_ro_edi).
CORE_MODULES = ("l10n_ro_edi", "sale_stock", "stock_delivery", "queue_job")
PEER_TAGS = (
    # Whole modules our addons depend on and extend.
    "/l10n_ro_edi",
    "/account_edi_ubl_cii",
    "/sale_stock",
    "/stock_delivery",
    "/queue_job",
    # Core's classes that cover the methods our _inherits override.
    "/account:TestAccountMove",  # account.move _post, button_draft, reset-to-draft button
    "/sale:TestSaleOrder",  # sale.order action_cancel
    "/sale:TestSaleToInvoice",  # sale.order.line _compute_qty_to_invoice
    "/stock:TestStockMove",  # stock.move _action_done, _action_assign, _do_unreserve, write
    "/stock:TestStockFlow",  # stock.picking button_validate, _action_done
)
DEVIATIONS = REPO / "tests" / "peer_deviations.txt"
BASELINE = REPO / "tests" / "peer_baseline.txt"
FAILURE = re.compile(
    r"^\S+ \S+ \d+ ERROR \S+ (?P<logger>\S+): (?:FAIL|ERROR): (?:Subtest )?(?P<test>.+)"
)
ADDON_LOGGER = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\b")
SETUP_ERROR = re.compile(r"^(?:setUpClass|setUpModule) \(odoo\.addons\.(\w+)\.tests\.\S+?\.(\w+)\)")


def test_id(logger, test):
    """``/module:Class.method``, the form ``--test-tags`` takes to run it again."""
    if match := ADDON_LOGGER.match(logger):
        return f"/{match['module']}:{test}"
    return test


def read_listed(path):
    """``{test id: reason}`` of a list file (``id  reason``; ``#`` comments)."""
    listed = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                test, _, reason = line.partition(" ")
                listed[test] = reason.strip()
    return listed


def odoo(database, *args, log_file, env=None):
    """tools/odoo.sh on ``database``; the exit code."""
    command = [str(REPO / "tools" / "odoo.sh"), "-d", database, *args, f"--logfile={log_file}"]
    if log_file.exists():
        log_file.unlink()
    return subprocess.call(command, cwd=REPO, env={**os.environ, **(env or {})})


def drop(database):
    subprocess.call(["dropdb", "--if-exists", database], stderr=subprocess.DEVNULL)


def install(database, modules, template=None):
    started = time.monotonic()
    drop(database)
    if template:
        subprocess.check_call(["createdb", "-T", template, database])
    log_file = STATE_DIR / f"peers-install-{database}.log"
    code = odoo(
        database, "-i", ",".join(modules), "--with-demo", "--stop-after-init",
        "--max-cron-threads=0", log_file=log_file,
    )  # fmt: skip
    if code:
        raise SystemExit(f"!!! installing {', '.join(modules)} failed; see {log_file}")
    print(f"  installed {', '.join(modules)} in {time.monotonic() - started:.0f}s", flush=True)


def run_tests(database, tags):
    """Run the tests; ``(tests run, {failed test ids})``."""
    started = time.monotonic()
    log_file = STATE_DIR / f"peers-tests-{database}.log"
    code = odoo(
        database, "--test-enable", "--test-tags", ",".join(tags), "--stop-after-init",
        "--max-cron-threads=0", f"--http-port={free_port()}", log_file=log_file,
        env={"ODOO_BIN": str(REPO / "tools" / "peer_odoo.py")},
    )  # fmt: skip
    log = log_file.read_text(errors="replace") if log_file.exists() else ""
    match = ODOO_RESULT.search(log)
    if not match:
        raise SystemExit(f"!!! the test run reported no result (exit code {code}); see {log_file}")
    minutes = (time.monotonic() - started) / 60
    print(f"  {match.group(0)} ({minutes:.1f} min; log {log_file})", flush=True)
    return int(match.group(3)), failed_tests(log)


def failed_tests(log):
    """The ids of the tests a run's log reports as failed or in error."""
    failed = set()
    for line in log.splitlines():
        if found := FAILURE.match(line):
            test = found["test"]
            if setup := SETUP_ERROR.match(test):
                failed.add(f"/{setup[1]}:{setup[2]}")
            else:  # "Class.method", then a subtest's parameters
                failed.add(test_id(found["logger"], test.split()[0]))
    return failed


def sort_failures(failed, deviations, baseline, partial=False):
    """``(intended, failing without us too, unexpected, listed but passing)``.

    A partial run (``ONLY``) cannot tell whether a deviation still holds.
    """
    intended = failed & set(deviations)
    also_without = (failed - intended) & set(baseline)
    unexpected = failed - intended - also_without
    stale = set() if partial else set(deviations) - failed
    return (*(sorted(group) for group in (intended, also_without, unexpected, stale)),)


def write_baseline(total, failed):
    # A checkout names its commit; a source tree only its release.
    revision = subprocess.run(
        ["git", "-C", str(ODOO_PATH), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    release = ODOO_PATH / "odoo" / "release.py"
    if not revision and release.exists():
        found = re.search(r"^version_info = (.+)$", release.read_text(), re.M)
        revision = found[1] if found else ""
    lines = [
        "# Core's tests (tools/run_peers.py PEER_TAGS) that fail WITHOUT our addons installed.",
        f"# Measured by PEERS_BASELINE=run make test-peers on Odoo {ODOO_PATH} {revision}.",
        f"# tests: {total}",
        *sorted(failed),
    ]
    BASELINE.write_text("\n".join(lines) + "\n")


def stored_total():
    if not BASELINE.exists():
        return None
    match = re.search(r"^# tests: (\d+)$", BASELINE.read_text(), re.M)
    return int(match[1]) if match else None


def main():
    if not (ODOO_PATH / "odoo-bin").is_file():
        print(f"!!! no Odoo tree at {ODOO_PATH}: set ODOO_PATH")
        return 2
    subprocess.check_call([str(REPO / "tools" / "ensure_postgres.sh")])
    STATE_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    tags = os.environ.get("ONLY", "").split(",") if os.environ.get("ONLY") else list(PEER_TAGS)
    measure_baseline = os.environ.get("PEERS_BASELINE") == "run"
    prefix = os.environ.get("PEERS_DB", f"peers_{os.getpid()}")
    core_db, ours_db = f"{prefix}_core", f"{prefix}_ours"
    try:
        if measure_baseline:
            banner(f"Core alone: {', '.join(CORE_MODULES)} with demo data ({core_db})")
            install(core_db, CORE_MODULES)
            banner(f"With our addons: {', '.join(OUR_ADDONS)} added ({ours_db})")
            install(ours_db, OUR_ADDONS, template=core_db)
            banner(f"Core's tests without our addons: {' '.join(tags)}")
            core_total, core_failed = run_tests(core_db, tags)
            if not os.environ.get("ONLY"):
                write_baseline(core_total, core_failed)
        else:
            banner(f"{', '.join(CORE_MODULES + OUR_ADDONS)} with demo data ({ours_db})")
            install(ours_db, CORE_MODULES + OUR_ADDONS)
            core_failed, core_total = set(read_listed(BASELINE)), stored_total()
        banner(f"Core's tests with our addons: {' '.join(tags)}")
        total, failed = run_tests(ours_db, tags)
    finally:
        if not os.environ.get("PEERS_KEEP_DB"):
            drop(core_db)
            drop(ours_db)

    deviations = read_listed(DEVIATIONS)
    expected, also_without, unexpected, stale = sort_failures(
        failed, deviations, core_failed, partial=bool(os.environ.get("ONLY"))
    )
    for test in expected:
        print(f"  deviation: {test}  ({deviations[test]})")
    for test in also_without:
        print(f"  fails without our addons too (tests/peer_baseline.txt): {test}")
    for test in stale:
        print(f"  !!! listed deviation passes, remove it from {DEVIATIONS.name}: {test}")
    for test in unexpected:
        print(f"  !!! FAILED: {test}")
    if not os.environ.get("ONLY") and core_total is not None and core_total != total:
        print(f"  note: {total} tests ran, the baseline ran {core_total}")
    print(f"  time: {(time.monotonic() - started) / 60:.1f} min")
    passed = total - len(failed)
    # The closing line keeps the plain "N passed, N failed" shape CI reads;
    # the excused failures are counted on the line before it.
    print(f"  excused: {len(expected)} listed deviation(s), {len(also_without)} core failure(s)")
    print(f"\npeers: {passed} passed, {len(unexpected) + len(stale)} failed", flush=True)
    return 1 if unexpected or stale or not total else 0


if __name__ == "__main__":
    sys.exit(main())
