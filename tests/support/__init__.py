"""Test support: local servers (site, moto S3), the Trend-like site, test spiders, fixture paths."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
"""tests/fixtures: pages we wrote ourselves (Trend seed, site and variants; generic styles; browser twins)."""
