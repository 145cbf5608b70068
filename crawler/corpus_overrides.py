"""Where we believe the corpus's expected values are wrong (they are another scraper's output).

One place for every override: ``page name -> {field: corrected value}``, each with its reason.
Keep them rare. The golden tests and the report apply them.
"""

from __future__ import annotations

from typing import Any

OVERRIDES: dict[str, dict[str, Any]] = {
    # "Publisher_YYYY_MM_DD": {"authors": [...]},  # reason
}
REASONS: dict[str, str] = {
    # "Publisher_YYYY_MM_DD": "why the expected value is wrong",
}


def apply_overrides(page_name: str, expected: dict[str, Any]) -> dict[str, Any]:
    return {**expected, **OVERRIDES.get(page_name, {})}
