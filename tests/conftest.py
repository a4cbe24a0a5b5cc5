"""Shared fixtures: the repo's paths, and products built through the real rule reader."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher.rule import read_product
from matcher.yamlsource import Location

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LOANMATCH_SHARED", REPO.parent / "shared"))
RULES = REPO / "rules"


def product(eligibility, pid="p", bank="bank", **extra):
    """A Product from a plain dict, read exactly as a rule file would be."""
    data = {"id": pid, "bank": bank, "name": pid, "eligibility": eligibility, **extra}
    built, problems = read_product(data, "<test>", Location("<test>", 1, 1))
    assert built is not None, [str(p) for p in problems]
    return built


@pytest.fixture
def shared() -> Path:
    if not SHARED.exists():
        pytest.fail(f"shared samples not found at {SHARED}; set LOANMATCH_SHARED")
    return SHARED

pytest_plugins = ("tests.redis_server",)  # Redis fixtures for the leads and service tests
