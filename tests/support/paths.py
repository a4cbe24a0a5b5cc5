"""Where the repository's files are, for tests that read them."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
DATA = REPO / "tests" / "data"
SAMPLE_SHEETS = DATA / "samples" / "product_sheets"  # the published sample sheets, verbatim
SAMPLE_EXPECTED = (
    DATA / "samples" / "expected_criteria.json"
)  # a careful reader's criteria for them
# The published sample profiles; rules/_profiles holds them as base profiles.
SAMPLE_PROFILE_NAMES = (
    "tangshan-manufacturer",
    "chengdu-micro-retail",
    "nanjing-startup-incomplete",
)
SAMPLE_PROFILES = tuple(RULES / "_profiles" / f"{name}.json" for name in SAMPLE_PROFILE_NAMES)
