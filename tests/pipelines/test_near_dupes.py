"""Near-duplicate clusters: edited copies under other URLs share a cluster_id, other stories don't; kept across runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from bench.corpus import corpus_dir
from crawler.items import Article
from crawler.state.clusters import NearDupeConfig, cluster_all, shingles, tokens
from crawler.state.store import ClusterStore
from pipelines.near_dupes import NearDupePipeline
from tests.conftest import need

CORPUS = corpus_dir() or Path("no-corpus")  # $BYLINE_CORPUS, else ../shared/corpus beside the checkout


def corpus_bodies(min_words: int = 60) -> list[tuple[str, list[str]]]:
    need((CORPUS / "MANIFEST.tsv").is_file(), f"the corpus at {CORPUS} (BYLINE_CORPUS)")
    out = []
    for path in sorted(CORPUS.glob("*/*.expected.json")):
        data = json.loads(path.read_text("utf-8"))
        paras = data["expected"].get("article_body_paragraphs") or []
        if len(paras) >= 4 and len(tokens(" ".join(paras))) >= min_words:
            out.append((data["url"], paras))
    return out


def test_tokens_and_shingles_handle_cjk_and_short_texts() -> None:
    assert tokens("Baku, June 18 — the ÖZEL story's end.") == ["baku", "june", "18", "the", "özel", "story", "s", "end"]
    assert tokens("新华社北京") == ["新", "华", "社", "北", "京"]
    assert shingles(["a", "b"], 5) == {b"a b"}
    assert len(shingles(list("abcdefg"), 5)) == 3


def test_edited_copies_share_the_cluster_and_other_stories_do_not() -> None:
    stories = corpus_bodies()
    assert len(stories) >= 20
    records, truth = [], []
    for n, (url, paras) in enumerate(stories):
        mid = len(paras) // 2
        copies = [
            paras,
            ["WASHINGTON (AP) — " + paras[0], *paras[1:]],  # new headline (not in the body) and a dateline
            [*paras[:mid], stories[(n + 1) % len(stories)][1][0], *paras[mid:]],  # a paragraph added
            paras[:mid] + paras[mid + 1 :],  # a paragraph removed
            [*paras[:-1], "Copyright 2024. All rights reserved.", "Sign up for our newsletter."],  # boilerplate
        ]
        for k, body in enumerate(copies):
            records.append((url if k == 0 else f"https://copy{k}.example/{n}", "\n\n".join(body)))
            truth.append(n)
    ids = cluster_all(records)
    clusters: dict[int, set[str]] = {}
    for story, cluster in zip(truth, ids, strict=True):
        clusters.setdefault(story, set()).add(cluster)
    joined = sum(len(c) == 1 for c in clusters.values())
    assert joined >= 0.9 * len(clusters), clusters
    # Different stories never share a cluster.
    owners: dict[str, set[int]] = {}
    for story, cluster in zip(truth, ids, strict=True):
        owners.setdefault(cluster, set()).add(story)
    assert all(len(s) == 1 for s in owners.values())


def _pipeline(tmp_path: Path, mode: str = "mark") -> tuple[NearDupePipeline, object]:
    crawler = get_crawler(settings_dict={"STATE_DIR": str(tmp_path / "state"), "DEDUPE_NEAR": mode})
    return NearDupePipeline.from_crawler(crawler), crawler


STORY = " ".join(
    f"Sentence {i} of the harbour story says the ferry {w} left the quay at dawn with {i * 7} passengers aboard."
    for i, w in enumerate(["Aurora", "Borealis", "Caspian", "Delta", "Ember", "Fjord", "Gale", "Harbor"])
)
OTHER = " ".join(
    f"Item {i}: the council debated the {w} budget line and voted {i} times before the late recess began."
    for i, w in enumerate(["roads", "schools", "parks", "water", "lights", "bridges", "buses", "housing"])
)


def test_membership_persists_across_runs_and_drop_mode_drops_copies(tmp_path: Path) -> None:
    first, crawler = _pipeline(tmp_path)
    a = first.process_item(Article(url="https://a.example/1", article_body=STORY))
    b = first.process_item(Article(url="https://a.example/2", article_body=OTHER))
    crawler.signals.send_catch_log(signals.item_scraped, item=a, response=None, spider=None)
    first.close()
    assert a.cluster_id and b.cluster_id and a.cluster_id != b.cluster_id
    assert ClusterStore.in_dir(str(tmp_path / "state")).count() == 2
    # Next run, another site: the story with a new paragraph and a footer.
    second, crawler2 = _pipeline(tmp_path)
    copy = Article(url="https://b.example/x", article_body=STORY + " A new closing line was added. Copyright 2024.")
    assert second.process_item(copy).cluster_id == a.cluster_id
    assert crawler2.stats.get_value("news/near_dupes/joined") == 1
    # The same URL again (a revision) keeps its cluster.
    again = second.process_item(Article(url="https://a.example/1", article_body=STORY + " Updated."))
    assert again.cluster_id == a.cluster_id
    second.close()
    dropper, crawler3 = _pipeline(tmp_path, "drop")
    with pytest.raises(DropItem, match=r"^near duplicate: https://c\.example/y \(cluster \w+, like https://"):
        dropper.process_item(Article(url="https://c.example/y", article_body="Breaking. " + STORY))
    assert dropper.process_item(Article(url="https://a.example/2", article_body=OTHER)).cluster_id == b.cluster_id
    assert crawler3.stats.get_value("news/near_dupes/dropped") == 1


def test_an_article_a_later_pipeline_drops_leaves_no_membership(tmp_path: Path) -> None:
    pipe, crawler = _pipeline(tmp_path)
    item = pipe.process_item(Article(url="https://a.example/1", article_body=STORY))
    crawler.signals.send_catch_log(signals.item_dropped, item=item, response=None, exception=DropItem("x"), spider=None)
    copy = pipe.process_item(Article(url="https://b.example/1", article_body=STORY + " Plus one line."))
    assert crawler.stats.get_value("news/near_dupes/undone") == 1
    assert crawler.stats.get_value("news/near_dupes/new_cluster") == 2 and copy.cluster_id


def test_short_stories_are_their_own_cluster_and_off_disables(tmp_path: Path) -> None:
    pipe, crawler = _pipeline(tmp_path)
    short = pipe.process_item(Article(url="https://a.example/s", article_body="Too short to compare."))
    assert short.cluster_id and crawler.stats.get_value("news/near_dupes/short") == 1
    with pytest.raises(NotConfigured):
        _pipeline(tmp_path, "off")
    with pytest.raises(NotConfigured):
        _pipeline(tmp_path, "sometimes")
    assert NearDupeConfig().mode == "mark"


def test_a_story_copied_many_times_is_compared_with_a_bounded_set() -> None:
    story = " ".join(f"word{i} of the wire story about the harbour strike" for i in range(40))
    copies = [(f"https://copy{i}.example/story", f"{story} Reported by outlet {i}.") for i in range(1000)]
    ids = cluster_all(copies)
    assert len(set(ids)) == 1, "every copy joins the first story's cluster"
    from crawler.state.clusters import NearDupeClusters
    from crawler.state.store import MAX_BUCKET_CANDIDATES

    clusters = NearDupeClusters(ClusterStore.scratch(), NearDupeConfig())
    for url, text in copies:
        clusters.record(url, clusters.assign(url, text))
    found = clusters.assign("https://one-more.example/story", story)
    candidates = clusters.store.candidates(found.buckets)
    assert len(candidates) <= MAX_BUCKET_CANDIDATES * len(found.buckets) < len(copies)
    assert found.closest is not None and found.cluster_id == ids[0]
    path = clusters.store.path
    clusters.store.close()
    assert not Path(path).exists(), "a scratch store leaves no file behind"
