"""Bulk saves that survive eMAG's request limits and one bad entity.

eMAG accepts at most 50 entities per save request and at most 4000 "input
variables" (PHP's ``max_input_vars``: one per leaf of the flattened request);
above that it refuses the whole request. A request whose content it dislikes
is also refused as a whole (``isError: true``), even when only one entity is
at fault. :func:`save_in_batches` therefore

1. packs entities into chunks of at most 50 entities and 4000 leaves,
2. when eMAG refuses a chunk as a whole, sends the entities its messages name
   on their own and the rest separately, or else splits the chunk in halves,
   down to single entities, so one bad entity cannot sink 49 good ones,
3. reports an outcome per entity, so callers can mark each record.

Only idempotent saves (offers, stock: upserts keyed by the seller's ``id``)
may be batched this way: splitting resends entities eMAG may already have
applied. AWB and RMA saves must never go through here.
"""

import logging
import re
from dataclasses import dataclass, field

from .errors import EmagRequestTooLargeError, EmagValidationError

_logger = logging.getLogger(__name__)

MAX_ENTITIES = 50
MAX_INPUT_VARS = 4000

OK = "ok"
ERROR = "error"
NOT_SENT = "not_sent"


@dataclass
class EntityOutcome:
    """What happened to one entity of a bulk save.

    :ivar index: position of the entity in the list given to the save
    :ivar key: the entity's key (its ``id`` for offers), ``None`` if absent
    :ivar status: :data:`OK`, :data:`ERROR` or :data:`NOT_SENT` (the save was
        aborted before this entity's turn)
    :ivar messages: eMAG's messages about this entity (errors or warnings)
    :ivar error: the exception behind an ``ERROR``/``NOT_SENT`` status
    """

    index: int
    key: object
    status: str = NOT_SENT
    messages: list = field(default_factory=list)
    error: Exception = None

    @property
    def ok(self):
        return self.status == OK


@dataclass
class BatchReport:
    """Outcome of a bulk save, one :class:`EntityOutcome` per entity, in input order.

    :ivar api_calls: HTTP requests made, bisection included
    :ivar warnings: messages of accepted requests that name no entity
    :ivar aborted_by: the error that stopped the save (authentication, rate
        limit, transient failure...), ``None`` when every entity got a verdict
    """

    outcomes: list
    api_calls: int = 0
    warnings: list = field(default_factory=list)
    aborted_by: Exception = None

    @property
    def ok(self):
        return all(outcome.ok for outcome in self.outcomes)

    @property
    def succeeded(self):
        return [outcome for outcome in self.outcomes if outcome.status == OK]

    @property
    def failed(self):
        return [outcome for outcome in self.outcomes if outcome.status != OK]

    def by_key(self):
        return {outcome.key: outcome for outcome in self.outcomes}


def count_input_vars(value):
    """Count the input variables PHP sees for ``value`` once flattened.

    Every scalar leaf is one variable (``data[0][stock][0][value]``). Empty
    arrays/objects are counted as one as well: PHP would drop them, but
    over-counting only makes chunks a little smaller, never refused.
    """
    if isinstance(value, dict):
        return sum(count_input_vars(item) for item in value.values()) or 1
    if isinstance(value, (list, tuple)):
        return sum(count_input_vars(item) for item in value) or 1
    return 1


def plan_chunks(entities, *, max_entities=MAX_ENTITIES, max_input_vars=MAX_INPUT_VARS):
    """Split ``entities`` into consecutive chunks within both limits.

    Returns lists of indexes into ``entities``. An entity that alone exceeds
    ``max_input_vars`` gets a chunk of its own (eMAG will refuse it, and only it).
    """
    chunks, current, current_vars = [], [], 0
    for index, entity in enumerate(entities):
        size = count_input_vars(entity)
        if current and (len(current) >= max_entities or current_vars + size > max_input_vars):
            chunks.append(current)
            current, current_vars = [], 0
        current.append(index)
        current_vars += size
    if current:
        chunks.append(current)
    return chunks


class _Aborted(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.error = error


def _mentions(message, key):
    if key is None or key == "":
        return False
    pattern = rf"(?<![0-9A-Za-z]){re.escape(str(key))}(?![0-9A-Za-z])"
    return re.search(pattern, message) is not None


def save_in_batches(
    send, entities, *, key="id", max_entities=MAX_ENTITIES, max_input_vars=MAX_INPUT_VARS
):
    """Save ``entities`` through ``send`` in chunks; return a :class:`BatchReport`.

    :param send: callable taking a list of entities, doing one save request
        and returning an object with a ``messages`` list; it raises an
        :class:`~.errors.EmagError` when eMAG refuses the request
    :param key: entity key naming each entity in the report and in eMAG's
        messages
    """
    entities = list(entities)
    report = BatchReport(
        outcomes=[
            EntityOutcome(index, _key_of(entity, key)) for index, entity in enumerate(entities)
        ]
    )

    def attempt(indexes):
        chunk = [entities[index] for index in indexes]
        report.api_calls += 1
        try:
            response = send(chunk)
        except (EmagValidationError, EmagRequestTooLargeError) as error:
            if len(indexes) == 1:
                outcome = report.outcomes[indexes[0]]
                outcome.status, outcome.error = ERROR, error
                outcome.messages = list(error.messages)
                error.entity_messages = {outcome.key: outcome.messages}
                return
            for part in _split(indexes, error.messages):
                attempt(part)
            return
        except Exception as error:
            for index in indexes:
                report.outcomes[index].status = ERROR
                report.outcomes[index].error = error
            raise _Aborted(error) from error
        messages = list(getattr(response, "messages", None) or [])
        named = set()
        for index in indexes:
            outcome = report.outcomes[index]
            outcome.status = OK
            own = [message for message in messages if _mentions(message, outcome.key)]
            if len(indexes) == 1:
                own = messages
            outcome.messages = own
            named.update(own)
        report.warnings.extend(message for message in messages if message not in named)

    def _split(indexes, messages):
        keys = {index: report.outcomes[index].key for index in indexes}
        named = [index for index in indexes if any(_mentions(msg, keys[index]) for msg in messages)]
        if named and len(named) < len(indexes):
            rest = [index for index in indexes if index not in named]
            return [[index] for index in named] + [rest]
        middle = len(indexes) // 2
        return [indexes[:middle], indexes[middle:]]

    try:
        for chunk in plan_chunks(
            entities, max_entities=max_entities, max_input_vars=max_input_vars
        ):
            attempt(chunk)
    except _Aborted as aborted:
        report.aborted_by = aborted.error
        for outcome in report.outcomes:
            if outcome.status == NOT_SENT:
                outcome.error = aborted.error
        _logger.warning("Bulk save aborted after %d requests: %s", report.api_calls, aborted.error)
    return report


def _key_of(entity, key):
    return entity.get(key) if isinstance(entity, dict) else None
