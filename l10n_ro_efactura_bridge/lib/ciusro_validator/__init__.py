"""Offline check of e-Factura documents with ANAF's official rules.

Two layers, as ANAF applies them: the OASIS UBL 2.1 schema (lxml), then the
EN16931 + CIUS-RO schematron compiled to XSLT 2.0, which only Saxon
(``saxonche``) can run. The rule files ship in ``rules/`` (see its NOTICE); a
newer rule pack with the same layout can replace them (:class:`RulePack`).

Saxon is a GraalVM native image that reserves more address space than an
Odoo worker's ``limit_memory_hard`` allows, and aborts the whole process when
it cannot: Odoo runs it in a child process (:func:`saxon_child_command`,
``python -m ciusro_validator``). Knows nothing of Odoo.
"""

import importlib.util
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

LIB = Path(__file__).resolve().parent.parent
RULES_DIR = Path(__file__).resolve().parent / "rules"
XSD_FILES = {
    "Invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    "CreditNote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
RULES_XSLT_GLOB = "cius-ro-*/compiled/validation.xsl"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
# The rule texts start with their own id ("[BR-RO-111]-Subdiviziunea..."), kept apart.
_LEADING_RULE_RE = re.compile(r"^\[[^\]]*\]-?\s*")
# Lift the soft address-space limit inherited from Odoo, then run a module.
_CHILD_BOOTSTRAP = (
    "import resource, runpy, sys\n"
    "soft, hard = resource.getrlimit(resource.RLIMIT_AS)\n"
    "resource.setrlimit(resource.RLIMIT_AS, (hard, hard))\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n"
)


class RulePackError(ValueError):
    """A folder that is not a usable rule pack; the message names what is missing."""

    def __init__(self, folder, missing):
        self.folder = folder
        self.missing = missing
        super().__init__(f"{folder} is not a CIUS-RO rule pack: missing {', '.join(missing)}")


def _version_key(folder):
    return tuple(int(part) for part in re.findall(r"\d+", folder.name))


@dataclass(frozen=True)
class RulePack:
    """The files of one rule pack: the UBL 2.1 schemas and the compiled CIUS-RO rules.

    Layout: ``ubl-2.1/maindoc/UBL-Invoice-2.1.xsd``,
    ``ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd`` and
    ``cius-ro-<version>/compiled/validation.xsl`` (the newest version wins).
    """

    folder: Path
    version: str
    xsd: dict = field(repr=False)
    rules_xslt: Path = field(repr=False)

    @classmethod
    def load(cls, folder=None):
        """The rule pack in ``folder`` (default: the shipped one); :class:`RulePackError` if not."""
        folder = Path(folder).expanduser().resolve() if folder else RULES_DIR
        xsd = {root: folder / path for root, path in XSD_FILES.items()}
        missing = [XSD_FILES[root] for root, path in xsd.items() if not path.is_file()]
        rules = sorted(folder.glob(RULES_XSLT_GLOB), key=lambda p: _version_key(p.parents[1]))
        if not rules:
            missing.append(RULES_XSLT_GLOB)
        if missing:
            raise RulePackError(folder, missing)
        version = rules[-1].parents[1].name.removeprefix("cius-ro-")
        return cls(folder, version, xsd, rules[-1])

    @property
    def shipped(self):
        return self.folder == RULES_DIR


def saxon_available():
    """Whether ``saxonche`` can be imported (checked without loading it)."""
    return importlib.util.find_spec("saxonche") is not None


def saxon_child_command(module, *args):
    """The command running ``python -m module *args`` in a child process where Saxon can start.

    The child inherits Odoo's soft ``RLIMIT_AS`` and lifts it to the hard limit
    first. Run it with :func:`child_env`, which puts this ``lib`` on the path.
    """
    return [sys.executable, "-c", _CHILD_BOOTSTRAP, module, *map(str, args)]


def child_env():
    """The environment of :func:`saxon_child_command`: this ``lib`` first on ``PYTHONPATH``."""
    paths = [str(LIB), *filter(None, [os.environ.get("PYTHONPATH")])]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths), PYTHONUNBUFFERED="1")


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True)


class Validator:
    """Validates documents with one :class:`RulePack`; compiles each layer once, on first use.

    Not thread-safe: callers sharing one validator serialise their calls.
    """

    def __init__(self, rule_pack=None):
        self.rule_pack = rule_pack or RulePack.load()
        self._schemas = {}
        self._saxon = None

    def schema(self, root_name):
        """The compiled UBL 2.1 schema of ``Invoice`` or ``CreditNote``."""
        if root_name not in self._schemas:
            document = etree.parse(str(self.rule_pack.xsd[root_name]), _parser())
            self._schemas[root_name] = etree.XMLSchema(document)
        return self._schemas[root_name]

    def _rules(self):
        if self._saxon is None:
            from saxonche import PySaxonProcessor

            processor = PySaxonProcessor(license=False)
            compiler = processor.new_xslt30_processor()
            executable = compiler.compile_stylesheet(stylesheet_file=str(self.rule_pack.rules_xslt))
            self._saxon = (processor, executable)
        return self._saxon

    def validate_file(self, path):
        """The verdict on the document at ``path``.

        :return: ``{'file', 'ok', 'xsd_errors': [str], 'rule_errors': [{id, flag,
            location, text}], 'warnings': [same as rule_errors]}``; ``text`` without
            the rule id the official texts start with
        """
        path = Path(path).resolve()
        result = {
            "file": str(path),
            "ok": False,
            "xsd_errors": [],
            "rule_errors": [],
            "warnings": [],
        }
        try:
            document = etree.parse(str(path), _parser())
        except etree.XMLSyntaxError as exc:
            result["xsd_errors"].append(f"not well-formed XML: {exc}")
            return result
        root_name = etree.QName(document.getroot()).localname
        if root_name not in XSD_FILES:
            result["xsd_errors"].append(
                f"root element is {root_name!r}; expected Invoice or CreditNote"
            )
            return result
        schema = self.schema(root_name)
        if not schema.validate(document):
            result["xsd_errors"] = [f"line {e.line}: {e.message}" for e in schema.error_log]
        processor, executable = self._rules()
        svrl_text = executable.transform_to_string(
            xdm_node=processor.parse_xml(xml_file_name=str(path))
        )
        svrl = etree.fromstring(svrl_text.encode("utf-8"))
        # EN16931 rules fire as failed asserts; the CIUS-RO rules are written as reports.
        fired = [*svrl.iter(SVRL + "failed-assert"), *svrl.iter(SVRL + "successful-report")]
        for node in fired:
            entry = {
                "id": node.get("id"),
                "flag": node.get("flag") or "fatal",
                "location": node.get("location"),
                "text": _LEADING_RULE_RE.sub(
                    "", " ".join((node.findtext(SVRL + "text") or "").split())
                ),
            }
            (result["warnings"] if entry["flag"] == "warning" else result["rule_errors"]).append(
                entry
            )
        result["ok"] = not result["xsd_errors"] and not result["rule_errors"]
        return result

    def validate(self, xml_bytes):
        """:meth:`validate_file` of a document held in memory (Saxon reads files)."""
        with tempfile.TemporaryDirectory(prefix="ciusro-") as folder:
            path = Path(folder) / "document.xml"
            path.write_bytes(xml_bytes)
            return self.validate_file(path)
