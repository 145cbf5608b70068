"""A story split over several containers of one kind (crawler/extract/generic/containers.py)."""

from __future__ import annotations

from lxml import html

from crawler.extract.generic.containers import continued

PART = [
    f"Part {n} of the harbour story: the council voted to reopen the bridge after two years of repairs, and the "
    f"ferry timetable changes for the {n}th time this year, officials said on Monday at the town hall."
    for n in range(1, 7)
]


def _root(middle: str, tail: str = "") -> object:
    first = "".join(f"<p>{p}</p>" for p in PART[:3])
    second = "".join(f"<p>{p}</p>" for p in PART[3:])
    return html.fromstring(
        f"<html><body><article><div class='story-part'>{first}</div>{middle}"
        f"<div class='story-part'>{second}</div></article>{tail}</body></html>"
    )


def test_the_other_containers_of_the_same_kind_continue_the_story() -> None:
    root = _root("<div class='ad'><p>Advertisement</p></div>")
    assert continued(root, PART[:3]) == PART
    # A part the body holds in part: its missing real paragraphs come in.
    assert continued(root, [PART[0], PART[2], *PART[3:]]) == PART
    assert continued(root, PART) == PART


def test_teasers_and_list_items_of_the_same_class_stay_out() -> None:
    # The page lists stories: each "container" has its own linked title.
    root = html.fromstring(
        "<html><body>"
        + "".join(
            f"<div class='item'><h2><a href='/s{i}'>Story {i}</a></h2><div class='entry'><p>{p}</p></div></div>"
            for i, p in enumerate(PART)
        )
        + "</body></html>"
    )
    assert continued(root, [PART[0], PART[0]]) == [PART[0], PART[0]]
    # Short lines in a container of the same class are no part of the story.
    root = _root("", tail="<div class='story-part'><p>Share this</p><p>Comments (4)</p></div>")
    assert continued(root, PART) == PART
