"""The letter's text while its JSON is still arriving: it only grows, and all of it together is
the finished letter's text, whatever the pieces and the order of the parts."""

from __future__ import annotations

import json

import pytest

from letters.live_text import LetterText
from letters.serializers import letter_text


def streamed(answer: str, size: int, letter: dict) -> list[str]:
    text = LetterText()
    deltas = [text.feed(answer[i : i + size]) for i in range(0, len(answer), size)]
    return [d for d in [*deltas, text.finish(letter)] if d]


@pytest.mark.parametrize("size", [1, 3, 24, 10_000])
def test_the_deltas_together_are_the_letters_text(good_letter, size):
    deltas = streamed(json.dumps(good_letter), size, good_letter)

    assert "".join(deltas) == letter_text(good_letter)
    assert deltas[0].startswith("Subject: ")


def test_text_escaped_in_json_arrives_as_text(good_letter):
    good_letter["paragraphs"][0] = 'Ünïcode, "quotes" and a tab\there. ' * 3
    answer = json.dumps(good_letter)  # \u00dc, \" and \t, cut anywhere

    assert "".join(streamed(answer, 2, good_letter)) == letter_text(good_letter)


def test_a_part_written_out_of_reading_order_waits_for_the_parts_before_it(good_letter):
    reordered = {"signature": good_letter["signature"], **good_letter}
    deltas = streamed(json.dumps(reordered), 5, good_letter)

    assert "".join(deltas) == letter_text(good_letter)
    assert deltas[0].startswith("Subject: ")  # the signature came first but is shown last


def test_an_answer_that_is_not_json_adds_nothing_until_the_end():
    text = LetterText()

    assert text.feed("Sorry, I can't") == ""
    assert text.feed(" help.") == ""
