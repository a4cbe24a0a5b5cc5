"""The published JSON Schema matches the vocabulary and accepts the real catalog."""

from __future__ import annotations

import json

import jsonschema_rs
import yaml

from matcher.catalog import rule_files
from matcher.rulefile.schema import dumps
from tests.support.paths import REPO, RULES


def test_published_schema_is_the_generated_one():
    published = (REPO / "docs" / "rule-file.schema.json").read_text(encoding="utf-8")
    assert published == dumps(), (
        "run: python -m matcher.rulefile.schema > docs/rule-file.schema.json"
    )


def test_every_catalog_file_is_valid_against_the_schema():
    validator = jsonschema_rs.validator_for(json.loads(dumps()))
    files = rule_files(RULES)
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [
            e.message for e in validator.iter_errors(json.loads(json.dumps(data, default=str)))
        ]
        assert not errors, (path, errors[:3])


def test_schema_rejects_an_unknown_field_and_a_wrong_value_type():
    validator = jsonschema_rs.validator_for(json.loads(dumps()))
    base = {"id": "x", "bank": "x", "name": "x"}
    assert not validator.is_valid(
        {**base, "eligibility": {"field": "nope", "op": "==", "value": 1}}
    )
    assert not validator.is_valid(
        {**base, "eligibility": {"field": "tax_credit_rating", "op": "in", "value": ["X"]}}
    )
    assert validator.is_valid(
        {
            **base,
            "eligibility": {
                "all": [
                    {"field": "tax_credit_rating", "op": "in", "value": ["A", "B"]},
                    {"not": {"field": "industry_code", "op": "prefix", "value": ["K", "J"]}},
                ]
            },
        }
    )
