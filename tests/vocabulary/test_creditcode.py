"""统一社会信用代码 checks: a mistyped code is caught, and the message says what to fix."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.vocabulary.creditcode import (
    CHARSET,
    REGISTRATION_AUTHORITIES,
    credit_code_problem,
    is_valid_credit_code,
    make_credit_code,
)
from tests.support.paths import RULES, SAMPLE_PROFILES

SAMPLE_FILES = sorted(p for p in SAMPLE_PROFILES if p.is_file())


def test_the_sample_profiles_are_there():
    assert len(SAMPLE_FILES) >= 3, f"sample profiles missing from {RULES / '_profiles'}"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_profile_codes_validate(path):
    code = json.loads(path.read_text(encoding="utf-8"))["credit_code"]
    assert credit_code_problem(code) is None
    assert is_valid_credit_code(code)


def test_a_published_code_validates():
    # The example of python-stdnum's documentation (北京, 工商).
    assert is_valid_credit_code("91110000600037341L")


def test_every_wrong_check_character_is_refused_and_the_right_one_named():
    good = "91130203MA07LQ8K34"
    for ch in CHARSET.replace("4", ""):
        problem = credit_code_problem(good[:17] + ch)
        assert problem is not None
        assert "'4'" in problem and f"'{ch}'" in problem


# Upper-case characters of the code's alphabet, avoiding the excluded letters.
_prefixes = st.tuples(
    st.sampled_from(sorted(REGISTRATION_AUTHORITIES)),
    st.sampled_from(CHARSET),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
).map("".join)


@given(_prefixes, st.integers(min_value=0, max_value=16), st.sampled_from(CHARSET))
def test_any_single_character_typo_is_caught(prefix, position, replacement):
    code = make_credit_code(prefix)
    assert is_valid_credit_code(code)
    typo = code[:position] + replacement + code[position + 1 :]
    if typo != code:
        assert not is_valid_credit_code(typo)


@pytest.mark.parametrize(
    "code, words",
    [
        ("91130203MA07LQ8K3", "18 characters, got 17"),
        ("91130203MA07LQ8K344", "18 characters, got 19"),
        ("91130203ma07lq8k34", "upper case"),
        ("91130203MA07LQ8KI4", "I, O, Z, S and V are excluded"),
        ("91130203MA07LQ8K3O", "I, O, Z, S and V are excluded"),
        ("91130203MA07LQ8K-4", "only digits and upper-case letters"),
        ("B1130203MA07LQ8K34", "registration-authority"),
        ("9113A203MA07LQ8K34", "six digits of the registering region"),
        ("", "18 characters, got 0"),
    ],
)
def test_problems_are_explained(code, words):
    problem = credit_code_problem(code)
    assert problem is not None and words in problem


@pytest.mark.parametrize("value", [None, 911302030, ["91130203MA07LQ8K34"]])
def test_a_non_string_is_refused(value):
    assert "must be a string" in credit_code_problem(value)
    assert not is_valid_credit_code(value)


@pytest.mark.parametrize("authority", ["1", "5", "9", "A", "N", "Y"])
def test_every_registration_authority_of_the_standard_is_accepted(authority):
    assert is_valid_credit_code(make_credit_code(authority + "1110000MA0000001"))


def test_make_credit_code_appends_the_check_character():
    assert make_credit_code("91110000600037341") == "91110000600037341L"
    assert make_credit_code("91130203MA07LQ8K3") == "91130203MA07LQ8K34"


@pytest.mark.parametrize(
    "prefix, words",
    [
        ("9111000060003734", "17 characters"),
        ("911100006000373411", "17 characters"),
        ("9111000060003734O", "excluded"),
        ("B1110000600037341", "registration-authority"),
    ],
)
def test_make_credit_code_refuses_a_prefix_that_cannot_be_valid(prefix, words):
    with pytest.raises(ValueError, match=words):
        make_credit_code(prefix)
