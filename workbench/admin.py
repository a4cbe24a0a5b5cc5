"""The operator's dashboard: ``/ui/admin/`` (the API's ``admin`` role).

The figures platforms publish — enterprises served, financing demand, amounts
approved and disbursed, approval rate, time to the first claim and to decision — over
time, by bank and by city, from the lead records (``figures``); catalog health from
``GET /v1/admin/catalog`` and ``/v1/admin/versions`` with the operator's key.
"""

from __future__ import annotations

from flask import render_template
from redis import RedisError

from http_api.auth import authenticate
from http_api.leads import lead_service
from http_api.state import state
from leads import LeadError
from matcher.vocabulary.regions import region_name

from .apiclient import call
from .charts import PATTERNS, Series, bars, columns
from .figures import figures, lead_rows
from .i18n import t
from .pages import blueprint, money_wan
from .security import signed_in

bp = blueprint("workbench_admin", "/ui/admin")
VERSIONS_SHOWN = 10


def _wan(yuan: int) -> float:
    return yuan / 10000


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def _charts(data: dict) -> list[dict]:
    months = list(data["month"])
    by_month = [data["month"][m] for m in months]
    banks = sorted(data["bank"], key=lambda b: -data["bank"][b]["requested"])
    cities = sorted(data["city"], key=lambda c: -data["city"][c]["leads"])[:12]
    money = [
        Series(t("demand"), [_wan(r["requested"]) for r in by_month]),
        Series(t("approved_amount"), [_wan(r["approved"]) for r in by_month]),
        Series(t("disbursed_amount"), [_wan(r["disbursed"]) for r in by_month]),
    ]

    def rate(rows):
        return [None if r["approval_rate"] is None else 100 * r["approval_rate"] for r in rows]

    city_names = [region_name(c) or c for c in cities]
    bank_names = {p.bank: p.bank_name or p.bank for p in state().catalog.products}
    shown_banks = [bank_names.get(b, b) for b in banks]
    return [
        {
            "id": "chart-enterprises",
            "title": f"{t('enterprises')} · {t('by_month')}",
            "svg": columns(
                t("enterprises"),
                months,
                [Series(t("enterprises"), [r["enterprises"] for r in by_month])],
            ),
        },
        {
            "id": "chart-money",
            "title": f"{t('demand')} · {t('by_month')} ({t('wan_yuan')})",
            "svg": columns(t("demand"), months, money),
        },
        {
            "id": "chart-banks",
            "title": f"{t('by_bank')} ({t('wan_yuan')})",
            "svg": bars(
                t("by_bank"),
                shown_banks,
                [
                    Series(t("demand"), [_wan(data["bank"][b]["requested"]) for b in banks]),
                    Series(
                        t("approved_amount"), [_wan(data["bank"][b]["approved"]) for b in banks]
                    ),
                ],
            ),
        },
        {
            "id": "chart-bank-rate",
            "title": f"{t('approval_rate')} · {t('by_bank')}",
            "svg": bars(
                t("approval_rate"),
                shown_banks,
                [Series(t("approval_rate"), rate([data["bank"][b] for b in banks]))],
                fmt=_pct,
            ),
        },
        {
            "id": "chart-bank-time",
            "title": f"{t('to_decision')} · {t('by_bank')}",
            "svg": bars(
                t("to_decision"),
                shown_banks,
                [
                    Series(t("to_claim"), [data["bank"][b]["hours_to_claim"] for b in banks]),
                    Series(t("to_decision"), [data["bank"][b]["hours_to_decision"] for b in banks]),
                ],
                fmt=lambda v: f"{v:.1f} h",
            ),
        },
        {
            "id": "chart-cities",
            "title": f"{t('by_city')}",
            "svg": bars(
                t("by_city"),
                city_names,
                [
                    Series(t("leads_count"), [data["city"][c]["leads"] for c in cities]),
                    Series(t("enterprises"), [data["city"][c]["enterprises"] for c in cities]),
                ],
            ),
        },
    ]


@bp.get("/")
@signed_in
def dashboard():
    authenticate("admin")
    try:
        data = figures(lead_rows(lead_service().store()))
        lead_error = None
    except (LeadError, RedisError) as exc:
        data, lead_error = None, str(exc)
    catalog = call("GET", "/v1/admin/catalog")
    versions = call("GET", "/v1/admin/versions")
    return render_template(
        "dashboard.html",
        data=data,
        lead_error=lead_error,
        patterns=PATTERNS,
        charts=_charts(data) if data and data["total"]["leads"] else [],
        catalog=catalog.data if catalog.ok else None,
        versions=(versions.data.get("versions", []) if versions.ok else [])[:VERSIONS_SHOWN],
        region_name=region_name,
        money_wan=money_wan,
    )
