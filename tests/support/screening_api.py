"""A firm base made for the screening API's tests, on the leads API's catalog.

hbbank's tax loan wants a Hebei firm, tax rating A or B, two years in business. The base
is built so its answers are known by construction:

* ``TANGSHAN`` firms in Tangshan (130203), eligible; the even ones agreed to be contacted;
* ``SMALL`` firms in Shijiazhuang (130102), eligible: a city cell under 5 firms;
* ``BEIJING`` firms in Beijing, ineligible (not Hebei).

Every firm carries a name and a credit code, which no bank answer may contain.
"""

from __future__ import annotations

import json
import time

from tests.support.leads_api import CONSENT, PRODUCT, credit_code, profile

TANGSHAN, SMALL, BEIJING = 20, 3, 7


def firm_rows() -> list[dict]:
    rows = []
    cities = ["130203"] * TANGSHAN + ["130102"] * SMALL + ["110105"] * BEIJING
    for n, region in enumerate(cities):
        rows.append(
            {
                "firm_id": f"firm-{n:03d}",
                "contact_consent": n % 2 == 0,
                "name": f"示例企业{n}号有限公司",
                "credit_code": credit_code(n + 1),
                "region_code": region,
                "tax_credit_rating": "B",
                "established_on": "2018-03-01",
                "industry_code": "C3311",
                "employees": 40,
                "annual_revenue": 12000000,
                "entity_type": "enterprise",
            }
        )
    return rows


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def eligible_consenting() -> set[str]:
    """Firm ids a bank's list of hbbank-tax-loan may hold (eligible and consenting)."""
    return {
        r["firm_id"]
        for r in firm_rows()
        if r["region_code"].startswith("13") and r["contact_consent"]
    }


def secrets_of(rows: list[dict]) -> list[str]:
    """What must never reach a bank: names, credit codes, the platform's firm ids."""
    return [v for r in rows for v in (r["name"], r["credit_code"], r["firm_id"])]


def wait_done(get, seconds: float = 60.0) -> dict:
    """Poll ``get()`` (→ (status, document)) until the screening is done or failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, doc = get()
        assert status == 200, doc
        if doc["status"] in ("done", "failed"):
            return doc
        time.sleep(0.1)
    raise AssertionError(f"the screening did not finish in {seconds} s: {doc}")


def invited_application(n: int, invitation_id: str) -> dict:
    """Enterprise ``n``'s application for hbbank's tax loan, answering an invitation."""
    return {
        "profile": profile(n),
        "product_id": PRODUCT,
        "requested_amount": 500000,
        "requested_term_months": 12,
        "consent": dict(CONSENT),
        "invitation_id": invitation_id,
    }
