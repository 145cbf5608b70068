"""crawler.extract.recall_guard: the site body against JSON-LD articleBody and the generic body."""

from __future__ import annotations

import pytest

from crawler.extract.recall_guard import guard_body, judge, shingles, tokens

# A made-up story: twelve distinct paragraphs of ordinary prose.
STORY = [
    f"Paragraph {i}: the harbour board of Westmere met on day {i} and {w} the plan to rebuild pier number {i * 7}, "
    f"which the engineers had described as {w2} after the winter storms damaged its {w3} supports."
    for i, (w, w2, w3) in enumerate(
        [
            ("approved", "urgent", "wooden"), ("debated", "costly", "steel"), ("rejected", "unsafe", "concrete"),
            ("delayed", "vital", "eastern"), ("funded", "overdue", "western"), ("amended", "risky", "northern"),
            ("reviewed", "modest", "southern"), ("praised", "bold", "old"), ("questioned", "late", "new"),
            ("backed", "fragile", "outer"), ("voted on", "simple", "inner"), ("shelved", "ambitious", "main"),
        ],
        start=1,
    )
]  # fmt: skip


def test_tokens_ignore_case_punctuation_and_split_cjk() -> None:
    assert tokens("The  Harbour, board!") == ["the", "harbour", "board"]
    assert tokens("東京都は10日") == ["東", "京", "都", "は", "10", "日"]
    assert tokens("서울시는 10일") == ["서울시는", "10일"]


def test_shingles_are_insensitive_to_whitespace_and_paragraph_splits() -> None:
    one = shingles(["a b c d e f"])
    spaced = shingles(["a  b\u00a0c\nd e   f"])
    assert one == spaced
    split = shingles(["a b c", "d e f"])
    assert sum((one & split).values()) == 2  # only the shingles across the split differ


def test_complete_site_body_is_kept() -> None:
    body, source = guard_body(STORY, {"jsonld": [" ".join(STORY)], "generic": STORY})
    assert (body, source) == (STORY, None)


def test_missing_container_is_recovered_from_jsonld() -> None:
    # A wire story whose last half sits in a second container the site rule does not know.
    site = STORY[:6]
    body, source = guard_body(site, {"jsonld": STORY, "generic": STORY[:6]})
    assert source == "jsonld"
    assert body == STORY


def test_generic_body_recovers_when_there_is_no_jsonld() -> None:
    body, source = guard_body(STORY[:5], {"jsonld": [], "generic": STORY})
    assert (body, source) == (STORY, "generic")


def test_just_under_and_over_the_ratio() -> None:
    # 10 of 12 paragraphs ~ 83% covered: kept at 0.8, replaced at 0.9.
    site = STORY[:10]
    assert guard_body(site, {"jsonld": STORY})[1] is None
    assert guard_body(site, {"jsonld": STORY}, ratio=0.9)[1] == "jsonld"


def test_different_story_is_not_taken() -> None:
    # JSON-LD of another article (a page template bug) shares nothing with the site body.
    other = [p.replace("harbour board of Westmere", "city orchestra of Lindau").replace("pier", "hall") for p in STORY]
    other = [" ".join(reversed(p.split())) for p in other]
    body, source = guard_body(STORY[:4], {"jsonld": other})
    assert (body, source) == (STORY[:4], None)


def test_generic_junk_without_confirmation_is_not_taken() -> None:
    # The generic body adds a comments thread; JSON-LD (the publisher's text) equals the site body.
    comments = [f"Comment {i} by reader{i}: I think the council should spend the money on schools instead of piers."
                for i in range(12)]  # fmt: skip
    generic = STORY + comments
    assert guard_body(STORY, {"jsonld": STORY, "generic": generic}) == (STORY, None)
    verdict = {v.source: v for v in judge(STORY, {"jsonld": STORY, "generic": generic})}["generic"]
    assert verdict.coverage < 0.8 and verdict.containment == 1.0 and verdict.support == 0.0
    assert not verdict.accepted


def test_generic_gain_confirmed_by_jsonld_is_taken() -> None:
    verdicts = judge(STORY[:4], {"jsonld": STORY, "generic": STORY})
    assert all(v.accepted for v in verdicts)
    assert guard_body(STORY[:4], {"generic": STORY, "jsonld": STORY})[1] == "generic"  # caller's order on a tie


def test_boilerplate_in_evidence_does_not_count_and_is_not_returned() -> None:
    junk = ["Sign up for our daily newsletter to get the news in your inbox.", "Read more: Pier plan approved"]
    evidence = STORY[:6] + junk + STORY[6:]
    body, source = guard_body(STORY[:6], {"jsonld": evidence})
    assert source == "jsonld" and body == STORY
    # The site body itself is never cleaned or changed by the guard.
    assert guard_body([*STORY, junk[0]], {"jsonld": STORY}) == ([*STORY, junk[0]], None)


def test_small_gain_is_ignored() -> None:
    brief = ["The harbour board met.", "It approved the plan."]
    more = [*brief, "Work starts in May."]
    assert guard_body(brief, {"jsonld": more}) == (brief, None)


def test_empty_site_body_takes_evidence() -> None:
    assert guard_body([], {"jsonld": STORY}) == (STORY, "jsonld")
    assert guard_body([], {}) == ([], None)


def test_jsonld_teaser_never_shortens_the_body() -> None:
    # Paywalled sites cut articleBody to a teaser.
    assert guard_body(STORY, {"jsonld": STORY[:2], "generic": STORY[:3]}) == (STORY, None)


def test_cjk_story() -> None:
    story = [
        f"東京都は{i}日、新しい防災計画を発表した。計画では河川の堤防を{i * 3}キロにわたり補強する。"
        for i in range(1, 9)
    ]
    body, source = guard_body(story[:3], {"jsonld": ["".join(story)]})
    assert source == "jsonld" and body == ["".join(story)]


@pytest.mark.parametrize("ratio", [0.5, 0.8, 0.95])
def test_ratio_is_respected(ratio: float) -> None:
    for n in range(1, 12):
        verdict = judge(STORY[:n], {"jsonld": STORY}, ratio)[0]
        assert verdict.accepted == (verdict.coverage < ratio and verdict.gain >= 25)
