# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Offline check of CIUS-RO documents with the official rules, before spending an ANAF call.

The rules are ANAF's own (UBL 2.1 XSD + EN16931/CIUS-RO schematron), run by
the shared ``validate_ciusro.py`` of a validation folder that is not part of
this addon. Without that folder the check is skipped and ANAF stays the judge.

The validator runs in a child process, never inside Odoo: its Saxon engine
(GraalVM native image) reserves more address space than Odoo's
``limit_memory_hard`` allows a worker and aborts the whole process when it
cannot; the child lifts its own soft limit up to the hard one first. It also
keeps Saxon's memory out of every long-lived Odoo worker.
"""

import json
import logging
import re
import subprocess
import sys
import tempfile
from pathlib import Path

_logger = logging.getLogger(__name__)

PARAM_VALIDATION_DIR = "l10n_ro_efactura_bridge.validation_dir"
VALIDATOR_FILE = "validate_ciusro.py"
# <repo>/l10n_ro_efactura_bridge/services/ → <repo>/../shared/validation
DEFAULT_VALIDATION_DIR = Path(__file__).resolve().parents[3] / "shared" / "validation"
TIMEOUT = 300  # seconds for one batch; the rules compile in about a second
_LEADING_RULE_RE = re.compile(r"^\[[^\]]*\]-?\s*")
# Run the validator as a script after lifting the inherited soft memory limit.
_BOOTSTRAP = (
    "import resource, runpy, sys\n"
    "soft, hard = resource.getrlimit(resource.RLIMIT_AS)\n"
    "resource.setrlimit(resource.RLIMIT_AS, (hard, hard))\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)


def validation_dir(env):
    """The configured validation folder when it holds the validator, else ``None``."""
    configured = env["ir.config_parameter"].sudo().get_param(PARAM_VALIDATION_DIR)
    return folder_with_validator(configured)


def folder_with_validator(configured=None):
    folder = Path(configured) if configured else DEFAULT_VALIDATION_DIR
    return folder if (folder / VALIDATOR_FILE).is_file() else None


def _problems(result):
    problems = [f"[XSD] {text}" for text in result["xsd_errors"]]
    problems += [
        f"[{error['id']}] {_LEADING_RULE_RE.sub('', error['text'])}"
        for error in result["rule_errors"]
    ]
    return problems


def validate_documents(folder, documents):
    """Check several XML documents in one child process.

    :param folder: validation folder (see :func:`folder_with_validator`)
    :param documents: list of XML ``bytes``
    :return: one list of problems per document, in order (empty = valid)
    """
    with tempfile.TemporaryDirectory(prefix="l10n_ro_efb_") as tmp:
        paths = []
        for number, xml in enumerate(documents):
            path = Path(tmp) / f"document_{number}.xml"
            path.write_bytes(xml)
            paths.append(str(path))
        completed = subprocess.run(
            [sys.executable, "-c", _BOOTSTRAP, str(folder / VALIDATOR_FILE), "--json", *paths],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        results = {}
        for line in completed.stdout.splitlines():
            if line.startswith("{"):
                result = json.loads(line)
                results[result["file"]] = result
    missing = [path for path in paths if path not in results]
    if missing:
        raise RuntimeError(
            f"CIUS-RO validator failed (exit {completed.returncode}): {completed.stderr[-500:]}"
        )
    return [_problems(results[path]) for path in paths]


def precheck(env, xml_bytes):
    """The broken rules of ``xml_bytes`` as readable lines; ``[]`` when valid or not checkable."""
    folder = validation_dir(env)
    if not folder:
        _logger.debug("CIUS-RO pre-check skipped: no validation folder")
        return []
    try:
        return validate_documents(folder, [xml_bytes])[0]
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        # A broken validator must not block invoicing: ANAF still judges.
        _logger.warning("CIUS-RO pre-check unavailable: %s", exc)
        return []
