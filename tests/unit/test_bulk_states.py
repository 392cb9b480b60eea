"""BulkResult's /set states (RFC 8620 §5.3): whether the answers of one bulk operation
chain, which is how a sync tells its own echo from somebody else's change."""

from __future__ import annotations

from caldav.jmap import BulkResult


def test_answers_that_chain() -> None:
    result = BulkResult()
    result.answered("s1", "s2")
    result.answered("s2", "s3")
    assert (result.old_state, result.new_state, result.contiguous) == ("s1", "s3", True)


def test_a_change_between_two_answers_breaks_the_chain() -> None:
    result = BulkResult()
    result.answered("s1", "s2")
    result.answered("s5", "s6")  # something else moved the state from s2 to s5
    assert (result.old_state, result.new_state, result.contiguous) == ("s1", "s6", False)


def test_an_answer_without_states_breaks_the_chain() -> None:
    result = BulkResult()
    result.answered(None, "s2")
    assert not result.contiguous
    other = BulkResult()
    other.answered("s1", None)
    assert not other.contiguous and other.new_state is None


def test_merge_chains_a_later_pass() -> None:
    first, later = BulkResult(), BulkResult()
    first.answered("s1", "s2")
    later.answered("s2", "s3")
    first.merge(later)
    assert (first.old_state, first.new_state, first.contiguous) == ("s1", "s3", True)
    gap = BulkResult()
    gap.answered("s9", "s10")
    first.merge(gap)
    assert not first.contiguous and first.new_state == "s10"


def test_nothing_sent_says_nothing() -> None:
    result = BulkResult()
    result.merge(BulkResult())
    assert (result.old_state, result.new_state, result.contiguous) == (None, None, True)
