"""The screening flow through real gunicorn (two workers) on the real Redis.

The job runs in a thread of whichever worker accepted it; its progress and results are
read by whichever worker answers the GET, from Redis and the data folder.
"""

from __future__ import annotations

import io
import time
import urllib.request

import pyarrow.parquet as pq
import pytest

from tests.support.gunicorn_instance import Instance, call
from tests.support.leads_api import (
    ADMIN,
    BANK,
    KEYS,
    OTHER_BANK,
    PORTAL,
    PRODUCT,
    write_rules,
)
from tests.support.screening_api import (
    eligible_consenting,
    firm_rows,
    invited_application,
    jsonl,
    secrets_of,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def instance(tmp_path, shared_redis, key_prefix):
    where = shared_redis.connection_pool.connection_kwargs
    server = Instance(
        write_rules(tmp_path / "rules"),
        tmp_path / "var",
        KEYS,
        ADMIN,
        env={
            "LOANMATCH_REDIS_URL": f"redis://{where['host']}:{where['port']}/0",
            "LOANMATCH_REDIS_PREFIX": key_prefix,
        },
        workers=2,
    ).start()
    yield server
    server.stop()


def download(base: str, path: str, key: str) -> bytes:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def test_a_screening_through_gunicorn_from_upload_to_lead(instance):
    base = instance.base
    status, doc, _ = call(
        base, "/v1/admin/firms", ADMIN, jsonl(firm_rows()), content_type="application/jsonl"
    )
    assert status == 201, doc
    status, doc, headers = call(base, "/v1/banks/hbbank/screenings", BANK, {})
    assert status == 202, doc
    location = headers["Location"]
    deadline = time.monotonic() + 60
    seen = set()
    while doc["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.1)
        status, doc, _ = call(base, location, BANK)
        assert status == 200, doc
        seen.add(doc["progress"])
    assert doc["status"] == "done", doc
    assert all(0 <= p <= 100 for p in seen)
    assert call(base, location, OTHER_BANK)[0] == 404

    data = download(base, doc["results"]["parquet"], BANK)
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == len(eligible_consenting())
    for secret in secrets_of(firm_rows()):
        assert secret not in data.decode("latin-1")

    status, sent, _ = call(
        base,
        location + "/invitations",
        BANK,
        {"firms": table.column("firm").to_pylist(), "product_id": PRODUCT, "message": "欢迎"},
    )
    assert status == 201, sent
    status, listed, _ = call(base, "/v1/firms/firm-000/invitations", PORTAL)
    (invitation,) = listed["invitations"]
    assert invitation["bank"] == "hbbank" and invitation["status"] == "sent"
    status, lead, _ = call(base, "/v1/leads", PORTAL, invited_application(1, invitation["id"]))
    assert status == 201, lead
    status, shown, _ = call(base, location + "/invitations", BANK)
    applied = {i["id"]: i for i in shown["invitations"]}[invitation["id"]]
    assert applied["status"] == "applied" and applied["lead_id"] == lead["id"]
    assert call(base, location + "/invitations", OTHER_BANK)[0] == 404
