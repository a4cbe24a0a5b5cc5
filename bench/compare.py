"""loanmatch against its peers: one synthetic catalog, the same profiles, four evaluators.

    python bench/compare.py [--sizes 300,3000,10000] [--profiles 200] [--seed 0] [--json]

(a) loanmatch's matching path, ``to_json(Catalog.match(profile))``: durable_rules
    decides, the full default result (explanations, ranking) is built, as the bytes
    the API answers; the part spent outside durable_rules is printed too;
(b) the plain-Python reference, ``matcher.rulefile.condition.evaluate`` on every product;
(c) numpy, one profile against all products with array operations (the practical
    lower bound, ``bench/evaluators/numpy_eval.py``);
(d) GoRules zen-engine with the catalog as one decision table
    (``bench/evaluators/zen_eval.py``, which describes the translation).

Every evaluator gets the same loaded profile (validated, derived fields added), so
the figures compare deciding, not validating; validation's own cost is printed
once per size. Each (size, evaluator) runs in a fresh process: durable_rules
cannot free a ruleset, and RSS after load is then that evaluator's alone. A few
profiles are run once untimed first. Then every evaluator's answer is checked
against (b) for every product and profile: eligible exactly when the reference
says PASS; (c) and (d) three-valued as well; (a)'s counts of eligible, incomplete
and ineligible products and the ones it lists. Exit status 1 on any disagreement.

Figures are from one run on a shared machine: compare the ratios, not the
absolute numbers.
"""

from __future__ import annotations

import os
import sys

# Run as a script, this folder would be first on the path and bench/http.py would
# shadow the standard library's http; the repository root is what we import from.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import queue as queues  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

EVALUATORS = ("reference", "loanmatch", "numpy", "zen")  # the reference runs first
LABELS = {
    "loanmatch": "(a) loanmatch · durable_rules",
    "reference": "(b) python reference",
    "numpy": "(c) numpy vectorised",
    "zen": "(d) zen-engine table",
}
ORDER = ("loanmatch", "reference", "numpy", "zen")  # as printed
CODE = {"pass": "P", "fail": "F", "unknown": "U"}
WARMUP = 5


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _inputs(size: int, n_profiles: int, seed: int):
    """The synthetic products (in synth order) and loaded profiles every process rebuilds."""
    from matcher.rulefile.product import read_product
    from matcher.rulefile.source import Location
    from matcher.vocabulary.profile import ProfileError, load_profile
    from product_catalog.synth import AS_OF, synth_catalog, synth_profiles

    products = []
    for data in synth_catalog(size, seed=seed):
        built, problems = read_product(data, data["id"], Location(data["id"], 1, 1))
        if built is None:
            raise ValueError(f"synthetic product {data['id']} is invalid: {problems[0]}")
        products.append(built)
    profiles = []
    for number, raw in enumerate(synth_profiles(n_profiles, seed=seed + 1)):
        try:
            profiles.append(load_profile(raw, as_of=AS_OF))
        except ProfileError as exc:
            raise ValueError(f"synthetic profile {number}: {exc}") from None
    return products, profiles, AS_OF


def _build(evaluator: str, products, as_of):
    """(the built evaluator, the timed call on one profile, its answer → verdict)."""
    if evaluator == "reference":
        from bench.evaluators.python_eval import ReferenceEvaluator

        ev = ReferenceEvaluator(products)
        return (
            ev,
            (lambda p: ev.outcomes(p.values)),
            (lambda p, out: {"outcomes": "".join(CODE[o] for o in out)}),
        )
    if evaluator == "numpy":
        from bench.evaluators.numpy_eval import OUTCOMES, NumpyCatalog

        ev = NumpyCatalog(products)
        return (
            ev,
            (lambda p: ev.codes(p.values)),
            (lambda p, out: {"outcomes": "".join(CODE[OUTCOMES[c]] for c in out.tolist())}),
        )
    if evaluator == "zen":
        from bench.evaluators.zen_eval import ZenCatalog

        ev = ZenCatalog(products)
        return (
            ev,
            (lambda p: ev.eligible(p.values)),
            (
                lambda p, out: {
                    "eligible": sorted(out),
                    "outcomes": "".join(CODE[o] for o in ev.outcomes(p.values)),
                }
            ),
        )
    import orjson

    from matcher.catalog import Catalog
    from matcher.results.document import to_json

    catalog = Catalog(products, "bench")
    index = {p.id: i for i, p in enumerate(products)}
    _engine_time(catalog)

    def verdict(p, answer):
        doc = orjson.loads(answer)
        ids = lambda key: sorted(index[r["product_id"]] for r in doc[key])  # noqa: E731
        return {
            "eligible": ids("matches"),
            "summary": doc["summary"],
            "listed_incomplete": ids("incomplete"),
            "listed_near": ids("near_misses"),
        }

    return catalog, (lambda p: to_json(catalog.match(p, as_of=as_of))), verdict


ENGINE_NS = [0]  # nanoseconds inside durable_rules since last reset (loanmatch only)


def _engine_time(catalog) -> None:
    """Count the time the catalog spends in durable_rules, to print the rest apart."""
    engine = catalog._engine
    run = engine.eligible_many

    def timed(*args, **kwargs):
        started = time.perf_counter_ns()
        try:
            return run(*args, **kwargs)
        finally:
            ENGINE_NS[0] += time.perf_counter_ns() - started

    engine.eligible_many = timed


def measure(size: int, evaluator: str, n_profiles: int, seed: int) -> dict:
    """One evaluator on one catalog size, in this process."""
    products, profiles, as_of = _inputs(size, n_profiles, seed)
    if evaluator == "numpy":
        import numpy  # noqa: F401  (imports belong to the baseline, not to the build)
    elif evaluator == "zen":
        import zen  # noqa: F401
    elif evaluator == "loanmatch":
        import matcher.catalog  # noqa: F401
    gc.collect()
    rss_base = _rss_mb()
    started = time.perf_counter()
    built, decide, verdict = _build(evaluator, products, as_of)
    build_s = time.perf_counter() - started
    gc.collect()
    rss = _rss_mb()
    for profile in profiles[:WARMUP]:
        decide(profile)
    times, outside, verdicts = [], [], []
    for profile in profiles:
        ENGINE_NS[0] = 0
        t0 = time.perf_counter_ns()
        answer = decide(profile)
        times.append((time.perf_counter_ns() - t0) / 1e6)
        outside.append(times[-1] - ENGINE_NS[0] / 1e6)
        verdicts.append(verdict(profile, answer))
    row = {
        "products": size,
        "evaluator": evaluator,
        "build_s": build_s,
        "rss_mb": rss,
        "rss_base_mb": rss_base,
        "median_ms": statistics.median(times),
        "p99_ms": _percentile(times, 0.99),
        "verdicts": verdicts,
    }
    if evaluator == "loanmatch":
        row["outside_ms"] = statistics.median(outside)
        from matcher.vocabulary.profile import load_profile
        from product_catalog.synth import synth_profiles

        raws = synth_profiles(n_profiles, seed=seed + 1)
        validate = []
        for raw in raws:
            t0 = time.perf_counter_ns()
            load_profile(raw, as_of=as_of)
            validate.append((time.perf_counter_ns() - t0) / 1e6)
        row["validate_ms"] = statistics.median(validate)
        row["rulesets"] = getattr(built, "ruleset_count", None)
    return row


def _child(size, evaluator, n_profiles, seed, out) -> None:
    try:
        out.put(measure(size, evaluator, n_profiles, seed))
    except Exception as exc:  # reported by the parent as one line, not a traceback
        out.put({"error": f"{type(exc).__name__}: {exc}"})


def run_isolated(size: int, evaluator: str, n_profiles: int, seed: int) -> dict:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_child, args=(size, evaluator, n_profiles, seed, out))
    proc.start()
    while True:
        try:
            row = out.get(timeout=1)
            break
        except queues.Empty:
            if not proc.is_alive():
                try:
                    row = out.get(timeout=1)
                    break
                except queues.Empty:
                    row = {"error": f"the process exited with status {proc.exitcode}"}
                    break
    proc.join()
    if "error" in row:
        raise RuntimeError(f"{LABELS[evaluator]} at {size} products: {row['error']}")
    return row


def disagreements(reference: dict, row: dict, limit: int = 3) -> list[str]:
    """How ``row`` differs from the reference, one line per problem (at most ``limit``)."""
    problems: list[str] = []
    for number, (ref, got) in enumerate(zip(reference["verdicts"], row["verdicts"])):
        outcomes = ref["outcomes"]
        passed = [i for i, o in enumerate(outcomes) if o == "P"]
        eligible = (
            got["eligible"]
            if "eligible" in got
            else [i for i, o in enumerate(got["outcomes"]) if o == "P"]
        )
        if eligible != passed:
            extra = sorted(set(eligible) - set(passed))
            lacking = sorted(set(passed) - set(eligible))
            problems.append(
                f"profile {number}: eligible but not PASS {extra[:5]}, "
                f"PASS but not eligible {lacking[:5]}"
            )
        elif "outcomes" in got and got["outcomes"] != outcomes:
            product = next(i for i, (a, b) in enumerate(zip(outcomes, got["outcomes"])) if a != b)
            problems.append(
                f"profile {number}, product {product}: reference "
                f"{outcomes[product]}, got {got['outcomes'][product]}"
            )
        elif "summary" in got:
            counts = got["summary"]
            wanted = {
                "eligible": outcomes.count("P"),
                "incomplete": outcomes.count("U"),
                "ineligible": outcomes.count("F"),
            }
            if any(counts.get(k) != v for k, v in wanted.items()):
                problems.append(f"profile {number}: summary {counts}, reference counts {wanted}")
            elif any(outcomes[i] != "U" for i in got["listed_incomplete"]) or any(
                outcomes[i] != "F" for i in got["listed_near"]
            ):
                problems.append(
                    f"profile {number}: a listed incomplete product is not UNKNOWN "
                    f"or a listed near miss is not FAIL in the reference"
                )
        if len(problems) >= limit:
            break
    return problems


def run_size(size: int, n_profiles: int, seed: int) -> dict:
    rows = {name: run_isolated(size, name, n_profiles, seed) for name in EVALUATORS}
    reference = rows["reference"]
    agreement = {
        name: disagreements(reference, rows[name]) for name in EVALUATORS if name != "reference"
    }
    a, c, d = (rows[n]["median_ms"] for n in ("loanmatch", "numpy", "zen"))
    passes = sum(v["outcomes"].count("P") for v in reference["verdicts"])
    return {
        "products": size,
        "profiles": n_profiles,
        "seed": seed,
        "validate_ms": rows["loanmatch"]["validate_ms"],
        "outside_ms": rows["loanmatch"]["outside_ms"],
        "rulesets": rows["loanmatch"]["rulesets"],
        "eligible_share": passes / (size * n_profiles),
        "ratio_a_to_d": a / d,
        "ratio_a_to_c": a / c,
        "rows": {name: {k: v for k, v in rows[name].items() if k != "verdicts"} for name in ORDER},
        "agreement": agreement,
    }


def _print_size(result: dict) -> None:
    for name in ORDER:
        row = result["rows"][name]
        size = f"{result['products']:>8,}" if name == ORDER[0] else " " * 8
        print(
            f"{size}  {LABELS[name]:<31} {row['build_s']:>8.2f} {row['rss_mb']:>7.0f} "
            f"{row['rss_mb'] - row['rss_base_mb']:>6.0f} {row['median_ms']:>10.3f} "
            f"{row['p99_ms']:>9.3f}"
        )
    print(
        f"{'':8}  ratios of medians: (a)/(d) = {result['ratio_a_to_d']:.2f} · "
        f"(a)/(c) = {result['ratio_a_to_c']:.1f} · (a) outside durable_rules "
        f"{result['outside_ms']:.3f} ms · (a) holds {result['rulesets']} rulesets · "
        f"eligible {100 * result['eligible_share']:.1f}% of products · "
        f"profile validation (not in the figures) {result['validate_ms']:.3f} ms"
    )
    for name, problems in result["agreement"].items():
        if problems:
            print(f"{'':8}  DISAGREEMENT {LABELS[name]}: " + "; ".join(problems))


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--sizes takes numbers separated by commas, not {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--sizes takes catalog sizes of 1 or more")
    return sizes


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(
            f"--profiles takes a whole number of 1 or more, not {text!r}"
        )
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[300, 3000, 10000],
        help="catalog sizes, comma-separated (default 300,3000,10000)",
    )
    parser.add_argument(
        "--profiles", type=_positive, default=200, help="profiles per size (default 200)"
    )
    parser.add_argument("--seed", type=int, default=0, help="synth seed (default 0)")
    parser.add_argument("--json", action="store_true", help="one JSON object per size")
    args = parser.parse_args(argv)
    if not args.json:
        print(
            f"loanmatch bench/compare.py · {args.profiles} profiles per size "
            f"(+{WARMUP} warm-up) · seed {args.seed} · {os.cpu_count()} CPUs · "
            f"load average {os.getloadavg()[0]:.1f} · ms per profile"
        )
        print(
            f"{'products':>8}  {'evaluator':<31} {'build s':>8} {'RSS MB':>7} {'+MB':>6} "
            f"{'median ms':>10} {'p99 ms':>9}"
        )
    failed = False
    for size in args.sizes:
        try:
            result = run_size(size, args.profiles, args.seed)
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        failed |= any(result["agreement"].values())
        if args.json:
            print(json.dumps(result))
        else:
            _print_size(result)
    if not args.json:
        print(
            "agreement: "
            + (
                "DISAGREEMENT (see above)"
                if failed
                else "all four agree on eligibility for every profile and product; "
                "(c) and (d) three-valued, (a) by its counts and lists"
            )
        )
        print(
            f"load average at the end {os.getloadavg()[0]:.1f} (a busy machine slows "
            f"every figure; compare the ratios)"
        )
        print(
            "+MB = RSS after building the evaluator minus RSS before (products, profiles "
            "and the evaluator's library already loaded)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
