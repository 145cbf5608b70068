"""The package's shape: no import cycles (function-level imports included), and dependencies point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("crawler", "spiders", "pipelines")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Project modules ``name`` imports anywhere in its body (a ``from pkg import mod`` counts as ``pkg.mod``)."""
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            # the longest known module that the target names
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    edges = graph()
    # A package's __init__ importing its own submodules is how it exports them; that edge is not a cycle.
    edges = {m: {t for t in ts if not (t.startswith(m + ".") and modules()[m].name == "__init__.py")} for m, ts in edges.items()}
    assert cycles(edges) == []


def test_cycle_detector_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


FORBIDDEN_FOR_EXTRACT = (
    "spiders", "pipelines", "crawler.archive.warc_writer", "crawler.browser.policy", "crawler.state.store", "crawler.export",
    "crawler.news_spider", "crawler.health", "crawler.commands", "crawler.addon", "crawler.settings",
)  # fmt: skip
SCRAPY_ALLOWED_IN_EXTRACT = ("scrapy.http", "scrapy.loader", "scrapy.selector", "scrapy.utils")


@pytest.mark.parametrize("name", sorted(m for m in modules() if m.startswith("crawler.extract")))
def test_extract_imports_no_component(name: str) -> None:
    """crawler/extract/ is page -> Article: no spiders, pipelines, archive, browser, state or Scrapy components."""
    path = modules()[name]
    bad = sorted(t for t in imports_of(name, path, set(modules())) if t.startswith(FORBIDDEN_FOR_EXTRACT))
    assert bad == []
    tree = ast.parse(path.read_text("utf-8"))
    scrapy_imports = {
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
        if ((n.module if isinstance(n, ast.ImportFrom) else a.name) or "").split(".")[0] == "scrapy"
    }
    assert sorted(m for m in scrapy_imports if not m.startswith(SCRAPY_ALLOWED_IN_EXTRACT)) == []


def test_no_attributes_patched_onto_scrapy_objects() -> None:
    """Components find each other through Scrapy's API, signals or stats, never ``crawler.x = ...``."""
    offenders = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id in {"crawler", "settings", "response", "request"}
                        # Breaking the response <-> selector reference cycle frees a re-parsed page at once
                        # (crawler/archive/reparse_spider.py release()): Scrapy's own cache, emptied, not wiring.
                        and target.attr != "_cached_selector"
                        # Crawler.spider is Scrapy's own slot for the crawl's spider, set as Crawler.crawl() does
                        # (the Python API builds a crawler without running one: crawler/api.py).
                        and not (target.value.id == "crawler" and target.attr == "spider")
                    ):
                        offenders.append(f"{name}:{node.lineno} {target.value.id}.{target.attr}")
    assert offenders == []
