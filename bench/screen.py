"""Screening at platform scale: a synthetic firm base against a synthetic catalog.

    python bench/screen.py [--firms 1000000] [--products 3000] [--spark-products 300]
                           [--durable-profiles 100] [--work DIR] [--no-spark]

Each step runs in its own process, so its peak memory (VmHWM) is its own. Prints, per
step, wall and CPU seconds and peak RSS, and firm-product decisions per second for the
embedded engine, Spark local[2] and durable_rules one profile at a time (the last
extrapolated to the whole base). Figures are from one run on one (shared) machine:
CPU seconds move less than wall seconds when other work shares the cores.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AS_OF = date(2026, 12, 1)


def _peak_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class _Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def _products(work: Path, count: int | None = None):
    from matcher.catalog import read_products

    products, _, version = read_products(work / "catalog" / "rules")
    return (products if count is None else products[:count]), version


def _snapshot(work: Path) -> Path:
    return next((work / "var" / "firm-bases").glob("*.parquet"))


def step_import(work: Path) -> dict:
    from screening.firmbase import read_firms
    from screening.snapshot import FirmBaseStore

    with _Clock() as clock:
        base = read_firms(work / "firms.parquet", AS_OF)
        FirmBaseStore(work / "var").save(base, "firms.parquet")
    return {
        "firms": len(base),
        "rejected": len(base.problems),
        "wall": clock.wall,
        "cpu": clock.cpu,
        "peak_mb": _peak_mb(),
    }


def step_screen_all(work: Path) -> dict:
    from screening.embedded import screen_embedded
    from screening.firmbase import read_firms

    products, version = _products(work)
    with _Clock() as load:
        base = read_firms(_snapshot(work))
    with _Clock() as clock:
        result = screen_embedded(base, products, version, AS_OF, statuses=False)
    pairs = len(base) * len(products)
    return {
        "firms": len(base),
        "products": len(products),
        "load_wall": load.wall,
        "wall": clock.wall,
        "cpu": clock.cpu,
        "peak_mb": _peak_mb(),
        "decisions_per_s": pairs / clock.wall,
        "decisions_per_cpu_s": pairs / clock.cpu,
        "eligible_pairs": sum(p["eligible"] for p in result.summary["products"]),
    }


def step_one_product(work: Path) -> dict:
    from screening.embedded import screen_embedded
    from screening.firmbase import read_firms

    products, version = _products(work)
    base = read_firms(_snapshot(work))
    national = next(p for p in products if not p.regions)
    with _Clock() as counts:
        screen_embedded(base, [national], version, AS_OF, statuses=False)
    with _Clock() as clock:
        result = screen_embedded(base, [national], version, AS_OF, statuses=True)
    return {
        "product": national.id,
        "wall": clock.wall,
        "cpu": clock.cpu,
        "counts_wall": counts.wall,
        "counts_cpu": counts.cpu,
        "status_rows": result.statuses.num_rows,
    }


def step_statuses(work: Path, count: int) -> dict:
    import pyarrow.parquet as pq

    from screening.embedded import screen_embedded
    from screening.firmbase import read_firms

    products, version = _products(work, count)
    base = read_firms(_snapshot(work))
    with _Clock() as clock:
        result = screen_embedded(base, products, version, AS_OF, statuses=True)
        pq.write_table(result.statuses, work / "statuses.parquet", compression="zstd")
    return {
        "products": len(products),
        "rows": result.statuses.num_rows,
        "wall": clock.wall,
        "bytes": (work / "statuses.parquet").stat().st_size,
        "peak_mb": _peak_mb(),
    }


def step_impact(work: Path) -> dict:
    from matcher.rulefile.condition import Criterion, Group
    from screening.firmbase import read_firms
    from screening.impact import Change, impact

    products, _ = _products(work)
    base = read_firms(_snapshot(work))
    old = next(
        p
        for p in products
        if any(
            isinstance(c, Criterion) and c.field == "tax_paid_12m" for c in p.eligibility.children
        )
    )
    children = tuple(
        Criterion(c.field, c.op, c.value // 2)
        if isinstance(c, Criterion) and c.field == "tax_paid_12m"
        else c
        for c in old.eligibility.children
    )
    import dataclasses

    new = dataclasses.replace(old, eligibility=Group("all", children))
    with _Clock() as clock:
        found = impact(base, [Change(old.id, "changed", old, new)], AS_OF)
    return {
        "product": old.id,
        "wall": clock.wall,
        "cpu": clock.cpu,
        "gained": found[0].counts["gained"],
        "lost": found[0].counts["lost"],
    }


def step_spark(work: Path, count: int) -> dict:
    from screening.spark import screen_spark, session

    products, version = _products(work, count)
    with _Clock() as start:
        session("local[2]")
    with _Clock() as clock:
        result = screen_spark(_snapshot(work), products, version, AS_OF, "local[2]", statuses=False)
    pairs = result.summary["firms"] * len(products)
    return {
        "products": len(products),
        "startup_wall": start.wall,
        "wall": clock.wall,
        "decisions_per_s": pairs / clock.wall,
    }


def step_durable(work: Path, profiles: int) -> dict:
    from matcher import load_catalog
    from screening.firmbase import read_firms

    with _Clock() as compile_clock:
        catalog = load_catalog(work / "catalog" / "rules")
    base = read_firms(_snapshot(work))
    sample = _profiles(base.take(list(range(min(profiles, len(base))))))
    with _Clock() as clock:
        for profile in sample:
            catalog.match(profile, as_of=AS_OF)
    per_profile = clock.wall / len(sample)
    return {
        "products": len(catalog),
        "compile_wall": compile_clock.wall,
        "ms_per_profile": per_profile * 1000,
        "decisions_per_s": len(catalog) / per_profile,
        "whole_base_hours": per_profile * len(base) / 3600,
    }


def _profiles(base) -> list[dict]:
    """The firms as posted profiles (known posted fields, dates as text)."""
    from matcher.vocabulary.fields import POSTED_FIELDS

    return [
        {
            k: v.isoformat() if isinstance(v, date) else v
            for k, v in row.items()
            if k in POSTED_FIELDS and v is not None
        }
        for row in base.to_arrow().to_pylist()
    ]


def _run(step, *args) -> dict:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, step.__name__, args))
    process.start()
    found = queue.get()
    process.join()
    if isinstance(found, BaseException):
        raise found
    return found


def _child(queue, name, args) -> None:
    try:
        queue.put(globals()[name](*args))
    except BaseException as exc:  # shown by the parent
        queue.put(RuntimeError(f"{name}: {exc!r}"))


def prepare(work: Path, firms: int, products: int) -> None:
    from product_catalog.synth import synth_catalog, write_catalog
    from screening.synth import write_firms

    if not (work / "firms.parquet").exists():
        with _Clock() as clock:
            write_firms(firms, work, seed=0)
        print(f"synth {firms:,} firms: {clock.wall:.1f} s", flush=True)
    if not (work / "catalog" / "rules").exists():
        write_catalog(work / "catalog", synth_catalog(products, seed=0), [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=3_000)
    parser.add_argument("--status-products", type=int, default=30)
    parser.add_argument("--spark-products", type=int, default=300)
    parser.add_argument("--durable-profiles", type=int, default=100)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="screen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"work folder {work}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    prepare(work, args.firms, args.products)
    r = _run(step_import, work)
    print(
        f"import + validate + derive + snapshot: {r['firms']:,} firms, {r['wall']:.1f} s wall, "
        f"{r['cpu']:.1f} s CPU, peak {r['peak_mb']:,.0f} MB",
        flush=True,
    )
    r = _run(step_screen_all, work)
    print(
        f"screen all: {r['firms']:,} firms x {r['products']:,} products (counts, segments, "
        f"binding): {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, peak {r['peak_mb']:,.0f} MB "
        f"(snapshot load {r['load_wall']:.1f} s); {r['eligible_pairs']:,} eligible pairs",
        flush=True,
    )
    embedded = r
    r = _run(step_one_product, work)
    print(
        f"one product ({r['product']}, national): summary {r['counts_wall']:.2f} s wall, "
        f"{r['counts_cpu']:.2f} s CPU; with its {r['status_rows']:,} status rows "
        f"{r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU",
        flush=True,
    )
    r = _run(step_impact, work)
    print(
        f"impact of one edit ({r['product']}, tax floor halved): {r['wall']:.2f} s wall; "
        f"+{r['gained']:,} / -{r['lost']:,} firms",
        flush=True,
    )
    r = _run(step_statuses, work, args.status_products)
    print(
        f"statuses.parquet for {r['products']} products: {r['rows']:,} rows, "
        f"{r['bytes'] / 2**20:,.0f} MiB, {r['wall']:.1f} s wall, peak {r['peak_mb']:,.0f} MB",
        flush=True,
    )
    print(
        f"decisions/s embedded: {embedded['decisions_per_s']:,.0f} wall "
        f"({embedded['decisions_per_cpu_s']:,.0f} per CPU second)",
        flush=True,
    )
    if not args.no_spark:
        r = _run(step_spark, work, args.spark_products)
        print(
            f"decisions/s Spark local[2] ({r['products']} products, session start "
            f"{r['startup_wall']:.0f} s not counted): {r['decisions_per_s']:,.0f} "
            f"({r['wall']:.1f} s)",
            flush=True,
        )
    r = _run(step_durable, work, args.durable_profiles)
    print(
        f"decisions/s durable_rules, one profile at a time ({r['products']:,} products, "
        f"compile {r['compile_wall']:.0f} s): {r['decisions_per_s']:,.0f} "
        f"({r['ms_per_profile']:.1f} ms a profile; the whole base would take "
        f"{r['whole_base_hours']:.1f} h)",
        flush=True,
    )


if __name__ == "__main__":
    main()
