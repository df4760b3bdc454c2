"""Labels and sentences in the user's language.

Two ways, for two kinds of text:

- The payload readers (:mod:`.order_payload`, :mod:`.rma_payload`) are pure
  Python: they cannot translate, yet their refusals are read by salespeople in
  Romanian, Bulgarian or Hungarian. They build each refusal as a
  :class:`Sentence`, an English template with its values (themselves sentences
  when they are words to translate: "Product line 2", "shipping fee"); the
  model says it in the user's language with :func:`say`, as the order status
  refusals are said with ``order_status.explain``.
- A message a job writes on a record is read later, by people working in other
  languages than the job's. Such a message is built as a *deferred text* and
  stored in a translatable field in every installed language at once
  (:func:`write_translated`), so each reader sees it in their own. A deferred
  text is one of:

  - a plain ``str``: the same in every language (a name, eMAG's own words);
  - a lazy translation, ``_lt("...", name=value)``, whose arguments may be
    deferred texts themselves;
  - a callable ``env -> str`` (e.g. :func:`selection_text`, or
    :func:`error_text` for a payload refusal);
  - a list of deferred texts, joined by spaces.
"""


def selection_label(env, model, field_name, value):
    """The label of ``value`` in the selection ``model.field_name``, as the
    field translates it; the value itself when the selection does not know it."""
    field = env[model]._fields[field_name]
    return dict(field._description_selection(env)).get(str(value), str(value))


class Sentence:
    """A text for a person, kept as its template and values.

    Build one with ``_("Product line %(index)s", index=2)``: ``_`` is this
    class under the name Odoo's translation export looks for, so the
    templates land in the .pot files of the addon.
    """

    __slots__ = ("template", "values")

    def __init__(self, template, **values):
        self.template = template
        self.values = values

    def render(self, translate=None):
        """The text, each template through ``translate`` (``env._``) when given."""
        values = {
            key: value.render(translate) if isinstance(value, Sentence) else value
            for key, value in self.values.items()
        }
        template = translate(self.template) if translate else self.template
        return template % values if values else template

    def __str__(self):
        return self.render()

    def __repr__(self):
        return f"Sentence({self.render()!r})"


class SentenceError(ValueError):
    """An error whose ``str()`` is an English sentence and whose
    :attr:`sentence` :func:`say` renders in the user's language."""

    def __init__(self, sentence):
        self.sentence = sentence if isinstance(sentence, Sentence) else Sentence(str(sentence))
        super().__init__(str(self.sentence))


def say(env, error):
    """The message of ``error`` in the language of ``env``'s user."""
    sentence = getattr(error, "sentence", None)
    if sentence is None:
        return str(error.args[0] if error.args else error)
    return sentence.render(env._)


def error_text(error):
    """A deferred text: the message of ``error``, said by :func:`say`."""
    return lambda env: say(env, error)


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
