"""The 统一社会信用代码 (unified social credit code), GB 32100-2015.

A profile's ``credit_code`` is how a bank finds the firm once it accepts a lead, so a
mistyped code must be caught when the profile is posted, with a message that tells the
applicant what to fix, not merely "invalid".

Layout of the 18 characters (GB 32100-2015 §4):

=========  ===============================================================
position   meaning
=========  ===============================================================
1          登记管理部门代码 — registration authority (``9`` 市场监管/工商)
2          机构类别代码 — entity category (``1`` 企业, ``2`` 个体工商户 …)
3–8        登记管理机关行政区划码 — GB/T 2260 region code, six digits
9–17       主体标识码 — the organisation code (GB 11714)
18         校验码 — check character, computed as below
=========  ===============================================================

The check character: take each of the first 17 characters' value in
``CHARSET`` (``0``–``9`` are 0–9, ``A`` is 10 … ``Y`` is 30), multiply by the weights
``WEIGHTS``, sum, and the check value is ``31 - sum mod 31`` (31 becomes 0).

python-stdnum's ``stdnum.cn.uscc`` was considered: it rejects the legitimate
authorities ``A``, ``N`` and ``Y`` (it wants eight leading digits) and does not say
which check character was expected, so the few lines here are our own.
"""

from __future__ import annotations

# GB 32100-2015 §4.2: digits and upper-case letters except I, O, Z, S, V.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}

# GB 32100-2015 表1 登记管理部门代码.
REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监督管理）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

LENGTH = 18


def check_character(prefix17: str) -> str:
    """The check character that completes ``prefix17``.

    ``prefix17`` must already be 17 characters of ``CHARSET``; callers that hold
    unchecked input go through :func:`credit_code_problem` first.
    """
    total = sum(_VALUE[ch] * w for ch, w in zip(prefix17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _charset_problem(text: str) -> str | None:
    for pos, ch in enumerate(text, start=1):
        if ch in _VALUE:
            continue
        if ch.upper() in _VALUE:
            return f"character {pos} is {ch!r}: letters must be upper case"
        if ch in "IOZSV":
            return (
                f"character {pos} is {ch!r}, which GB 32100 never uses "
                "(I, O, Z, S and V are excluded)"
            )
        return f"character {pos} is {ch!r}: only digits and upper-case letters are allowed"
    return None


def credit_code_problem(code: object) -> str | None:
    """Why ``code`` is not a valid credit code, or ``None`` when it is valid.

    The first problem found is reported, in the order a person would check by
    eye: length, characters, authority, region digits, check character.
    """
    if not isinstance(code, str):
        return f"must be a string of {LENGTH} characters, got {type(code).__name__}"
    if len(code) != LENGTH:
        return f"must be {LENGTH} characters, got {len(code)}"
    problem = _charset_problem(code)
    if problem:
        return problem
    if code[0] not in REGISTRATION_AUTHORITIES:
        known = ", ".join(REGISTRATION_AUTHORITIES)
        return (
            f"character 1 is {code[0]!r}, which is not a registration-authority code "
            f"(登记管理部门代码: one of {known})"
        )
    if not code[2:8].isdigit() or not code[2:8].isascii():
        return (
            f"characters 3-8 are {code[2:8]!r}: they must be the six digits of the "
            "registering region's code (行政区划码)"
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return (
            f"check character (character 18) is {code[17]!r} but the first 17 "
            f"characters give {expected!r}: the code is mistyped"
        )
    return None


def is_valid_credit_code(code: object) -> bool:
    """Whether ``code`` is a well-formed credit code with the right check character."""
    return credit_code_problem(code) is None


def make_credit_code(prefix17: str) -> str:
    """``prefix17`` completed with its check character.

    For tests and the synthetic generator, which need codes that validate.
    Raises ``ValueError`` when the prefix could never become a valid code.
    """
    if not isinstance(prefix17, str) or len(prefix17) != LENGTH - 1:
        raise ValueError(f"a credit-code prefix must be {LENGTH - 1} characters: {prefix17!r}")
    problem = _charset_problem(prefix17)
    if not problem:
        problem = credit_code_problem(prefix17 + check_character(prefix17))
    if problem:
        raise ValueError(f"cannot make a credit code from {prefix17!r}: {problem}")
    return prefix17 + check_character(prefix17)
