"""The field table says which posted fields each derived field comes from, and it is true:
an incomplete answer asks for those, so a wrong list would ask for the wrong data."""
import json
from datetime import date

import pytest

from matcher.vocabulary.fields import DERIVED_FIELDS, POSTED_FIELDS, SOURCES_OF
from matcher.vocabulary.profile import derive, load_profile
from tests.support.paths import SAMPLE_PROFILES

AS_OF = date(2026, 12, 1)


@pytest.fixture(scope="module")
def full():
    return dict(load_profile(json.loads(SAMPLE_PROFILES[0].read_text(encoding="utf-8")),
                             as_of=AS_OF).values)


@pytest.mark.parametrize("name", sorted(DERIVED_FIELDS))
def test_a_derived_field_comes_from_its_stated_sources_only(full, name):
    sources = SOURCES_OF[name]
    assert sources and all(s in POSTED_FIELDS for s in sources)
    assert name in full
    only_sources = {k: v for k, v in full.items() if k in sources}
    assert derive(only_sources, AS_OF).get(name) == full[name]
    without = {k: v for k, v in full.items() if k not in sources and k not in DERIVED_FIELDS}
    assert name not in derive(without, AS_OF)
