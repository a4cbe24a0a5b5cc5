"""The leads API on a catalog written for the test: a Hebei tax loan of hbbank (branches in Tangshan and Hebei) and a national loan of natbank, so routing, eligibility and isolation are known by construction."""

from __future__ import annotations

import pytest

from matcher.vocabulary.creditcode import make_credit_code
from service import create_app

PORTAL = "portal-key-0123456789"


PORTAL_2 = "portal-two-key-0123456789"


BANK = "hbbank-key-0123456789"


OTHER_BANK = "natbank-key-0123456789"


ADMIN = "admin-key-0123456789"


KEYS = (
    f"portal:{PORTAL},portal:{PORTAL_2},bank:hbbank:{BANK},bank:natbank:{OTHER_BANK},admin:{ADMIN}"
)


PRODUCT = "hbbank-tax-loan"


NATIONAL = "natbank-credit-loan"


PRODUCTS = {
    "hbbank/tax-loan.yaml": f"""
id: {PRODUCT}
bank: hbbank
bank_name: 河北示例银行
name: 税贷
terms: {{amount: {{min: 100000, max: 3000000}}, term_months: {{min: 6, max: 36}}}}
eligibility:
  all:
    - {{field: province_code, op: "==", value: "130000", source: 河北省内注册}}
    - {{field: tax_credit_rating, op: in, value: [A, B], source: 纳税信用A、B级}}
    - {{field: years_in_business, op: ">=", value: 2, source: 成立满2年}}
""",
    "natbank/credit-loan.yaml": f"""
id: {NATIONAL}
bank: natbank
name: 信用贷
eligibility:
  all:
    - {{field: years_in_business, op: ">=", value: 1}}
""",
    "nobranch/loan.yaml": """
id: nobranch-loan
bank: nobranch
name: 无网点贷
eligibility:
  all:
    - {field: years_in_business, op: ">=", value: 1}
""",
}


CONSENT = {"granted": True, "at": "2024-05-01T09:00:00+08:00", "version": "2024-05"}


CONTACT = {"name": "张经理", "phone": "13800138000"}


def branches_yaml(tangshan: int = 50, hebei: int = 50, everywhere: int = 50) -> dict[str, str]:
    return {
        "hbbank/_branches.yaml": f"""
- {{id: tangshan, name: 唐山分行, regions: ["1302"], daily_cap: {tangshan}}}
- {{id: hebei, name: 河北省分行, regions: ["13"], daily_cap: {hebei}}}
""",
        "natbank/_branches.yaml": f"""
- {{id: all, name: 普惠金融部, regions: ["*"], daily_cap: {everywhere}}}
""",
    }


def write_rules(root, **caps):
    for name, text in {**PRODUCTS, **branches_yaml(**caps)}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def redis_url(client) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


def make_app(rules, url: str, prefix: str, **settings):
    config = {
        "LOANMATCH_RULES": str(rules),
        "LOANMATCH_API_KEYS": KEYS,
        "LOANMATCH_RATE_LIMIT": "off",
        "LOANMATCH_LOG_JSON": "off",
        "LOANMATCH_REDIS_URL": url,
        "LOANMATCH_REDIS_PREFIX": prefix,
    }
    config.update(settings)
    return create_app(config)


def bearer(key: str, **headers) -> dict:
    return {"Authorization": f"Bearer {key}", **headers}


def credit_code(n: int) -> str:
    return make_credit_code(f"91130203{n:09d}")


def profile(n: int, **fields) -> dict:
    """Enterprise number ``n``: a Tangshan manufacturer eligible for both products."""
    data = {
        "credit_code": credit_code(n),
        "name": f"唐山示例制造{n}号有限公司",
        "entity_type": "enterprise",
        "established_on": "2018-03-01",
        "region_code": "130203",
        "industry_code": "C3311",
        "employees": 40,
        "annual_revenue": 12000000,
        "tax_credit_rating": "B",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def application(n: int, product: str = PRODUCT, **fields) -> dict:
    body = {
        "profile": profile(n),
        "product_id": product,
        "requested_amount": 800000,
        "requested_term_months": 12,
        "consent": dict(CONSENT),
        "contact": dict(CONTACT),
    }
    body.update(fields)
    return body


def claim(client, bank="hbbank", key=BANK, consumer="officer-1", count=10):
    return client.post(
        f"/v1/banks/{bank}/leads/claim?consumer={consumer}&count={count}", headers=bearer(key)
    )


# -- fixtures and helpers shared by the leads API tests ---------------------------------


@pytest.fixture
def rules(tmp_path):
    return write_rules(tmp_path / "rules")


@pytest.fixture
def app(rules, shared_redis, key_prefix):
    return make_app(rules, redis_url(shared_redis), key_prefix)


@pytest.fixture
def client(app):
    return app.test_client()


def post_lead(client, body, key=PORTAL, **headers):
    return client.post("/v1/leads", json=body, headers=bearer(key, **headers))


def made(client, n: int, product: str = PRODUCT, key: str = PORTAL) -> dict:
    response = post_lead(client, application(n, product), key)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def set_status(client, lead_id, key, status, **details):
    body = {"status": status, **({"details": details} if details else {})}
    return client.post(f"/v1/leads/{lead_id}/status", json=body, headers=bearer(key))


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.get_json()
