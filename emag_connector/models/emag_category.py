# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..lib.emag_api import PLATFORMS

# Characteristic types (doc §14.1); single-valued ones accept one value only.
CHARACTERISTIC_TYPES = [
    ("1", "Numeric"),
    ("2", "Numeric with unit"),
    ("11", "Text"),
    ("20", "Yes/No"),
    ("30", "Resolution"),
    ("40", "Volume"),
    ("60", "Size"),
]


class EmagCategory(models.Model):
    """An eMAG category of one platform, as read with ``category/read``.

    ``is_allowed`` is what the account that synchronised it may publish in;
    the characteristics are read separately, only for allowed categories.
    """

    _name = "emag.category"
    _description = "eMAG Category"
    _parent_store = True
    _order = "complete_name"
    _rec_name = "complete_name"

    name = fields.Char(required=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    platform = fields.Selection(
        selection=[(code, platform.name) for code, platform in PLATFORMS.items()],
        required=True,
        index=True,
    )
    emag_id = fields.Integer(string="eMAG ID", required=True, index=True)
    emag_parent_id = fields.Integer(string="eMAG Parent ID")
    parent_id = fields.Many2one("emag.category", index=True, ondelete="set null")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("emag.category", "parent_id")
    is_allowed = fields.Boolean(
        string="Allowed", help="The seller may publish in this category (access granted by eMAG)."
    )
    is_ean_mandatory = fields.Boolean(string="EAN Mandatory")
    is_warranty_mandatory = fields.Boolean(string="Warranty Mandatory")
    characteristic_ids = fields.One2many("emag.category.characteristic", "category_id")
    family_type_ids = fields.One2many("emag.category.family.type", "category_id")
    details_synced_at = fields.Datetime(
        readonly=True,
        help="When the characteristics and family types were last read from eMAG.",
    )

    _platform_emag_id_unique = models.Constraint(
        "UNIQUE(platform, emag_id)", "This eMAG category is already known for this platform."
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = f"{category.parent_id.complete_name} / {category.name}"
            else:
                category.complete_name = category.name


class EmagCategoryCharacteristic(models.Model):
    """A characteristic of an eMAG category, and where its value comes from in Odoo.

    The mapping (a product attribute, or a product field) lets values flow
    from the product to every offer of the category without typing them.
    """

    _name = "emag.category.characteristic"
    _description = "eMAG Category Characteristic"
    _order = "category_id, display_order, id"

    category_id = fields.Many2one("emag.category", required=True, index=True, ondelete="cascade")
    emag_id = fields.Integer(string="eMAG ID", required=True)
    name = fields.Char(required=True)
    type_id = fields.Selection(CHARACTERISTIC_TYPES, string="Type")
    display_order = fields.Integer()
    is_mandatory = fields.Boolean(string="Mandatory")
    is_filter = fields.Boolean(string="Filter")
    allow_new_value = fields.Boolean(
        help="Values outside the list are accepted (and validated by eMAG later)."
    )
    tags = fields.Char(help="Comma-separated tags; such a characteristic is sent once per tag.")
    value_ids = fields.One2many("emag.category.characteristic.value", "characteristic_id")
    value_count = fields.Integer(compute="_compute_value_count")
    attribute_id = fields.Many2one(
        "product.attribute",
        string="Product Attribute",
        help="The variant's value of this attribute is sent for this characteristic.",
    )
    product_field_id = fields.Many2one(
        "ir.model.fields",
        string="Product Field",
        domain="[('model', '=', 'product.product'), "
        "('ttype', 'in', ('char', 'integer', 'float', 'selection', 'boolean', 'many2one'))]",
        ondelete="cascade",
        help="Used when no attribute is mapped: this product field's value is sent.",
    )

    _category_emag_id_unique = models.Constraint(
        "UNIQUE(category_id, emag_id)", "This characteristic is already known for this category."
    )

    @api.depends("value_ids")
    def _compute_value_count(self):
        for characteristic in self:
            characteristic.value_count = len(characteristic.value_ids)


class EmagCategoryCharacteristicValue(models.Model):
    _name = "emag.category.characteristic.value"
    _description = "eMAG Characteristic Allowed Value"
    _order = "characteristic_id, sequence, id"

    characteristic_id = fields.Many2one(
        "emag.category.characteristic", required=True, index=True, ondelete="cascade"
    )
    name = fields.Char(required=True)
    sequence = fields.Integer()

    _characteristic_name_unique = models.Constraint(
        "UNIQUE(characteristic_id, name)", "This value is already listed."
    )


class EmagCategoryFamilyType(models.Model):
    """A family type (variants grouped by defining characteristics) of a category."""

    _name = "emag.category.family.type"
    _description = "eMAG Category Family Type"
    _order = "category_id, emag_id"

    category_id = fields.Many2one("emag.category", required=True, index=True, ondelete="cascade")
    emag_id = fields.Integer(string="eMAG ID", required=True)
    name = fields.Char(required=True)
    characteristic_ids = fields.Many2many(
        "emag.category.characteristic",
        string="Defining Characteristics",
    )

    _category_emag_id_unique = models.Constraint(
        "UNIQUE(category_id, emag_id)", "This family type is already known for this category."
    )
