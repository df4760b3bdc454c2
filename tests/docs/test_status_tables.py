"""The status tables of docs/flows.md are the ones the connector obeys.

They are generated from ``services/orders/status.py`` and ``services/returns/status.py`` by
``tools/status_tables.py``; a change of either matrix must come with the
regenerated docs.
"""

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("status_tables", REPO / "tools/status_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_tables_match_the_code():
    assert _tool().main(["--check"]) == 0, "run tools/status_tables.py --write"


def test_order_table_shows_the_acknowledge_route_and_the_windows():
    table = _tool().tables()["order-status-table"]
    new_row = next(line for line in table.splitlines() if line.startswith("| **New (1)**"))
    assert "`order/acknowledge` only" in new_row
    finalized_row = next(
        line for line in table.splitlines() if line.startswith("| **Finalized (4)**")
    )
    assert "≤ 48 h after finalization" in finalized_row
    assert "≤ return period + 5 days after finalization" in finalized_row


def test_a_stale_table_is_reported(tmp_path, monkeypatch):
    tool = _tool()
    flows = tmp_path / "flows.md"
    stale = (REPO / "docs/flows.md").read_text(encoding="utf-8").replace("| yes |", "| no |", 1)
    flows.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(tool, "FLOWS", flows)
    assert tool.main(["--check"]) == 1
    assert tool.main(["--write"]) == 0
    assert flows.read_text(encoding="utf-8") == (REPO / "docs/flows.md").read_text(encoding="utf-8")
