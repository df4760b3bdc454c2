"""Hypothesis strategies for ``product_offer/read`` items, written from
``../shared/docs/emag-api.md`` §3.3 and §13.6: ids as numbers or strings,
``validation_status`` as an object, a bare value or a list of one object,
errors as texts, objects or one text, ``doc_errors`` null or set, keys
missing, and items that are no offer at all.

Each example is ``(item, expected)``: ``expected`` is what a reader must find
(``None`` for an item that is not an offer).
"""

from hypothesis import strategies as st

ERRORS = st.lists(
    st.sampled_from(["Imaginea lipsește", "Невалиден EAN", "Hiányzó márka"]), max_size=2
)


@st.composite
def offer_items(draw):
    if draw(st.integers(0, 15)) == 0:
        return draw(st.sampled_from([None, [], "offer", 12])), None
    emag_id = draw(st.integers(1, 10**6))
    value = draw(st.sampled_from([0, 1, 3, 5, 8, 9, 11, 12]))
    description = draw(st.sampled_from(["Approved documentation", "Documentatie respinsa", ""]))
    errors = draw(ERRORS)
    doc_errors = draw(ERRORS)
    number = st.sampled_from([value, str(value)])
    shape = draw(st.sampled_from(["object", "list", "bare"]))
    rendered_errors = draw(
        st.sampled_from(
            [errors, [{"message": e} for e in errors], "; ".join(errors) if errors else None]
        )
    )
    if shape == "bare":
        validation = draw(number)
        errors, description = [], ""
    else:
        validation = {"value": draw(number), "description": description, "errors": rendered_errors}
        if rendered_errors and isinstance(rendered_errors, str):
            errors = [rendered_errors]
        if shape == "list":
            validation = [validation]
    status = draw(st.sampled_from([0, 1, 2]))
    item = {
        "id": draw(st.sampled_from([emag_id, str(emag_id)])),
        "part_number": draw(st.sampled_from(["KT-1700-INOX", " FLT-AC-2 "])),
        "part_number_key": draw(st.sampled_from(["D5DD9BBBM", "", None])),
        "status": draw(st.sampled_from([status, str(status)])),
        "validation_status": validation,
        "doc_errors": doc_errors or draw(st.sampled_from([None, [], ""])),
        "offer_validation_status": draw(st.sampled_from([{"value": 1}, []])),
        "general_stock": draw(st.sampled_from([5, "5", None])),
    }
    for key in ("part_number_key", "doc_errors", "offer_validation_status", "general_stock"):
        if draw(st.booleans()):
            item.pop(key)
    expected = {
        "emag_id": emag_id,
        "part_number": item["part_number"].strip(),
        "status": status,
        "validation_status": value,
        "validation_description": description,
        "errors": tuple(errors + (doc_errors if "doc_errors" in item else [])),
    }
    return item, expected
