"""Rule V6: opinion words in a summary give readable warnings, never an error."""

import pytest

from shared.opinion_words import OPINION_PHRASES, opinion_word_warnings


def test_factual_summary_has_no_warnings() -> None:
    assert (
        opinion_word_warnings("Kitchen cupboards and fridge empty at 10:15; child ate toast.") == []
    )


@pytest.mark.parametrize("phrase", OPINION_PHRASES)
def test_each_listed_phrase_is_warned_about_by_name(phrase: str) -> None:
    [warning] = opinion_word_warnings(f"Mother said the baby {phrase} fine today.")
    assert warning.startswith(f'"{phrase}" reads as opinion')


def test_case_and_spacing_do_not_hide_a_phrase() -> None:
    warnings = opinion_word_warnings("SEEMS tired.\ni   think\tso. Home Appears  To be cold.")
    assert [w.split('"')[1] for w in warnings] == ["seems", "I think", "appears to"]


def test_each_phrase_is_warned_once_in_order_of_first_use() -> None:
    warnings = opinion_word_warnings("Obviously tired. It seems so. Obviously hungry. Seems so.")
    assert [w.split('"')[1] for w in warnings] == ["obviously", "seems"]


@pytest.mark.parametrize(
    "text",
    ["Seemingly unrelated.", "Clearway parking.", "Appearance at court.", "Ithink typo."],
    ids=["seemingly", "clearway", "appearance", "joined"],
)
def test_only_whole_words_count(text: str) -> None:
    assert opinion_word_warnings(text) == []


def test_warning_quotes_only_the_phrase_never_the_surrounding_text() -> None:
    [warning] = opinion_word_warnings("Zebedee Quarmby seems drunk.")
    assert "Zebedee" not in warning
    assert "drunk" not in warning
    assert "what was seen or heard" in warning
