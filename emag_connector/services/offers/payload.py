"""What eMAG is told about an offer: the entities of the two save routes.

Two kinds of content with different lives:

* the *offer values* (status, price and band, VAT, stock, handling time) change
  often and go through the light ``offer/save``, only the keys that changed
  since the last accepted push. They are kept as a flat dict so that the last
  pushed one can be stored and compared: an unchanged offer costs no call;
* the *product documentation* (name, brand, description, images, category,
  characteristics, EANs, warranty) goes through ``product_offer/save``, at the
  first publication and whenever its fingerprint changes.
"""

import hashlib
import json

EMAG_WAREHOUSE_ID = 1  # eMAG's id of the seller's only warehouse


def offer_eans(offer):
    """The offer's EANs as a list of strings (comma, space or newline separated)."""
    text = (offer.ean_codes or "").replace(";", ",").replace("\n", ",").replace(" ", ",")
    return [code for code in (part.strip() for part in text.split(",")) if code]


def _field_text(product, field):
    value = product[field.name]
    if field.ttype == "many2one":
        return value.display_name or ""
    if field.ttype == "boolean":
        return "Da" if value else "Nu"
    if field.ttype == "selection":
        return dict(product._fields[field.name]._description_selection(product.env)).get(value, "")
    if value in (False, None):
        return ""
    if field.ttype == "float":
        return f"{value:g}"
    return str(value)


def characteristic_values(offer):
    """``[(characteristic, value, tag)]`` of ``offer`` in its category.

    A value typed on the offer wins; otherwise the characteristic's mapping
    gives it: the variant's value of the mapped product attribute, or the
    mapped product field.
    """
    explicit = {}
    for line in offer.characteristic_value_ids:
        explicit.setdefault(line.characteristic_id, []).append((line.value, line.tag or ""))
    product = offer.product_id
    result = []
    for characteristic in offer.category_id.characteristic_ids:
        if characteristic in explicit:
            result.extend(
                (characteristic, value, tag) for value, tag in explicit[characteristic] if value
            )
            continue
        value = ""
        if characteristic.attribute_id:
            value = (
                product.product_template_attribute_value_ids.filtered(
                    lambda ptav, char=characteristic: ptav.attribute_id == char.attribute_id
                )[:1].name
                or ""
            )
        elif characteristic.product_field_id:
            value = _field_text(product, characteristic.product_field_id)
        if value:
            result.append((characteristic, value, ""))
    return result


def offer_values(offer, price, stock):
    """The flat offer values eMAG should hold now (JSON-compatible)."""
    values = {
        "status": 1 if offer.publish else 0,
        "sale_price": price.sale_price,
        "min_sale_price": price.min_sale_price,
        "max_sale_price": price.max_sale_price,
        "vat_id": offer.vat_id.emag_id,
        "handling_time": offer.handling_time,
    }
    if offer.account_id.fulfilment_type == "seller":
        values["stock"] = stock
    return values


def _entity_fields(values):
    """Turn flat offer values into eMAG entity keys (stock and handling time are lists)."""
    entity = {}
    for key, value in values.items():
        if key in ("stock", "handling_time"):
            entity[key] = [{"warehouse_id": EMAG_WAREHOUSE_ID, "value": value}]
        else:
            entity[key] = value
    return entity


def changed_values(values, pushed):
    """Keys of ``values`` that differ from the last accepted push ``pushed``."""
    pushed = pushed or {}
    return {key: value for key, value in values.items() if pushed.get(key) != value}


def light_entity(offer, changes):
    """An ``offer/save`` entity carrying only ``changes``."""
    return {"id": offer.seller_product_id, **_entity_fields(changes)}


def documentation(offer):
    """The documentation part of a ``product_offer/save`` entity of ``offer``."""
    path = offer.publication_path
    doc = {"name": offer.emag_name, "part_number": offer.part_number}
    eans = offer_eans(offer)
    if path == "pnk":
        doc["part_number_key"] = offer.part_number_key
    elif path == "ean":
        doc["ean"] = eans[:1]
    else:
        doc.update(
            {
                "category_id": offer.category_id.emag_id,
                "brand": offer.brand,
                "description": offer.emag_description or "",
                "images": [
                    {"display_type": 1 if index == 0 else 2, "url": url}
                    for index, url in enumerate(offer._image_urls())
                ],
                "characteristics": [
                    {"id": characteristic.emag_id, "value": value, **({"tag": tag} if tag else {})}
                    for characteristic, value, tag in characteristic_values(offer)
                ],
                "ean": eans,
            }
        )
    doc["warranty"] = offer.warranty
    return doc


def full_entity(offer, values, doc):
    """A ``product_offer/save`` entity: documentation plus every offer value.

    eMAG requires a stock on the first save; FBE offers, whose stock eMAG
    manages, start at 0.
    """
    if "stock" not in values and not offer.emag_created:
        values = {**values, "stock": 0}
    return {"id": offer.seller_product_id, **doc, **_entity_fields(values)}


def fingerprint(data):
    """A short stable digest of JSON-compatible ``data``."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
