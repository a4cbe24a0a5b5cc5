"""A synthetic firm base, drawn column by column, for tests and benchmarks.

The mixes are those of ``product_catalog.synth`` (the same region, industry and bank
tables, the same distributions of revenue, age, tax rating and credit history), drawn
with numpy so that a million firms take seconds. Real bases are patchy, so fields go
missing as they do on a platform: a tenth of the firms lack a few of their finance and
credit fields, and a few fields (net profit, growth, tax filing history) are often
unreported. ``firm_id`` is opaque (a keyed hash of the seed and the row, not a credit
code); ``contact_consent`` is true for about a third.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from matcher.vocabulary import fields as F
from product_catalog.synth import AS_OF
from product_catalog.synth_tables import _INDUSTRY_ROWS, BANKS, NATIONAL_BANKS, PROVINCES

from .columns import CONSENT, FIRM_ID

_OFTEN_UNREPORTED = {
    "net_profit": 0.15,
    "revenue_growth": 0.2,
    "tax_filing_months": 0.1,
    "utility_months_paid": 0.3,
    "social_insurance_headcount": 0.1,
    "legal_rep_age": 0.03,
    "total_assets": 0.05,
}
_IDENTITY = ("entity_type", "established_on", "region_code", "industry_code")


def synth_firms(n: int, seed: int = 0) -> pa.Table:
    """``n`` firms as a platform exports them: posted profile fields, id and consent."""
    if n < 0:
        raise ValueError(f"the number of firms must be 0 or more, not {n}")
    rng = np.random.default_rng([seed, 1402])
    cols: dict[str, np.ndarray] = {}
    provinces = list(PROVINCES.values())
    pop = np.array([p.population for p in provinces])
    prov = rng.choice(len(provinces), n, p=pop / pop.sum())
    districts = [[d for c in p.cities for d in c.districts] for p in provinces]
    cols["region_code"] = np.array(
        [districts[p][k % len(districts[p])] for p, k in zip(prov, rng.integers(0, 10**6, n))],
        dtype=object,
    )
    shares = np.array([float(r[1]) for r in _INDUSTRY_ROWS])
    row = rng.choice(len(_INDUSTRY_ROWS), n, p=shares / shares.sum())
    classes = [r[3:] for r in _INDUSTRY_ROWS]
    pick = rng.integers(0, 10**6, n)
    coarse = rng.random(n) < 0.03
    cols["industry_code"] = np.array(
        [
            _INDUSTRY_ROWS[r][0] if c else classes[r][k % len(classes[r])]
            for r, k, c in zip(row, pick, coarse)
        ],
        dtype=object,
    )
    farm = np.array([_INDUSTRY_ROWS[r][0] == "A" for r in row])
    u = rng.random(n)
    entity = np.where(
        u < 0.75 - 0.3 * farm,
        "enterprise",
        np.where(u < 0.97 - 0.3 * farm, "individual_business", "cooperative"),
    )
    cols["entity_type"] = entity.astype(object)
    small = entity != "enterprise"
    years = rng.exponential(8, n)
    years = np.where(years < 25, years, rng.uniform(10, 25, n))
    days = (years * 365.25).astype(np.int64)
    cols["established_on"] = np.datetime64(AS_OF) - days.astype("timedelta64[D]")
    months = (years * 12).astype(np.int64)
    revenue = rng.lognormal(np.where(small, 13.8, 15.2), 1.1) * np.where(years < 1, 0.4, 1)
    revenue = _money(revenue)
    employees = np.maximum(1, rng.lognormal(np.where(small, 1.1, 2.5), 0.8).astype(np.int64))
    rating = np.array(list("ABMCD"))[rng.choice(5, n, p=np.array([18, 42, 28, 8, 4]) / 100)]
    cols["tax_credit_rating"] = np.where(years < 1, "M", rating).astype(object)
    cols["registered_capital"] = _money(rng.lognormal(np.where(small, 11.5, 13.8), 1.0), 10_000)
    cols["employees"] = employees
    cols["social_insurance_headcount"] = (employees * rng.uniform(0.4, 1.0, n)).astype(np.int64)
    cols["annual_revenue"] = revenue
    cols["revenue_growth"] = np.round(np.maximum(-0.9, rng.normal(0.08, 0.25, n)), 2)
    cols["total_assets"] = _money(revenue * rng.lognormal(0, 0.6, n))
    cols["debt_ratio"] = np.round(np.clip(rng.normal(0.5, 0.2, n), 0, 1.5), 2)
    cols["net_profit"] = np.round(revenue * rng.normal(0.05, 0.08, n), -2).astype(np.int64)
    cols["tax_paid_12m"] = _money(revenue * rng.lognormal(-4.0, 0.8, n), 100)
    cols["tax_filing_months"] = np.maximum(0, months - _count(rng, n, 0.8, 6))
    cols["zero_filings_12m"] = _count(rng, n, 0.7, 12)
    cols["tax_arrears"] = rng.random(n) < 0.05
    cols["invoice_revenue_12m"] = _money(revenue * rng.uniform(0.5, 1.0, n))
    cols["invoice_months"] = np.maximum(0, months - _count(rng, n, 0.6, 12))
    cols["total_credit_balance"] = _money(
        revenue * rng.lognormal(-1.5, 0.8, n) * (rng.random(n) < 0.6)
    )
    cols["utility_months_paid"] = np.maximum(0, months - _count(rng, n, 0.5, 24))
    cols["import_export_12m"] = _money(revenue * rng.uniform(0.05, 0.6, n) * (rng.random(n) < 0.15))
    cols["legal_rep_age"] = np.clip(rng.normal(44, 9, n).astype(np.int64), 20, 75)
    cols["overdue_current"] = rng.random(n) < 0.05
    cols["overdue_count_24m"] = np.where(rng.random(n) < 0.65, 0, rng.choice([1, 1, 2, 3, 5, 8], n))
    inquiries = _count(rng, n, 0.35, 6)
    cols["credit_inquiries_3m"] = inquiries
    cols["credit_inquiries_6m"] = inquiries + _count(rng, n, 0.4, 6)
    cols["dishonest_debtor"] = rng.random(n) < 0.02
    cols["enforcement_cases"] = _count(rng, n, 0.92, 3)
    cols["admin_penalties_24m"] = _count(rng, n, 0.9, 2)
    section = np.array([_INDUSTRY_ROWS[r][0] for r in row])
    high_tech = (np.isin(section, list("CIM")) & (rng.random(n) < 0.2)) | (rng.random(n) < 0.02)
    cols["high_tech"] = high_tech
    cols["specialized_sme"] = rng.random(n) < np.where(high_tech, 0.25, 0.04)
    cols["ip_count"] = np.where(high_tech, rng.integers(5, 41, n), _count(rng, n, 0.6, 10))
    cols["government_procurement_12m"] = _money(
        revenue * rng.uniform(0.05, 0.5, n) * (rng.random(n) < 0.1)
    )
    cols["requested_amount"] = np.maximum(10_000, _money(rng.lognormal(13.1, 0.9, n), 10_000))
    cols["requested_term_months"] = rng.choice([6, 12, 12, 12, 24, 36], n)
    cols["purpose"] = np.array(F.PURPOSES)[
        rng.choice(5, n, p=[0.6, 0.12, 0.15, 0.08, 0.05])
    ].astype(object)
    cols["collateral"] = np.array(F.COLLATERALS)[
        rng.choice(5, n, p=[0.6, 0.2, 0.05, 0.05, 0.1])
    ].astype(object)
    masks = {name: np.zeros(n, dtype=bool) for name in cols}
    for name, share in _OFTEN_UNREPORTED.items():
        masks[name] |= rng.random(n) < share
    patchy = np.flatnonzero(rng.random(n) < 0.1)  # a tenth lack 2-5 optional fields
    optional = [name for name in cols if name not in _IDENTITY]
    for firm, k in zip(patchy, rng.integers(2, 6, len(patchy))):
        for index in rng.choice(len(optional), k, replace=False):
            masks[optional[index]][firm] = True
    arrays = {FIRM_ID: pa.array(_firm_ids(n, seed)), CONSENT: pa.array(rng.random(n) < 0.35)}
    for name in F.POSTED_FIELDS:
        if name in cols:
            arrays[name] = _column(name, cols[name], masks[name])
    arrays["bank_relationships"] = _banks(rng, prov, provinces, masks.get("bank_relationships"))
    return pa.table(arrays)


def _firm_ids(n: int, seed: int) -> list[str]:
    key = f"loanmatch-firm-{seed}-".encode()
    return [
        "F" + hashlib.blake2b(key + str(i).encode(), digest_size=6).hexdigest().upper()
        for i in range(n)
    ]


def _money(values: np.ndarray, step: int = 1000) -> np.ndarray:
    return np.maximum(0, np.round(values / step).astype(np.int64) * step)


def _count(rng, n: int, p_zero: float, top: int) -> np.ndarray:
    return np.where(rng.random(n) < p_zero, 0, rng.integers(1, top + 1, n))


def _column(name: str, values: np.ndarray, missing: np.ndarray) -> pa.Array:
    fld = F.FIELDS[name]
    if fld.kind == F.DATE:
        return pa.array(values.astype("datetime64[D]"), pa.date32(), mask=missing)
    if fld.kind == F.RATIO:  # a platform's export: ratios as decimals with two places
        return _ratio(values, missing)
    if fld.kind in (F.ENUM, F.STRING, F.CODE):
        return pa.array(values.tolist(), pa.string(), mask=missing)
    if fld.kind == F.BOOLEAN:
        return pa.array(values.astype(bool), pa.bool_(), mask=missing)
    return pa.array(values.astype(np.int64), pa.int64(), mask=missing)


def _ratio(values: np.ndarray, missing: np.ndarray) -> pa.Array:
    cents = np.round(values * 100).astype(np.int64)
    words = np.stack([cents, cents >> 63], axis=1)
    validity = pa.array(~missing).buffers()[1]
    return pa.Array.from_buffers(
        pa.decimal128(18, 2),
        len(cents),
        [validity, pa.py_buffer(words.tobytes())],
        null_count=int(missing.sum()),
    )


def _banks(rng, prov: np.ndarray, provinces, missing) -> pa.Array:
    """1-3 national banks, and each bank of the firm's home province with odds 0.35."""
    n = len(prov)
    national = [b.id for b in NATIONAL_BANKS]
    count = rng.integers(1, 4, n)
    picks = np.argsort(rng.random((n, len(national))), axis=1)[:, :3]
    local = {p.code: [b.id for b in BANKS if b.home == p.code] for p in provinces}
    offsets, items = [0], []
    local_draw = rng.random((n, 4))
    for i in range(n):
        chosen = [national[j] for j in picks[i, : count[i]]]
        home = local[provinces[prov[i]].code]
        chosen += [b for k, b in enumerate(home[:4]) if local_draw[i, k] < 0.35]
        items.extend(chosen)
        offsets.append(len(items))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(items, pa.string()))


def write_firms(n: int, out_dir: Path, seed: int = 0) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "firms.parquet"
    pq.write_table(synth_firms(n, seed), path)
    return path
