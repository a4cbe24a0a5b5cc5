"""Property-based: schemathesis generates calls from ``/openapi.json`` and holds every
answer to it. No call may produce a 5xx, and every status, content type, header and
body must be the one documented. Examples are bounded and derandomized so the
suite is repeatable.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service import create_app

pytestmark = pytest.mark.slow

RULES = Path(__file__).resolve().parents[2] / "rules"
KEY = "portal-key-for-schemathesis"
# Every role: a bank's and an admin's key reach the editing and lead endpoints too.
KEYS = {
    "portal": KEY,
    "bank:icbc": "icbc-bank-key-for-schemathesis",
    "admin": "admin-key-for-schemathesis",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Built at collection: schemathesis.pytest.from_fixture does not run on pytest 9
# (schemathesis 4.32 reads Function._nodeid, which pytest 9 no longer has).
# A copy of the rules and a data folder of its own: an admin's generated PUT or DELETE
# may succeed, and must never change the repository's rules.
_WORK = Path(tempfile.mkdtemp(prefix="loanmatch-schemathesis-"))
atexit.register(shutil.rmtree, _WORK, True)
shutil.copytree(RULES, _WORK / "rules")
APP = create_app(
    {
        "LOANMATCH_RULES": str(_WORK / "rules"),
        "LOANMATCH_API_KEYS": ",".join(f"{role}:{key}" for role, key in KEYS.items()),
        "LOANMATCH_DATA_DIR": str(_WORK / "var"),
        "LOANMATCH_WATCH": "off",
        "LOANMATCH_RATE_LIMIT": "off",
        "LOANMATCH_LOG_JSON": "off",
    }
)
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)
schema.config.generation.update(max_examples=30, deterministic=True)


@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_conforms_to_the_published_schema(case):
    for key in KEYS.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)
