"""A synthetic product catalog and enterprise profiles, for benchmarks and load tests.

Why: the real sheets are a handful, but matching speed, memory and ranking only show
their shape at thousands of products and profiles. The mixes here copy what real sheets
ask (tax grade, years in business, tax paid, clean credit, regions) and what real SMEs
look like (populous provinces, manufacturing and retail, log-normal revenue), so that a
random profile matches a few percent of the catalog (3-15%), the regime the evaluators
were measured in (``docs/performance.md``). Every number comes from one seed, so a
benchmark can be replayed exactly.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import yaml

from matcher.vocabulary.creditcode import CHARSET, make_credit_code
from matcher.vocabulary.fields import COLLATERALS, POSTED_FIELDS, PURPOSES
from product_catalog.synth_tables import (  # noqa: F401 (re-exported for tests)
    _BRANDS,
    _COLLATERAL_SETS,
    _EXCLUDABLE,
    _INDUSTRY_ROWS,
    _INDUSTRY_SHARES,
    _MUNICIPALITIES,
    _ORG_WEIGHTS,
    _PRODUCT_HEADS,
    _PRODUCT_TAILS,
    _TAX_FLOORS,
    BANKS,
    NATIONAL_BANKS,
    PROVINCES,
    City,
    Province,
)

AS_OF = date(2026, 12, 1)  # the evaluation date the profiles' ages are drawn against
NATIONAL_SHARE = 0.3


def _org_check_char(body8: str) -> str:
    """The organisation code's own check character (GB 11714), position 17 of the code."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, _ORG_WEIGHTS))
    rest = 11 - total % 11
    return {10: "X", 11: "0"}.get(rest, str(rest))


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights)[0]


# ---------------------------------------------------------------- products


def _crit(field_name: str, op: str, value) -> dict:
    return {"field": field_name, "op": op, "value": value}


def _age_rule(rng, bank):
    if rng.random() < 0.2:
        return _crit("months_in_business", ">=", rng.choice([6, 12, 18, 24]))
    return _crit("years_in_business", ">=", rng.randint(1, 3))


def _industry_exclusion(rng, bank):
    extra = rng.sample(_EXCLUDABLE, rng.randint(0, 2))
    return {"not": _crit("industry_code", "prefix", ["K", "J", *extra])}


def _qualification(rng, bank):
    return {"any": [_crit("high_tech", "==", True), _crit("specialized_sme", "==", True)]}


# (weight of appearing in a product, builder). Order is the order on a sheet.
_CRITERIA: list[tuple[float, Callable[[random.Random, str], dict]]] = [
    (0.85, lambda r, b: _crit("tax_credit_rating", "in", r.choice([["A", "B"], ["A", "B", "M"]]))),
    (0.70, _age_rule),
    (0.55, lambda r, b: _crit("tax_paid_12m", ">=", r.choice(_TAX_FLOORS))),
    (0.35, lambda r, b: _crit("annual_revenue", ">=", r.choice([1, 1, 2, 2, 3, 5, 10]) * 10**6)),
    (
        0.70,
        lambda r, b: _crit(
            "legal_rep_age", "between", [r.choice([18, 20, 22]), r.choice([55, 60, 65])]
        ),
    ),
    (0.70, lambda r, b: _crit("overdue_current", "==", False)),
    (0.50, lambda r, b: _crit("overdue_count_24m", "<=", r.randint(1, 6))),
    (0.30, lambda r, b: _crit("credit_inquiries_3m", "<=", r.randint(3, 8))),
    (0.25, lambda r, b: _crit("credit_inquiries_6m", "<=", r.randint(6, 12))),
    (0.60, lambda r, b: _crit("dishonest_debtor", "==", False)),
    (0.40, lambda r, b: _crit("tax_arrears", "==", False)),
    (0.25, lambda r, b: _crit("debt_ratio", "<=", r.choice([0.7, 0.75, 0.8, 0.85]))),
    (0.25, lambda r, b: _crit("zero_filings_12m", "<=", r.randint(2, 6))),
    (0.15, lambda r, b: _crit("tax_filing_months", ">=", r.choice([12, 24, 36]))),
    (0.10, lambda r, b: _crit("total_credit_balance", "<=", r.choice([3, 5, 10]) * 10**6)),
    (0.08, lambda r, b: _crit("net_profit", ">=", 0)),
    (0.06, lambda r, b: _crit("revenue_growth", ">=", r.choice([0.0, 0.1, 0.2]))),
    (0.10, lambda r, b: _crit("enforcement_cases", "==", 0)),
    (0.08, lambda r, b: _crit("admin_penalties_24m", "<=", r.randint(0, 2))),
    (0.05, lambda r, b: _crit("invoice_months", ">=", r.choice([12, 24]))),
    (
        0.08,
        lambda r, b: _crit(
            "entity_type", "in", r.choice([["enterprise"], ["enterprise", "individual_business"]])
        ),
    ),
    (0.40, _industry_exclusion),
    (0.30, lambda r, b: _crit("size_class", "in", ["micro", "small"])),
    (0.06, _qualification),
    (0.12, lambda r, b: _crit("bank_relationships", "contains", b)),
]


def _region_rule(rng: random.Random, province: Province) -> dict:
    if province.code[:2] not in _MUNICIPALITIES and rng.random() < 0.25:
        picked = rng.sample(province.cities, rng.randint(1, min(3, len(province.cities))))
        return _crit("city_code", "in", sorted(c.code for c in picked))
    return _crit("province_code", "==", province.code)


def _eligibility(rng: random.Random, bank: str, region: dict | None) -> dict:
    """5-15 criteria, mostly 6-10: the common ones likelier (weighted sampling, no repeats)."""
    wanted = round(rng.triangular(5, 15, 7)) - (region is not None)
    keys = sorted(range(len(_CRITERIA)), key=lambda i: rng.random() ** (1 / _CRITERIA[i][0]))
    chosen = sorted(keys[-wanted:])
    nodes = [region] if region else []
    return {"all": nodes + [_CRITERIA[i][1](rng, bank) for i in chosen]}


def _terms(rng: random.Random) -> dict:
    amount_max = rng.choice([5, 10, 20, 30, 30, 50, 100]) * 100_000
    rate_min = round(rng.uniform(3.0, 4.6), 2)
    channel = _weighted(rng, ["online", "offline", "both"], [5, 2, 3])
    return {
        "amount": {"min": rng.choice([10_000, 50_000, 100_000, 200_000]), "max": amount_max},
        "term_months": {"min": rng.choice([1, 3, 6]), "max": rng.choice([12, 12, 24, 36, 60])},
        "rate_pct": {"min": rate_min, "max": round(rate_min + rng.uniform(0.5, 3.5), 2)},
        "collateral": list(_weighted(rng, *zip(*_COLLATERAL_SETS))),
        "channel": channel,
        "approval_days": rng.randint(1, 3) if channel == "online" else rng.randint(3, 20),
        "priority": 0 if rng.random() < 0.7 else rng.randrange(-20, 60, 10),
    }


def _product_scopes(rng: random.Random, n: int) -> list[Province | None]:
    """None for a national product, else its province; every province once when n allows."""
    national = round(n * NATIONAL_SHARE)
    provinces = list(PROVINCES.values())
    regional = n - national
    scopes: list[Province | None] = []
    scopes += rng.sample(provinces, min(regional, len(provinces)))
    weights = [p.population for p in provinces]
    scopes += rng.choices(provinces, weights=weights, k=regional - len(scopes))
    scopes += [None] * national
    rng.shuffle(scopes)
    return scopes


def synth_catalog(n: int, seed: int = 0) -> list[dict]:
    """``n`` rule-file dicts (docs/rules.md), ids ``<bank>-s<number>``."""
    if n < 0:
        raise ValueError(f"the number of products must be 0 or more, not {n}")
    rng = random.Random(f"loanmatch-catalog-{seed}")
    national_weights = [b.weight for b in NATIONAL_BANKS]
    width = max(5, len(str(n)))
    products = []
    for number, province in enumerate(_product_scopes(rng, n), start=1):
        local = [b for b in BANKS if province and b.home == province.code]
        if province is None or not local or rng.random() < 0.45:
            bank = _weighted(rng, NATIONAL_BANKS, national_weights)
        else:
            bank = rng.choice(local)
        region = _region_rule(rng, province) if province else None
        name = rng.choice(_PRODUCT_HEADS) + rng.choice(_PRODUCT_TAILS)
        products.append(
            {
                "id": f"{bank.id}-s{number:0{width}d}",
                "bank": bank.id,
                "bank_name": bank.name,
                "name": f"{province.name}{name}" if province else name,
                "terms": _terms(rng),
                "eligibility": _eligibility(rng, bank.id, region),
            }
        )
    return products


# ---------------------------------------------------------------- profiles

_IDENTITY = {"credit_code", "name", "entity_type", "established_on", "region_code", "industry_code"}


def _credit_code(rng: random.Random, entity_type: str, region: str, established: date) -> str:
    kind = {"enterprise": "1", "individual_business": "2", "cooperative": "3"}[entity_type]
    if established.year < 2015:  # the old organisation codes were all digits
        body = "".join(rng.choice("0123456789") for _ in range(8))
    else:
        body = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
    return make_credit_code("9" + kind + region + body + _org_check_char(body))


def _firm_name(rng: random.Random, entity_type: str, city: City, section: str, word: str) -> str:
    brand = rng.choice(_BRANDS)
    if entity_type == "individual_business":
        shop = {"F": "便利店", "H": "餐馆", "O": "维修部"}.get(section, "经营部")
        return f"{city.name}市{brand}{shop}"
    if entity_type == "cooperative":
        return f"{city.name}市{brand}种植专业合作社"
    return f"{city.name}{brand}{word}有限公司"


def _money(value: float, step: int = 1000) -> int:
    return max(0, int(round(value / step)) * step)


def _count(rng: random.Random, p_zero: float, top: int) -> int:
    return 0 if rng.random() < p_zero else rng.randint(1, top)


def _has(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _profile(rng: random.Random) -> dict:
    provinces = list(PROVINCES.values())
    province = _weighted(rng, provinces, [p.population for p in provinces])
    city = rng.choice(province.cities)
    region = rng.choice(city.districts)
    section, _, word, *classes = _weighted(rng, _INDUSTRY_ROWS, _INDUSTRY_SHARES)
    industry = section if rng.random() < 0.03 else rng.choice(classes)
    entity_type = _weighted(
        rng,
        ["enterprise", "individual_business", "cooperative"],
        [75, 22, 3 if section != "A" else 40],
    )
    small = entity_type != "enterprise"
    years = rng.expovariate(1 / 8)
    years = years if years < 25 else rng.uniform(10, 25)
    established = AS_OF - timedelta(days=int(years * 365.25))
    months = int(years * 12)
    revenue = _money(rng.lognormvariate(13.8 if small else 15.2, 1.1) * (0.4 if years < 1 else 1))
    employees = max(1, int(rng.lognormvariate(1.1 if small else 2.5, 0.8)))
    rating = "M" if years < 1 else _weighted(rng, "ABMCD", [18, 42, 28, 8, 4])
    banks = rng.sample(NATIONAL_BANKS, rng.randint(1, 3))
    banks += [b for b in BANKS if b.home == province.code and rng.random() < 0.35]
    high_tech = section in "CIM" and rng.random() < 0.2 or rng.random() < 0.02
    inquiries_3m = _count(rng, 0.35, 6)
    values = {
        "credit_code": _credit_code(rng, entity_type, region, established),
        "name": _firm_name(rng, entity_type, city, section, word),
        "entity_type": entity_type,
        "established_on": established.isoformat(),
        "region_code": region,
        "industry_code": industry,
        "registered_capital": _money(rng.lognormvariate(11.5 if small else 13.8, 1.0), 10_000),
        "employees": employees,
        "social_insurance_headcount": int(employees * rng.uniform(0.4, 1.0)),
        "bank_relationships": [b.id for b in banks],
        "annual_revenue": revenue,
        "revenue_growth": round(max(-0.9, rng.gauss(0.08, 0.25)), 2),
        "total_assets": _money(revenue * rng.lognormvariate(0, 0.6)),
        "debt_ratio": round(min(1.5, max(0.0, rng.gauss(0.5, 0.2))), 2),
        "net_profit": int(round(revenue * rng.gauss(0.05, 0.08), -2)),
        "tax_paid_12m": _money(revenue * rng.lognormvariate(-4.0, 0.8), 100),
        "tax_credit_rating": rating,
        "tax_filing_months": max(0, months - _count(rng, 0.8, 6)),
        "zero_filings_12m": _count(rng, 0.7, 12),
        "tax_arrears": rng.random() < 0.05,
        "invoice_revenue_12m": _money(revenue * rng.uniform(0.5, 1.0)),
        "invoice_months": max(0, months - _count(rng, 0.6, 12)),
        "total_credit_balance": _money(revenue * rng.lognormvariate(-1.5, 0.8) * _has(rng, 0.6)),
        "utility_months_paid": max(0, months - _count(rng, 0.5, 24)),
        "import_export_12m": _money(revenue * rng.uniform(0.05, 0.6) * _has(rng, 0.15)),
        "legal_rep_age": min(75, max(20, int(rng.gauss(44, 9)))),
        "overdue_current": rng.random() < 0.05,
        "overdue_count_24m": _weighted(rng, [0, 1, 2, rng.randint(3, 8)], [65, 20, 10, 5]),
        "credit_inquiries_3m": inquiries_3m,
        "credit_inquiries_6m": inquiries_3m + _count(rng, 0.4, 6),
        "dishonest_debtor": rng.random() < 0.02,
        "enforcement_cases": _count(rng, 0.92, 3),
        "admin_penalties_24m": _count(rng, 0.9, 2),
        "high_tech": high_tech,
        "specialized_sme": rng.random() < (0.25 if high_tech else 0.04),
        "ip_count": rng.randint(5, 40) if high_tech else _count(rng, 0.6, 10),
        "government_procurement_12m": _money(revenue * rng.uniform(0.05, 0.5) * _has(rng, 0.1)),
        "requested_amount": _money(rng.lognormvariate(13.1, 0.9), 10_000) or 10_000,
        "requested_term_months": rng.choice([6, 12, 12, 12, 24, 36]),
        "purpose": _weighted(rng, PURPOSES, [60, 12, 15, 8, 5]),
        "collateral": _weighted(rng, COLLATERALS, [60, 20, 5, 5, 10]),
    }
    if rng.random() < 0.1:  # a portal that could not fill everything in
        optional = [name for name in values if name not in _IDENTITY]
        for name in rng.sample(optional, rng.randint(2, 5)):
            del values[name]
    return {name: values[name] for name in POSTED_FIELDS if name in values}


def synth_profiles(m: int, seed: int = 0) -> list[dict]:
    """``m`` profiles as a portal posts them (posted fields of docs/profile.md only)."""
    if m < 0:
        raise ValueError(f"the number of profiles must be 0 or more, not {m}")
    rng = random.Random(f"loanmatch-profiles-{seed}")
    return [_profile(rng) for _ in range(m)]


# ---------------------------------------------------------------- writing

_SAFE_NAME = re.compile(r"[a-z0-9_-]+")
_SYNTH_FILE = re.compile(r"[a-z0-9_]+-s\d+\.yaml")
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: much faster


class CatalogDirError(Exception):
    """The output folder holds something synth must not overwrite."""


class CatalogExists(CatalogDirError):
    """A catalog is already there: replacing it has to be asked for."""


class Written(NamedTuple):
    products: int
    banks: int
    profiles: int
    out_dir: Path


def _clear(out_dir: Path, replace: bool) -> None:
    rules = out_dir / "rules"
    present = sorted(p for p in rules.rglob("*") if p.is_file()) if rules.is_dir() else []
    if (out_dir / "profiles.jsonl").exists():
        present.append(out_dir / "profiles.jsonl")
    if not present:
        return
    if not replace:
        raise CatalogExists(f"{out_dir}: already holds a catalog ({present[0]})")

    def ours(path: Path) -> bool:
        if path == out_dir / "profiles.jsonl":
            return True
        return path.parent.parent == rules and bool(_SYNTH_FILE.fullmatch(path.name))

    foreign = [p for p in present if not ours(p)]
    if foreign:
        raise CatalogDirError(f"{foreign[0]}: not written by synth; refusing to replace {rules}")
    shutil.rmtree(rules, ignore_errors=True)


def write_catalog(
    out_dir,
    products: Iterable[dict],
    profiles: Iterable[dict],
    *,
    replace: bool = False,
    on_written: Callable[[], None] | None = None,
) -> Written:
    """Write ``rules/<bank>/<id>.yaml`` and ``profiles.jsonl`` under ``out_dir``.

    An existing synthetic catalog there is replaced only when ``replace`` is true,
    and never a folder holding rule files synth did not write (a real ``rules/``).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise CatalogDirError(f"{out_dir}: is a file, not a folder")
    _clear(out_dir, replace)
    banks, count = set(), 0
    for product in products:
        if not (_SAFE_NAME.fullmatch(product["bank"]) and _SAFE_NAME.fullmatch(product["id"])):
            raise ValueError(
                f"product {product['id']!r} of bank {product['bank']!r}: ids must be "
                "lower case letters, digits, '-' or '_'"
            )
        folder = out_dir / "rules" / product["bank"]
        if product["bank"] not in banks:
            folder.mkdir(parents=True, exist_ok=True)
            banks.add(product["bank"])
        text = yaml.dump(
            product,
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=120,
        )
        (folder / f"{product['id']}.yaml").write_text(text, encoding="utf-8")
        count += 1
        if on_written:
            on_written()
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(p, ensure_ascii=False) + "\n" for p in profiles]
    (out_dir / "profiles.jsonl").write_text("".join(lines), encoding="utf-8")
    return Written(count, len(banks), len(lines), out_dir)
