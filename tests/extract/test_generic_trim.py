"""The story's tail and repeats (crawler/extract/generic/body.py::trim_story): credits, signatures, tags, pull quotes."""

from __future__ import annotations

from crawler.extract.generic.body import trim_story

STORY = [
    f"Paragraph {n} of the harbour story: the council voted to reopen the bridge after two years of repairs, "
    f"and the ferry timetable changes for the {n}th time this year, officials said on Monday."
    for n in range(1, 5)
]


def test_credit_lines_signatures_paywall_notes_and_tags_at_the_end_are_not_the_story() -> None:
    tails = [
        ["Reporting by Ann Lee in Oslo; Editing by Bo Chan"],
        ["Additional reporting from PA"],
        ["Lee reported from Oslo. Associated Press writer Bo Chan in Bergen contributed to this report."],
        ["Ann Lee ann.lee@courier.example"],
        ["Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés."],
        ["European Union", "Ursula von der Leyen", "Migration"],
    ]
    for tail in tails:
        assert trim_story([*STORY, *tail]) == STORY, tail
    # One short last line with a sentence's end, and a credit in the middle of the story, stay.
    assert trim_story([*STORY, "The ferry runs again."]) == [*STORY, "The ferry runs again."]
    middle = "Reporting by the council's own auditors found that the repairs cost twice the budget of 2021."
    assert trim_story([*STORY[:1], middle, *STORY[1:]]) == [STORY[0], middle, *STORY[1:]]


def test_a_pull_quote_that_repeats_a_sentence_of_the_story_is_dropped() -> None:
    quote = "The bridge is the town's spine, and we broke it for two years."
    story = [STORY[0], f"“{quote}”", f"The mayor spoke at length. {quote} She then left the hall.", *STORY[1:]]
    assert trim_story(story) == [STORY[0], story[2], *STORY[1:]]
