"""Near-duplicate clusters (pipelines/near_dupes.py): precision/recall on a constructed set, memory and time.

    nice -n 10 python bench/near_dupes_bench.py [--corpus DIR] [--scale 5000]

The set, built in memory from the corpus bodies (``*.expected.json``, read in place, never copied):

- positives, each under another URL: for every story, five lightly edited copies:
  ``headline``    new headline and an agency dateline prefixed to the first paragraph (the body is
                  otherwise the same: exact de-duplication by body hash does not catch it);
  ``para_added``  a paragraph added (one of another story's paragraphs, i.e. real text);
  ``para_removed``the last paragraph cut, or a middle one for stories of 6+ paragraphs;
  ``boilerplate`` "Read more" / copyright / newsletter lines added, the last line replaced;
  ``combined``    a paragraph cut, boilerplate added and every 25th word changed (an "s" appended);
- negatives: every other story. "Same topic" pairs are reported apart: stories of the same
  publisher (the corpus holds 2-3 per publisher, same section and house style) and the six
  Trend-site stories (tests/fixtures/trend/site: Azerbaijan economy, energy and politics, written
  alike).

Pairwise precision and recall: a pair is predicted "same" when both articles got one cluster_id,
and is truly "same" when both are versions of one story. Articles go through the clusters in a
seeded random order (originals are not always first). Memory: bytes of the SQLite cluster store per
article (page count x page size). Time: assign + record per article, median of the run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from a checkout
from bench.corpus import corpus_dir  # noqa: E402
from crawler.state.clusters import NearDupeClusters, NearDupeConfig, tokens
from crawler.state.store import ClusterStore

REPO = Path(__file__).resolve().parent.parent
BOILERPLATE = [
    "Read more: the latest news from our newsroom, every morning in your inbox.",
    "Copyright 2024. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Sign up for our newsletter to get the day's top stories.",
]


def corpus_stories(corpus: Path) -> list[dict[str, object]]:
    stories = []
    for path in sorted(corpus.glob("*/*.expected.json")):
        data = json.loads(path.read_text("utf-8"))
        paragraphs = [p for p in data["expected"].get("article_body_paragraphs") or [] if p.strip()]
        if paragraphs:
            stories.append({"id": path.stem, "publisher": path.parent.name, "url": data["url"], "paras": paragraphs})
    return stories


def trend_stories() -> list[dict[str, object]]:
    path = REPO / "tests" / "fixtures" / "trend" / "site" / "expected.jsonl"
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out.append({"id": rec["url"], "publisher": "trend", "url": rec["url"].replace("{base_url}", "https://en.trend.az"),
                        "paras": rec["article_body"].split("\n\n")})  # fmt: skip
    return out


def variants(story: dict[str, object], other: list[str], rng: random.Random) -> dict[str, list[str]]:
    paras: list[str] = list(story["paras"])  # type: ignore[arg-type]
    cut = len(paras) // 2 if len(paras) >= 6 else len(paras) - 1
    without = paras[:cut] + paras[cut + 1 :] if len(paras) > 1 else paras
    words_changed = []
    for n, word in enumerate(" ".join(without).split(" ")):
        words_changed.append(word + "s" if n % 25 == 24 else word)
    return {
        "headline": ["WASHINGTON (Agency) - " + paras[0], *paras[1:]],
        "para_added": [*paras[: len(paras) // 2 + 1], rng.choice(other), *paras[len(paras) // 2 + 1 :]],
        "para_removed": without,
        "boilerplate": [*paras[:-1], BOILERPLATE[0], BOILERPLATE[1]],
        "combined": [" ".join(words_changed), BOILERPLATE[2]],
    }


def build_set(corpus: Path, seed: int) -> list[dict[str, str]]:
    """Articles: url, text, story (true cluster), publisher, kind (original or edit type)."""
    rng = random.Random(seed)
    stories = corpus_stories(corpus) + trend_stories()
    articles = []
    for story in stories:
        others = [p for s in stories if s is not story for p in s["paras"]]  # type: ignore[attr-defined]
        base = {"story": story["id"], "publisher": story["publisher"]}
        articles.append({**base, "url": story["url"], "text": "\n\n".join(story["paras"]), "kind": "original"})  # type: ignore[arg-type]
        for kind, paras in variants(story, others, rng).items():
            url = f"https://copy-{kind}.example/{abs(hash(story['id'])) % 10**8}.html"
            articles.append({**base, "url": url, "text": "\n\n".join(paras), "kind": kind})
    rng.shuffle(articles)
    return articles  # type: ignore[return-value]


def evaluate(articles: list[dict[str, str]], config: NearDupeConfig) -> dict[str, object]:
    store = ClusterStore(":memory:")
    clusters = NearDupeClusters(store, config)
    times = []
    got: dict[str, str] = {}
    for art in articles:
        start = time.perf_counter()
        found = clusters.assign(art["url"], art["text"])
        clusters.record(art["url"], found)
        times.append(time.perf_counter() - start)
        got[art["url"]] = found.cluster_id
    long = {a["story"] for a in articles if a["kind"] == "original" and len(tokens(a["text"])) >= config.min_words}
    tp = fp = fn = long_tp = long_fn = 0
    same_topic_pairs = same_topic_fp = 0
    for a, b in combinations(articles, 2):
        truth = a["story"] == b["story"]
        pred = got[a["url"]] == got[b["url"]]
        tp += truth and pred
        fp += (not truth) and pred
        fn += truth and not pred
        if truth and a["story"] in long:
            long_tp += pred
            long_fn += not pred
        if not truth and a["publisher"] == b["publisher"]:
            same_topic_pairs += 1
            same_topic_fp += pred
    by_kind: dict[str, list[bool]] = defaultdict(list)
    originals = {a["story"]: got[a["url"]] for a in articles if a["kind"] == "original"}
    for art in articles:
        if art["kind"] != "original":
            by_kind[art["kind"]].append(got[art["url"]] == originals[art["story"]])
    size = store._db.execute("PRAGMA page_count").fetchone()[0] * store._db.execute("PRAGMA page_size").fetchone()[0]
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "recall_long": long_tp / (long_tp + long_fn) if long_tp + long_fn else 1.0,
        "long_stories": len(long),
        "same_topic_pairs": same_topic_pairs,
        "same_topic_false_merges": same_topic_fp,
        "recall_by_edit": {k: sum(v) / len(v) for k, v in sorted(by_kind.items())},
        "bytes_per_article": size / max(1, store.count()),
        "ms_per_item_median": statistics.median(times) * 1000,
        "ms_per_item_mean": statistics.fmean(times) * 1000,
    }


def scale(articles: list[dict[str, str]], config: NearDupeConfig, n: int, seed: int) -> dict[str, float]:
    """Time and store size with ``n`` members: edited copies of the set (every 10th word replaced at random)."""
    rng = random.Random(seed)
    store = ClusterStore(":memory:")
    clusters = NearDupeClusters(store, config)
    start = time.perf_counter()
    for i in range(n):
        art = articles[i % len(articles)]
        words = art["text"].split(" ")
        for j in rng.sample(range(len(words)), max(1, len(words) // 10)):
            words[j] = f"w{rng.randrange(10**6)}"
        url = f"https://scale.example/{i}.html"
        clusters.record(url, clusters.assign(url, " ".join(words)))
    elapsed = time.perf_counter() - start
    size = store._db.execute("PRAGMA page_count").fetchone()[0] * store._db.execute("PRAGMA page_size").fetchone()[0]
    return {"articles": n, "ms_per_item": elapsed / n * 1000, "bytes_per_article": size / max(1, store.count())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(corpus_dir() or ""), help="default: $BYLINE_CORPUS, else ../shared/corpus")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=5000, help="articles in the timing/memory run (0: skip)")
    args = parser.parse_args()
    articles = build_set(Path(args.corpus), args.seed)
    stories = len({a["story"] for a in articles})
    print(f"set: {len(articles)} articles, {stories} stories ({len(articles) - stories} edited copies)")
    print("recall(long): pairs of stories of at least DEDUPE_NEAR_MIN_WORDS words (shorter ones are never matched)")
    print("threshold perms  precision  recall  recall(long)  same-topic false merges  bytes/article  ms/item  "
          "recall by edit")  # fmt: skip
    for threshold, perms in ((0.3, 128), (0.5, 64), (0.5, 128), (0.7, 128)):
        config = NearDupeConfig(threshold=threshold, permutations=perms)
        r = evaluate(articles, config)
        edits = " ".join(f"{k}={v:.2f}" for k, v in r["recall_by_edit"].items())  # type: ignore[attr-defined]
        print(f"{threshold:9.1f} {perms:5d}  {r['precision']:9.3f}  {r['recall']:6.3f}  {r['recall_long']:12.3f}  "
              f"{r['same_topic_false_merges']:>4}/{r['same_topic_pairs']:<18}  {r['bytes_per_article']:13.0f}  "
              f"{r['ms_per_item_median']:7.2f}  {edits}")  # fmt: skip
    if args.scale:
        s = scale(articles, NearDupeConfig(), args.scale, args.seed)
        print(f"scale (defaults, {s['articles']} members): {s['ms_per_item']:.2f} ms/item, "
              f"{s['bytes_per_article']:.0f} bytes/article in the store")  # fmt: skip


if __name__ == "__main__":
    main()
