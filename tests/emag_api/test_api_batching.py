"""Chunking, input-vars counting and bisection of refused bulk saves.

``FakeEmag`` below models only the refusal rules of eMAG's save routes
(50 entities, 4000 input vars, whole-request refusal when any entity is bad)
so the algorithm can be checked call by call; the same behaviour is checked
against the simulator over HTTP in the contract tests.
"""

import pytest

from emag_api import batching
from emag_api.errors import (
    EmagAuthError,
    EmagRequestTooLargeError,
    EmagValidationError,
)


class FakeEmag:
    def __init__(self, bad_ids=(), name_bad=True):
        self.bad_ids = set(bad_ids)
        self.name_bad = name_bad
        self.requests = []
        self.saved = {}

    def __call__(self, chunk):
        self.requests.append([entity["id"] for entity in chunk])
        if len(chunk) > 50:
            raise EmagValidationError("Maximum 50 entities per request exceeded")
        if batching.count_input_vars({"data": chunk}) > 4000:
            raise EmagRequestTooLargeError("Maximum input vars of 4000 exceeded")
        bad = [entity["id"] for entity in chunk if entity["id"] in self.bad_ids]
        if bad:
            text = (
                f"Offer {bad[0]}: sale_price outside the min/max band"
                if self.name_bad
                else ("Invalid request")
            )
            raise EmagValidationError(text)
        for entity in chunk:
            self.saved[entity["id"]] = entity
        return type("Response", (), {"messages": []})()


def offers(count, start=1):
    return [
        {"id": i, "sale_price": 10.5, "stock": [{"warehouse_id": 1, "value": 3}]}
        for i in range(start, start + count)
    ]


def test_count_input_vars_counts_leaves_like_php():
    assert (
        batching.count_input_vars({"data": [{"id": 1, "stock": [{"warehouse_id": 1, "value": 3}]}]})
        == 3
    )
    assert batching.count_input_vars({"images": [], "family": {}}) == 2
    assert batching.count_input_vars(5) == 1


def test_chunks_hold_at_most_50_entities():
    chunks = batching.plan_chunks(offers(120))
    assert [len(chunk) for chunk in chunks] == [50, 50, 20]
    assert [i for chunk in chunks for i in chunk] == list(range(120))


def test_chunks_stay_under_4000_input_vars():
    heavy = [
        {"id": i, "characteristics": [{"id": c, "value": "x"} for c in range(60)]}
        for i in range(50)
    ]  # 121 leaves each: 50 of them would be 6050
    chunks = batching.plan_chunks(heavy)
    assert len(chunks) == 2
    for chunk in chunks:
        assert batching.count_input_vars({"data": [heavy[i] for i in chunk]}) <= 4000


def test_all_good_entities_saved_in_minimum_calls():
    emag = FakeEmag()
    report = batching.save_in_batches(emag, offers(120))
    assert report.ok
    assert report.api_calls == 3
    assert len(emag.saved) == 120


def test_named_bad_entity_is_isolated_and_others_saved():
    emag = FakeEmag(bad_ids={17})
    report = batching.save_in_batches(emag, offers(50))
    assert len(emag.saved) == 49
    outcome = report.by_key()[17]
    assert outcome.status == batching.ERROR
    assert "sale_price outside" in outcome.messages[0]
    assert outcome.error.entity_messages == {17: outcome.messages}
    assert [o.key for o in report.failed] == [17]
    # One refused chunk, then the named entity alone and the 49 others.
    assert report.api_calls == 3


def test_unnamed_bad_entities_are_found_by_bisection():
    emag = FakeEmag(bad_ids={3, 40}, name_bad=False)
    report = batching.save_in_batches(emag, offers(50))
    assert sorted(o.key for o in report.failed) == [3, 40]
    assert len(emag.saved) == 48
    assert report.api_calls < 30
    # Bisection never resends a good entity after it was accepted.
    accepted = [i for request in emag.requests for i in request if i not in emag.bad_ids]
    assert len(accepted) >= 48


def test_single_oversized_entity_fails_alone():
    huge = {"id": 99, "characteristics": [{"id": c, "value": "x"} for c in range(2100)]}
    emag = FakeEmag()
    report = batching.save_in_batches(emag, [*offers(3), huge, *offers(3, start=4)])
    assert [o.key for o in report.failed] == [99]
    assert isinstance(report.by_key()[99].error, EmagRequestTooLargeError)
    assert len(emag.saved) == 6


def test_request_level_error_aborts_and_reports_unsent_entities():
    calls = []

    def refuse_second(chunk):
        calls.append(chunk)
        if len(calls) == 2:
            raise EmagAuthError("You are not allowed to use this API.")
        return type("Response", (), {"messages": []})()

    report = batching.save_in_batches(refuse_second, offers(120))
    assert isinstance(report.aborted_by, EmagAuthError)
    statuses = [o.status for o in report.outcomes]
    assert statuses[:50] == [batching.OK] * 50
    assert statuses[50:100] == [batching.ERROR] * 50
    assert statuses[100:] == [batching.NOT_SENT] * 20
    assert all(o.error is report.aborted_by for o in report.outcomes[50:])


def test_messages_of_accepted_requests_go_to_named_entity_or_warnings():
    def accept_with_warnings(chunk):
        return type("Response", (), {"messages": ["Offer 2: family type ignored", "Slow down"]})()

    report = batching.save_in_batches(accept_with_warnings, offers(3))
    assert report.ok
    assert report.by_key()[2].messages == ["Offer 2: family type ignored"]
    assert report.by_key()[1].messages == []
    assert report.warnings == ["Slow down"]


@pytest.mark.parametrize("key", [1, 10])
def test_key_matching_is_whole_token(key):
    assert batching._mentions(f"Offer {key}: bad", key)
    assert not batching._mentions("Offer 101: bad", 1 if key == 10 else 0)
    assert not batching._mentions("Offer 101: bad", 10)
