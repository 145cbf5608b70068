#!/usr/bin/env bash
# The outputs a refactoring must leave byte-identical: every corpus page through its site spider and through the
# generic extractor (`scrapy reparse` of the corpus as an HTML directory), and the Trend crawl replayed from the
# bundled archive; records sorted by url, fetched_at dropped.
#   bench/golden_outputs.sh OUTDIR        (from the repository root; then: diff -r BEFORE AFTER)
set -euo pipefail
out=$1
corpus=${BYLINE_CORPUS:-$(cd .. && pwd)/shared/corpus}
mkdir -p "$out"
html=$(mktemp -d)
trap 'rm -rf "$html"' EXIT
python - "$corpus" "$html" <<'PY'
import csv, shutil, sys
from pathlib import Path
corpus, html = Path(sys.argv[1]), Path(sys.argv[2])
rows = []
for row in csv.DictReader(open(corpus / "MANIFEST.tsv", encoding="utf-8"), delimiter="\t"):
    name = f"{row['slug']}__{row['file']}"
    shutil.copy(corpus / row["slug"] / row["file"], html / name)  # a temporary copy, outside the project
    rows.append(f"{name}\t{row['url']}\t{row['crawl_date']}")
(html / "manifest.tsv").write_text("\n".join(rows) + "\n", "utf-8")
PY
export BYLINE_STATE_DIR=:memory:
scrapy reparse "$html" -O "$out/corpus.jsonl" -s HEALTH_ENABLED=False -L WARNING
scrapy reparse "$html" --spider generic -O "$out/generic.jsonl" -s HEALTH_ENABLED=False -L WARNING
scrapy crawl trend -s REPLAY_ARCHIVE=examples/trend-sample.warc.gz -O "$out/trend.jsonl" -L WARNING
for f in "$out"/*.jsonl; do
  python - "$f" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
for r in rows:
    r.pop("fetched_at", None)
rows.sort(key=lambda r: r.get("url") or "")
open(sys.argv[1], "w", encoding="utf-8").write("".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows))
PY
done
wc -l "$out"/*.jsonl
