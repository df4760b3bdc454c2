"""tools/run_tests.py: skipped tests are counted apart, named, and fail a CI run."""

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("run_tests", REPO / "tools" / "run_tests.py")
run_tests = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(run_tests)

TOUR = "odoo.addons.emag_connector.tests.test_dashboard_tour"
CHROME = "Chrome executable not found "  # Odoo ends its messages with a space
# (level, logger, message) as Odoo 19's runner logs them, for a run without Chromium.
LINES = [
    ("INFO", TOUR, "Starting TestDashboardTour.test_badge ..."),
    ("WARNING", f"{TOUR}.TestDashboardTour.test_badge", CHROME),
    ("INFO", TOUR, f"skipped TestDashboardTour.test_badge : {CHROME}"),
    ("INFO", "odoo.addons.x.tests.test_y", "Starting TestY.test_ok ..."),
    ("INFO", "odoo.addons.x.tests.test_z", "skipped setUpClass (x.TestZ) : no rules"),
    ("WARNING", "odoo.addons.x.models.y", "something odd"),
    ("INFO", "odoo.tests.result", "0 failed, 0 error(s) of 3 tests when loading database 'db'"),
]
LOG = "".join(
    f"2026-12-08 00:40:3{n},100 3818 {level} db {logger}: {message}\n"
    for n, (level, logger, message) in enumerate(LINES)
)


def test_odoo_skips_are_counted_apart_and_named():
    tally = run_tests.read_odoo_log(LOG, 0, "odoo-test.log")
    # 3 run: one tour skipped, two passed; the class skipped in setUpClass was never run.
    assert tally.passed == 2
    assert tally.skipped == [
        "emag_connector.tests.test_dashboard_tour: TestDashboardTour.test_badge"
        " — Chrome executable not found",
        "x.tests.test_z: setUpClass (x.TestZ) — no rules",
    ]
    # The odd warning is a problem; the Chrome warning is the skip, shown, not counted twice.
    assert tally.failed == 1


def test_chrome_warning_is_shown_not_filtered(capsys):
    run_tests.read_odoo_log(LOG, 0, "odoo-test.log")
    assert "Chrome executable not found" in capsys.readouterr().out


def _summary(tmp_path, ci):
    """The last line and exit code of run_tests on a pytest run with one skipped test."""
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\ndef test_ok():\n    pass\n\n"
        "def test_tour():\n    pytest.skip('Chrome executable not found')\n"
    )
    env = {"TEST_LAYERS": "pure", "STATE_DIR": str(tmp_path / "state"), "CI": ci, "PATH": ""}
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "run_tests.py"),
            str(tmp_path),
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    return completed.stdout.splitlines()[-1], completed.returncode, completed.stdout


def test_pure_skip_is_reported_and_passes_outside_ci(tmp_path):
    last, code, out = _summary(tmp_path, "")
    assert last == "1 passed, 0 failed, 1 skipped"
    assert code == 0
    assert "test_sample.test_tour — " in out and "Chrome executable not found" in out


def test_any_skip_fails_under_ci(tmp_path):
    last, code, _out = _summary(tmp_path, "true")
    assert last == "1 passed, 1 failed, 1 skipped"
    assert code == 1
