"""tools/dist.py: each named transform turns 19.0 source into what 17.0/18.0 load."""

import ast
import sys
import zipfile
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import dist  # noqa: E402

MODEL = """\
from odoo import models


class Offer(models.Model):
    _name = "x.offer"

    _account_product_unique = models.Constraint(
        "UNIQUE(account_id, product_id)", "This product already has an offer."
    )
    _seller_unique = models.UniqueIndex(
        "(account_id, seller_id) WHERE seller_id != 0",
        "This eMAG offer id is already used.",
    )
    _token_unique = models.UniqueIndex("(token)")

    def action(self):
        return True
"""


def sql_constraints_of(text):
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.targets[0].id == "_sql_constraints":
            return ast.literal_eval(node.value)
    return None


def test_constraints_and_unique_indexes_become_one_sql_constraints_list():
    text = dist.sql_constraints(MODEL, "18.0")
    assert "models.Constraint" not in text and "models.UniqueIndex" not in text
    assert sql_constraints_of(text) == [
        (
            "account_product_unique",
            "UNIQUE(account_id, product_id)",
            "This product already has an offer.",
        ),
        (
            "seller_unique",
            "EXCLUDE (account_id WITH =, seller_id WITH =) WHERE (seller_id != 0)",
            "This eMAG offer id is already used.",
        ),
        ("token_unique", "UNIQUE(token)", "This value is already used."),
    ]
    assert "def action(self):" in text, "the rest of the class is kept"


def test_files_without_constraints_are_left_alone():
    assert dist.sql_constraints("x = 1\n", "18.0") == "x = 1\n"


def test_manifest_takes_the_series_and_the_efactura_modules_of_the_version():
    manifest = '{"version": "19.0.1.2.0", "depends": ["emag_connector", "l10n_ro_edi"]}'
    eighteen = dist.manifest_efactura_depends(dist.manifest_series(manifest, "18.0"), "18.0")
    seventeen = dist.manifest_efactura_depends(dist.manifest_series(manifest, "17.0"), "17.0")
    assert ast.literal_eval(eighteen) == {
        "version": "18.0.1.2.0",
        "depends": ["emag_connector", "l10n_ro_edi", "l10n_ro_efactura_synchronize"],
    }
    assert ast.literal_eval(seventeen)["version"] == "17.0.1.2.0"
    assert ast.literal_eval(seventeen)["depends"][-1] == "l10n_ro_efactura"


SECURITY = """\
<odoo>
    <record id="privilege_emag" model="res.groups.privilege">
        <field name="name">eMAG Marketplace</field>
        <field name="sequence">40</field>
        <field name="category_id" ref="base.module_category_sales"/>
    </record>
    <record id="group_emag_manager" model="res.groups">
        <field name="name">Manager</field>
        <field name="sequence">20</field>
        <field name="privilege_id" ref="privilege_emag"/>
        <field name="user_ids" eval="[(4, ref('base.user_admin'))]"/>
    </record>
</odoo>
"""


def test_privileges_become_module_categories():
    text = dist.privileges_to_categories(SECURITY, "18.0")
    assert '<record id="privilege_emag" model="ir.module.category">' in text
    assert '<field name="parent_id" ref="base.module_category_sales"/>' in text
    assert '<field name="category_id" ref="privilege_emag"/>' in text
    assert '<field name="users" eval=' in text
    assert text.count('name="sequence"') == 1, "only the category keeps its sequence"


def test_group_fields_take_their_older_names():
    text = '<field name="group_ids" eval="[Command.link(ref(\'x\'))]"/> group.all_user_ids'
    assert dist.groups_fields_18(text, "18.0") == (
        '<field name="groups_id" eval="[Command.link(ref(\'x\'))]"/> group.users'
    )


def test_list_views_are_tree_views_on_17():
    view = '<list string="Offers"><field name="name"/></list>'
    action = '<field name="view_mode">list,form</field>'
    python = 'return {"view_mode": "list,form", "views": [(False, "list"), (False, "form")]}'
    assert dist.list_view_17(view, "17.0") == '<tree string="Offers"><field name="name"/></tree>'
    assert dist.list_view_17(action, "17.0") == '<field name="view_mode">tree,form</field>'
    assert dist.list_view_17(python, "17.0") == (
        'return {"view_mode": "tree,form", "views": [(False, "tree"), (False, "form")]}'
    )


def test_crons_run_forever_on_17():
    cron = '<record id="cron_x" model="ir.cron">\n        <field name="name">X</field>'
    assert '<field name="numbercall">-1</field>' in dist.cron_numbercall_17(cron, "17.0")


def test_each_transform_applies_to_its_versions_only():
    manifest = Path("emag_connector/__manifest__.py")
    view = Path("emag_connector/views/x.xml")
    assert "list_view_17" in [name for name, _ in dist.transforms_for("17.0", view)]
    assert "list_view_17" not in [name for name, _ in dist.transforms_for("18.0", view)]
    assert "manifest_series" in [name for name, _ in dist.transforms_for("18.0", manifest)]


@pytest.mark.parametrize("version", dist.VERSIONS)
def test_build_writes_both_addons_and_the_zip(tmp_path, monkeypatch, version):
    monkeypatch.setattr(dist, "DIST", tmp_path)
    target = dist.build(version)
    for addon in dist.ADDONS:
        manifest = ast.literal_eval((target / addon / "__manifest__.py").read_text())
        assert manifest["version"].startswith(f"{version}.")
        # Every derived Python file still parses.
        for path in (target / addon).rglob("*.py"):
            ast.parse(path.read_text(), str(path))
    with zipfile.ZipFile(tmp_path / f"emag-connector-{version}.zip") as archive:
        names = archive.namelist()
    assert "emag_connector/__manifest__.py" in names
    assert "l10n_ro_efactura_bridge/__manifest__.py" in names
    assert not any("__pycache__" in name for name in names)


def test_kanban_card_is_a_kanban_box_on_17():
    view = '<templates>\n<t t-name="card"><field name="name"/></t>\n</templates>'
    assert dist.kanban_card_17(view, "17.0") == (
        '<templates>\n<t t-name="kanban-box"><div class="oe_kanban_card oe_kanban_global_click">'
        '<field name="name"/></div></t>\n</templates>'
    )


def test_multi_company_field_gets_an_invisible_twin_on_17():
    form = '<form><field name="company_id" groups="base.group_multi_company"/></form>'
    tree = (
        '<tree><field name="company_id" groups="base.group_multi_company" optional="hide"/></tree>'
    )
    assert dist.company_field_17(form, "17.0").endswith(
        '<field name="company_id" invisible="1"/></form>'
    )
    assert '<field name="company_id" column_invisible="True"/></tree>' in dist.company_field_17(
        tree, "17.0"
    )


def test_translation_calls_use_the_17_stand_ins():
    code = (
        '"""Doc."""\n\nfrom odoo import models\nfrom odoo.tools.translate import LazyTranslate\n\n'
        'x = self.env._("Hello %(who)s", who=name)\ny = scope.env._("Hi")\n'
    )
    text = dist.translate_imports_17(dist.env_translate_17(code, "17.0"), "17.0")
    assert 'env_translate(self.env, "Hello %(who)s", who=name)' in text
    assert 'y = env_translate(scope.env, "Hi")' in text
    assert f"from {dist.COMPAT_17} import LazyTranslate" in text
    assert text.index(f"from {dist.COMPAT_17} import env_translate") > text.index('"""Doc."""')
    ast.parse(text)


def test_an_env_translate_it_cannot_rewrite_stops_the_build():
    with pytest.raises(ValueError):
        dist.env_translate_17('x = partner.with_context(lang="ro_RO").env._("Hi")\n', "17.0")
