"""ms per profile through loanmatch's matching path, against the plain-Python reference.

    python bench/match.py [--sizes 30,300,3000,10000] [--profiles 200] [--seed 0]

Each catalog size runs in its own process (durable_rules cannot free a ruleset,
and RSS after load should be that size's alone). Printed figures are from one
run on one machine: compare the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_size(size: int, n_profiles: int, seed: int, queue) -> None:
    from matcher.catalog import Catalog
    from matcher.rulefile.condition import PASS, evaluate
    from matcher.rulefile.product import read_product
    from matcher.rulefile.source import Location
    from matcher.vocabulary.profile import load_profile
    from product_catalog.synth import AS_OF, synth_catalog, synth_profiles

    as_of = AS_OF
    rule_files = synth_catalog(size, seed=seed)
    raw_profiles = synth_profiles(n_profiles, seed=seed + 1)
    rss_before = _rss_mb()
    started = time.perf_counter()
    products = []
    for data in rule_files:
        built, problems = read_product(data, data["id"], Location(data["id"], 1, 1))
        if built is None:
            raise SystemExit(f"synthetic product {data['id']} is invalid: {problems[0]}")
        products.append(built)
    catalog = Catalog(products, "bench")
    build_s = time.perf_counter() - started
    rss_after = _rss_mb()

    profiles = [load_profile(p, as_of=as_of) for p in raw_profiles]
    full, decide, reference, eligible = [], [], [], 0
    for raw, profile in zip(raw_profiles, profiles):
        t0 = time.perf_counter()
        doc = catalog.match(raw, as_of=as_of).to_dict()
        t1 = time.perf_counter()
        fired = catalog._engine.eligible(profile.values)
        t2 = time.perf_counter()
        expected = {
            i
            for i, p in enumerate(catalog.products)
            if evaluate(p.eligibility, profile.values) == PASS
        }
        t3 = time.perf_counter()
        if fired != expected:
            raise SystemExit(f"durable_rules and the reference disagree at {size} products")
        eligible += doc["summary"]["eligible"]
        full.append((t1 - t0) * 1000)
        decide.append((t2 - t1) * 1000)
        reference.append((t3 - t2) * 1000)
    queue.put(
        {
            "products": size,
            "rulesets": catalog.ruleset_count,
            "build_s": round(build_s, 2),
            "rss_mb": round(rss_after, 1),
            "catalog_mb": round(rss_after - rss_before, 1),
            "full_median": statistics.median(full),
            "full_p99": _percentile(full, 0.99),
            "decide_median": statistics.median(decide),
            "ref_median": statistics.median(reference),
            "ref_p99": _percentile(reference, 0.99),
            "match_rate": eligible / (size * len(profiles)),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,300,3000,10000")
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON line per size")
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    header = (
        f"{'products':>8} {'rulesets':>8} {'build s':>8} {'RSS MB':>7} {'full ms':>8} "
        f"{'p99':>7} {'durable':>8} {'ref ms':>7} {'full/ref':>8} {'match %':>7}"
    )
    if not args.json:
        print(f"loanmatch bench/match.py · {args.profiles} profiles per size · seed {args.seed}")
        print(header)
    for size in [int(s) for s in args.sizes.split(",")]:
        queue = ctx.Queue()
        proc = ctx.Process(target=run_size, args=(size, args.profiles, args.seed, queue))
        proc.start()
        row = queue.get()
        proc.join()
        if args.json:
            print(json.dumps(row))
            continue
        print(
            f"{row['products']:>8} {row['rulesets']:>8} {row['build_s']:>8.2f} "
            f"{row['rss_mb']:>7.0f} {row['full_median']:>8.2f} {row['full_p99']:>7.2f} "
            f"{row['decide_median']:>8.2f} {row['ref_median']:>7.2f} "
            f"{row['full_median'] / row['ref_median']:>8.2f} {100 * row['match_rate']:>7.1f}"
        )
    if not args.json:
        print(
            "full = profile validation + durable_rules decision + explanations + ranking + "
            "to_dict; durable = the engine's decision alone; ref = plain-Python tree walk "
            "deciding every product"
        )


if __name__ == "__main__":
    main()
