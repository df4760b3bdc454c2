"""Derive the 17.0 and 18.0 addons from the 19.0 source: ``make dist``.

The addons in the repository are written for Odoo 19.0 and stay the only
source. This build copies them to ``dist/<version>/<addon>`` and applies, file
by file, the NAMED transforms below that the older series need (one function
each, listed in ``TRANSFORMS`` with the versions it applies to). What cannot
be said as a generic rewrite (a core method that changed, a missing helper)
lives in each addon's ``compat.py`` instead, decided at run time by
``odoo.release``, so the services stay written once. Then it writes
``dist/emag-connector-<version>.zip``: both addons, each in its own folder,
to unpack into an addons path (docs/install.md).

Usage: ``python tools/dist.py [17.0 18.0 ...]`` (default: both).
"""

import ast
import re
import shutil
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist"
ADDONS = ("emag_connector", "l10n_ro_efactura_bridge")
VERSIONS = ("18.0", "17.0")
SKIP = ("__pycache__", "*.pyc", "*.pyo")


# --- manifest ------------------------------------------------------------------


def manifest_series(text, version):
    """19.0.x.y.z -> <series>.x.y.z: Odoo refuses a module of another series."""
    return re.sub(r'"version": "19\.0\.', f'"version": "{version}.', text)


def manifest_efactura_depends(text, version):
    """Core's e-Factura pieces the bridge builds on (efactura.md §3.1): 17.0 sends from
    ``l10n_ro_efactura``; 18.0 synchronizes with ANAF in ``l10n_ro_efactura_synchronize``
    (19.0 has both in ``l10n_ro_edi``)."""
    extra = {"17.0": "l10n_ro_efactura", "18.0": "l10n_ro_efactura_synchronize"}[version]
    return text.replace('"l10n_ro_edi"]', f'"l10n_ro_edi", "{extra}"]')


# --- Python ----------------------------------------------------------------------


def sql_constraints(text, version):
    """19.0's ``_name = models.Constraint(sql, message)`` -> ``_sql_constraints``.

    One list per class, at the place of the first constraint; the constraint is
    named without its leading underscore, as 19.0 names it in PostgreSQL.
    """
    if "models.Constraint(" not in text and "models.UniqueIndex(" not in text:
        return text
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    edits = []  # (first line, last line, replacement), 1-based inclusive
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        found = []
        for statement in node.body:
            call = getattr(statement, "value", None)
            if not (isinstance(statement, ast.Assign) and isinstance(call, ast.Call)):
                continue
            kind = ast.unparse(call.func)
            name = statement.targets[0].id.lstrip("_")
            if kind == "models.Constraint":
                args = ", ".join(ast.get_source_segment(text, arg) for arg in call.args)
            elif kind == "models.UniqueIndex":
                args = unique_index_constraint(*map(ast.literal_eval, call.args))
            else:
                continue
            found.append((statement, f"        ({name!r}, {args}),\n"))
        if not found:
            continue
        indent = " " * found[0][0].col_offset
        block = f"{indent}_sql_constraints = [\n" + "".join(item for _, item in found)
        block += f"{indent}]\n"
        for index, (statement, _) in enumerate(found):
            edits.append((statement.lineno, statement.end_lineno, block if index == 0 else ""))
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first - 1 : last] = [replacement] if replacement else []
    return "".join(lines)


def unique_index_constraint(expression, message="This value is already used."):
    """19.0's ``models.UniqueIndex("(columns) [WHERE condition]")`` as a table constraint.

    A partial unique index cannot be a UNIQUE constraint; an exclusion constraint
    on equality says the same (PostgreSQL backs it with a btree index) and, being a
    named constraint, gets the message Odoo shows for it.
    """
    columns, _, condition = expression.partition(" WHERE ")
    names = [column.strip() for column in columns.strip().strip("()").split(",")]
    if not condition:
        definition = f"UNIQUE({', '.join(names)})"
        return f"{definition!r}, {message!r}"
    definition = f"EXCLUDE ({', '.join(f'{n} WITH =' for n in names)}) WHERE ({condition})"
    return f"{definition!r}, {message!r}"


def groups_fields_18(text, version):
    """res.users/ir.ui.menu/ir.actions ``group_ids`` was ``groups_id``; a group's
    ``user_ids``/``all_user_ids`` was ``users`` (implied groups were stored, so it is all)."""
    text = re.sub(r"\bgroup_ids\b", "groups_id", text)
    return re.sub(r"\ball_user_ids\b", "users", text)


def aggregator_17(text, version):
    """``aggregator=`` of a field was ``group_operator=`` before 18.0."""
    return re.sub(r"\baggregator=", "group_operator=", text)


COMPAT_17 = "odoo.addons.emag_connector.compat"


def env_translate_17(text, version):
    """``<env>._("...", ...)`` is 18.0+: 17.0 calls ``env_translate(<env>, "...", ...)``
    of emag_connector's compat (the bridge depends on the connector)."""
    if "env._(" not in text:
        return text
    text = re.sub(r"(?<![\w.)\]])((?:\w+\.)*env)\._\(", r"env_translate(\1, ", text)
    if "env._(" in text:  # e.g. ``partner.with_context(...).env._(``: name the env first
        raise ValueError("env._( on an expression env_translate_17 cannot rewrite")
    return add_import(text, f"from {COMPAT_17} import env_translate")


def translate_imports_17(text, version):
    """``LazyTranslate``, ``LazyGettext``, ``get_translation`` of ``odoo.tools.translate``
    are 18.0+: 17.0 takes the stand-ins of emag_connector's compat."""
    names = r"(?:LazyTranslate|LazyGettext|get_translation)"
    return re.sub(
        rf"from odoo\.tools\.translate import ({names}(?:, {names})*)$",
        rf"from {COMPAT_17} import \1",
        text,
        flags=re.M,
    )


def add_import(text, line):
    """``line`` before the first import of the module (after its docstring)."""
    match = re.search(r"^(?:from|import) ", text, re.M)
    at = match.start() if match else len(text)
    return text[:at] + line + "\n" + text[at:]


def list_view_17(text, version):
    """The list view was called ``tree`` before 18.0 (views, view_mode, JS)."""
    text = re.sub(r"<list\b", "<tree", text)
    text = text.replace("</list>", "</tree>")
    text = re.sub(r'(view_mode["\']?\s*[:=>]\s*["\']?[^"\'<]*?)\blist\b', r"\1tree", text)
    text = re.sub(r'(view_mode">[^<]*?)\blist\b', r"\1tree", text)
    return re.sub(r'\((False|\w+), "list"\)', r'(\1, "tree")', text)


def parent_path_17(text, version):
    """17.0 warns unless a ``parent_path`` field opts out of unaccent."""
    return text.replace(
        "parent_path = fields.Char(index=True)",
        "parent_path = fields.Char(index=True, unaccent=False)",
    )


# --- XML data --------------------------------------------------------------------


def privileges_to_categories(text, version):
    """19.0 groups hang on a ``res.groups.privilege``; before, on an ``ir.module.category``.

    The privilege record becomes a category (same XML id), its own category becomes
    the parent, and each group's ``privilege_id`` becomes its ``category_id``; groups
    had no ``sequence`` (their order came from the implied groups).
    """
    if 'model="res.groups"' not in text:
        return text
    text = re.sub(
        r'(<record id="\w+" model=")res\.groups\.privilege(">.*?</record>)',
        lambda m: (
            m.group(1)
            + "ir.module.category"
            + m.group(2).replace('name="category_id"', 'name="parent_id"')
        ),
        text,
        flags=re.S,
    )
    text = text.replace('name="privilege_id"', 'name="category_id"')
    return re.sub(
        r'(<record id="\w+" model="res\.groups">.*?</record>)',
        lambda m: re.sub(r'\s*<field name="sequence">[^<]*</field>', "", m.group(1)).replace(
            'name="user_ids"', 'name="users"'
        ),
        text,
        flags=re.S,
    )


def kanban_card_17(text, version):
    """18.0's kanban ``card`` template was ``kanban-box`` (one clickable box) in 17.0."""
    return re.sub(
        r'<t t-name="card">(.*?)</t>(\s*</templates>)',
        r'<t t-name="kanban-box"><div class="oe_kanban_card oe_kanban_global_click">\1</div></t>\2',
        text,
        flags=re.S,
    )


MULTI_COMPANY_FIELD = '<field name="company_id" groups="base.group_multi_company"'


def company_field_17(text, version):
    """17.0 refuses a view whose ``company_id`` (read by the other fields' domains) is
    visible to multi-company users only; 18.0 adds the invisible twin itself."""
    if MULTI_COMPANY_FIELD not in text:
        return text
    out, start = [], 0
    for match in re.finditer(re.escape(MULTI_COMPANY_FIELD) + r"[^>]*/>", text):
        before = text[: match.start()]
        in_list = max(before.rfind("<tree"), before.rfind("<list")) > max(
            before.rfind("</tree>"), before.rfind("</list>")
        )
        twin = (
            '<field name="company_id" column_invisible="True"/>'
            if in_list
            else ('<field name="company_id" invisible="1"/>')
        )
        out.append(text[start : match.end()] + twin)
        start = match.end()
    return "".join(out) + text[start:]


def cron_numbercall_17(text, version):
    """17.0 crons stop after ``numbercall`` runs (default 1); ours run forever."""
    if 'model="ir.cron"' not in text:
        return text
    return re.sub(
        r'(<record id="\w+" model="ir\.cron">)',
        r'\1\n        <field name="numbercall">-1</field>',
        text,
    )


# (name, versions, file suffixes, function): applied in this order.
TRANSFORMS = (
    ("manifest_series", ("17.0", "18.0"), ("__manifest__.py",), manifest_series),
    (
        "manifest_efactura_depends",
        ("17.0", "18.0"),
        ("__manifest__.py",),
        manifest_efactura_depends,
    ),
    ("sql_constraints", ("17.0", "18.0"), (".py",), sql_constraints),
    ("groups_fields_18", ("17.0", "18.0"), (".py", ".xml"), groups_fields_18),
    ("aggregator_17", ("17.0",), (".py",), aggregator_17),
    ("env_translate_17", ("17.0",), (".py",), env_translate_17),
    ("translate_imports_17", ("17.0",), (".py",), translate_imports_17),
    ("list_view_17", ("17.0",), (".py", ".xml", ".js"), list_view_17),
    ("privileges_to_categories", ("17.0", "18.0"), (".xml",), privileges_to_categories),
    ("cron_numbercall_17", ("17.0",), (".xml",), cron_numbercall_17),
    ("kanban_card_17", ("17.0",), (".xml",), kanban_card_17),
    ("company_field_17", ("17.0",), (".xml",), company_field_17),
    ("parent_path_17", ("17.0",), (".py",), parent_path_17),
)


def transforms_for(version, path):
    return [
        (name, function)
        for name, versions, suffixes, function in TRANSFORMS
        if version in versions and path.name.endswith(suffixes)
    ]


def transform_text(version, path, text):
    for _name, function in transforms_for(version, path):
        text = function(text, version)
    return text


def build(version):
    target = DIST / version
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for addon in ADDONS:
        shutil.copytree(REPO / addon, target / addon, ignore=shutil.ignore_patterns(*SKIP))
        for path in sorted((target / addon).rglob("*")):
            if path.is_file() and transforms_for(version, path):
                original = path.read_text()
                changed = transform_text(version, path, original)
                if changed != original:
                    path.write_text(changed)
    bundle = DIST / f"emag-connector-{version}.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for addon in ADDONS:
            for path in sorted((target / addon).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(target))
    print(f"{target}: {', '.join(ADDONS)} -> {bundle.name}")
    return target


def main(argv):
    for version in argv or VERSIONS:
        if version not in VERSIONS:
            sys.exit(f"unknown version {version!r}; one of {', '.join(VERSIONS)}")
        build(version)


if __name__ == "__main__":
    main(sys.argv[1:])
