"""Labels and messages in the user's language.

A message a job writes on a record is read later, by people working in other
languages than the job's. Such a message is built as a *deferred text* and
stored in a translatable field in every installed language at once
(:func:`write_translated`), so each reader sees it in their own. A deferred
text is one of:

- a plain ``str``: the same in every language (a name, eMAG's own words);
- a lazy translation, ``_lt("...", name=value)``, whose arguments may be
  deferred texts themselves;
- a callable ``env -> str`` (e.g. :func:`selection_text`);
- a list of deferred texts, joined by spaces.
"""


def selection_label(env, model, field_name, value):
    """The label of ``value`` in the selection ``model.field_name``, as the
    field translates it; the value itself when the selection does not know it."""
    field = env[model]._fields[field_name]
    return dict(field._description_selection(env)).get(str(value), str(value))


def selection_text(model, field_name, value):
    """A deferred text: the label of ``value`` in ``model.field_name``."""
    return lambda env: selection_label(env, model, field_name, value)


def render(env, text):
    """The deferred ``text`` in the language of ``env``."""
    # Imported here: the status tables of the docs load this module without Odoo.
    from odoo.tools.translate import LazyGettext, get_translation

    def argument(value):
        deferred = isinstance(value, LazyGettext) or callable(value)
        return render(env, value) if deferred else value

    if isinstance(text, (list, tuple)):
        return " ".join(render(env, part) for part in text)
    if isinstance(text, LazyGettext):
        args = text._args
        if isinstance(args, dict):
            args = {key: argument(value) for key, value in args.items()}
        else:
            args = tuple(argument(value) for value in args)
        return get_translation(text._module, env.lang or "en_US", text._source, args)
    if callable(text):
        return text(env)
    return text


# In the context while :func:`write_translated` writes (Odoo writes the field
# again after its translations): a ``write`` override keeping a field in every
# language must let it through.
WRITING_TRANSLATIONS = "emag_writing_translations"


def write_translated(records, field_name, text):
    """Write the deferred ``text`` in the translatable ``field_name`` of
    ``records``, in every installed language.

    Written in one language only, the field would show the others what it
    said before.
    """
    if not text:
        records.write({field_name: False})
        return
    env = records.env
    languages = {code for code, _name in env["res.lang"].get_installed()} | {"en_US"}
    translations = {
        lang: render(env(context=dict(env.context, lang=lang)), text) for lang in languages
    }
    for record in records.with_context(**{WRITING_TRANSLATIONS: True}):
        record.update_field_translations(field_name, dict(translations))
