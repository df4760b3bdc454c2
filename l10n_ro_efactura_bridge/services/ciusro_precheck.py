# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Offline check of CIUS-RO documents with the official rules, before spending an ANAF call.

The rules are ANAF's own (UBL 2.1 XSD + EN16931/CIUS-RO schematron) and ship
with the bridge (``lib/ciusro_validator/rules``); the setting
``l10n_ro_efactura_bridge.validation_dir`` may point to a newer rule pack.

The validator runs in a child process, never inside Odoo: its Saxon engine
(GraalVM native image) reserves more address space than Odoo's
``limit_memory_hard`` allows a worker and aborts the whole process when it
cannot. It also keeps Saxon's memory out of every long-lived Odoo worker.
The check runs in the submission job (``EfacturaPipeline._upload``), never in
a user's click.

When the check cannot run (no ``saxonche``, a rule pack folder gone, a crashed
child), the invoice says so in its chatter and goes on to ANAF, which judges.
"""

import json
import logging
import subprocess
import tempfile
from pathlib import Path

from markupsafe import Markup

from ..lib.ciusro_validator import (
    RulePack,
    RulePackError,
    child_env,
    saxon_available,
    saxon_child_command,
)

_logger = logging.getLogger(__name__)

PARAM_VALIDATION_DIR = "l10n_ro_efactura_bridge.validation_dir"
TIMEOUT = 300  # seconds for one batch; the rules compile in about a second


class PrecheckUnavailable(Exception):
    """The pre-check cannot run; the message (translated) says why and what to do."""


def rule_pack_error_message(env, error):
    """The user's wording of a :class:`RulePackError`."""
    return env._(
        "The folder %(folder)s is not a CIUS-RO rule pack: %(missing)s missing. Point it to a "
        "folder laid out like the rules shipped with the bridge (ubl-2.1/maindoc/ and "
        "cius-ro-<version>/compiled/validation.xsl), or leave it empty to use those.",
        folder=error.folder,
        missing=", ".join(error.missing),
    )


def configured_folder(env):
    """The rule pack folder set in the settings, or ``None`` for the shipped rules."""
    configured = env["ir.config_parameter"].sudo().get_param(PARAM_VALIDATION_DIR)
    return (configured or "").strip() or None


def rule_pack(env, folder):
    """The rule pack of ``folder`` (``None``: the shipped one), if the check can run.

    :raise PrecheckUnavailable: ``saxonche`` is missing or the folder is no rule pack
    """
    if not saxon_available():
        raise PrecheckUnavailable(
            env._(
                "The Python package saxonche is not installed on the Odoo server, so invoices "
                "cannot be checked against ANAF's CIUS-RO rules before sending (ANAF still "
                "judges them). Install it with: pip install saxonche"
            )
        )
    try:
        return RulePack.load(folder)
    except RulePackError as exc:
        raise PrecheckUnavailable(rule_pack_error_message(env, exc)) from exc


def status(env, folder):
    """``(ok, sentence)`` for the settings: which rules check invoices, or why none do."""
    try:
        pack = rule_pack(env, folder)
    except PrecheckUnavailable as exc:
        return False, str(exc)
    if pack.shipped:
        return True, env._(
            "Invoices are checked with the CIUS-RO %(version)s rules shipped with the bridge.",
            version=pack.version,
        )
    return True, env._(
        "Invoices are checked with the CIUS-RO %(version)s rules of %(folder)s.",
        version=pack.version,
        folder=pack.folder,
    )


def _problems(result):
    problems = [f"[XSD] {text}" for text in result["xsd_errors"]]
    problems += [f"[{error['id']}] {error['text']}" for error in result["rule_errors"]]
    return problems


def validate_documents(pack, documents):
    """Check several XML documents in one child process.

    :param pack: a :class:`RulePack`
    :param documents: list of XML ``bytes``
    :return: one list of problems per document, in order (empty = valid)
    :raise RuntimeError: the child process failed
    """
    with tempfile.TemporaryDirectory(prefix="l10n_ro_efb_") as tmp:
        paths = []
        for number, xml in enumerate(documents):
            path = Path(tmp) / f"document_{number}.xml"
            path.write_bytes(xml)
            paths.append(str(path.resolve()))
        command = saxon_child_command("ciusro_validator", "--rules", pack.folder, "--json", *paths)
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            env=child_env(),
        )
        results = {}
        for line in completed.stdout.splitlines():
            if line.startswith("{"):
                result = json.loads(line)
                results[result["file"]] = result
    if any(path not in results for path in paths):
        raise RuntimeError(
            f"CIUS-RO validator failed (exit {completed.returncode}): {completed.stderr[-500:]}"
        )
    return [_problems(results[path]) for path in paths]


def precheck(env, xml_bytes, move=None):
    """The broken rules of ``xml_bytes`` as readable lines; ``[]`` when valid or not checkable.

    When the check cannot run, ``move`` (if given) says so in its chatter.
    """
    try:
        return validate_documents(rule_pack(env, configured_folder(env)), [xml_bytes])[0]
    except PrecheckUnavailable as exc:
        reason = str(exc)
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        _logger.warning("CIUS-RO pre-check failed: %s", exc)
        reason = env._("The CIUS-RO check failed: %(error)s", error=str(exc)[-300:])
    if move:
        move.message_post(
            body=Markup("%s<br/>%s")
            % (env._("e-Factura sent to ANAF without the offline CIUS-RO check."), reason)
        )
    return []
