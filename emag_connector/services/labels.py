"""Labels and sentences in the user's language.

The payload readers (:mod:`.order_payload`, :mod:`.rma_payload`) are pure
Python: they cannot translate, yet their refusals are read by salespeople in
Romanian, Bulgarian or Hungarian. They build each refusal as a
:class:`Sentence`, an English template with its values (themselves sentences
when they are words to translate: "Product line 2", "shipping fee"); the
model says it in the user's language with :func:`say`, as the order status
refusals are said with ``order_status.explain``.
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
