"""Labels of selection values in the user's language."""


def selection_label(env, model, field_name, value):
    """The label of ``value`` in the selection ``model.field_name``, as the
    field translates it; the value itself when the selection does not know it."""
    field = env[model]._fields[field_name]
    return dict(field._description_selection(env)).get(str(value), str(value))
