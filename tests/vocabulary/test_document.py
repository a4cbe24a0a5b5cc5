"""docs/profile.md is the field table written out, and the table's examples tell the truth."""

import json
from decimal import Decimal

import pytest

from matcher.vocabulary.document import EXAMPLE_AS_OF, render
from matcher.vocabulary.fields import DERIVED_FIELDS, FIELDS, POSTED_FIELDS
from matcher.vocabulary.profile import derive, load_profile
from tests.support.paths import REPO

PROFILE_DOC = REPO / "docs" / "profile.md"


def posted_examples():
    # As a portal posts them: JSON, so a Decimal example travels as a number.
    text = json.dumps(
        {name: f.example for name, f in POSTED_FIELDS.items()},
        default=lambda d: float(d) if isinstance(d, Decimal) else str(d),
    )
    return json.loads(text)


def test_committed_profile_doc_is_the_generated_one():
    committed = PROFILE_DOC.read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/profile.md differs from the field table: run "
        "`python -m matcher.vocabulary.document > docs/profile.md` and commit it"
    )


def test_every_field_is_documented_with_its_group_and_example():
    doc = render()
    for name, fld in FIELDS.items():
        assert fld.group and f"## {fld.group}" in doc, name
        assert fld.example is not None, name
        assert f"| `{name}` | {fld.zh} |" in doc, name


def test_posted_examples_are_one_valid_profile_and_derive_the_derived_examples():
    profile = load_profile(posted_examples(), as_of=EXAMPLE_AS_OF)
    assert {name: profile.get(name) for name in DERIVED_FIELDS} == {
        name: f.example for name, f in DERIVED_FIELDS.items()
    }


@pytest.mark.parametrize("name", sorted(DERIVED_FIELDS))
def test_a_derived_field_needs_only_the_fields_it_is_documented_to_come_from(name):
    sources = DERIVED_FIELDS[name].derived_from
    assert sources and set(sources) <= set(POSTED_FIELDS)
    full = load_profile(posted_examples(), as_of=EXAMPLE_AS_OF)
    only_sources = {key: full.get(key) for key in sources}
    assert derive(only_sources, EXAMPLE_AS_OF)[name] == full.get(name)
    others = {key: full.get(key) for key in POSTED_FIELDS if key not in sources}
    assert name not in derive(others, EXAMPLE_AS_OF)
