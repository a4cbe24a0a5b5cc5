"""Two versions of loanmatch answering the same profiles, interleaved: the same-day baseline.

    python bench/ab.py main                      # main against the working tree, 3,000 products
    python bench/ab.py main --sizes 3000,10000 --rounds 30

On a shared machine absolute times move by tens of percent from minute to minute,
so a baseline measured an hour earlier says little. Here each version is exported
(``git archive``) and loaded in its own process; the processes then answer batches
of 20 profiles in turn (A B B A …), so both see the same load. Timed per profile:
the default answer as the API sends it (bytes; ``to_dict`` + orjson for a version
without ``matcher.results.document``), wall and CPU time of the thread, and the
part spent inside durable_rules (``Engine.eligible_many``), to print the rest apart.
Compare the ratios printed; CPU time is less disturbed by other processes than wall.
Then both versions write every option's document for the first profiles, and the run
says whether the bytes are the same.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BATCH = 20  # profiles answered by one version before the other's turn
PROFILES = 300

SAME_BYTES = 60  # profiles whose documents both versions write, every option, to compare
OPTIONS = [
    (explain, lang, top)
    for explain in ("none", "failed", "all")
    for lang in (None, "zh", "en")
    for top in (None, 0, 7)
]

CHILD = r"""
import json, sys, time
# An editable install of loanmatch answers imports the exported tree lacks with the
# checkout's own modules: drop it, so each process runs its version's code only.
sys.meta_path[:] = [f for f in sys.meta_path if "Editable" not in getattr(f, "__name__", "")]
from matcher.engine import durable
try:
    from matcher.catalog import Catalog
except ImportError:  # before the catalog moved out of matcher.engine
    from matcher.engine.catalog import Catalog
from matcher.rulefile.product import read_product
from matcher.rulefile.source import Location
from matcher.vocabulary.profile import load_profile
from product_catalog.synth import AS_OF, synth_catalog, synth_profiles

size, count = int(sys.argv[1]), int(sys.argv[2])
products = [read_product(d, d["id"], Location(d["id"], 1, 1))[0]
            for d in synth_catalog(size, seed=0)]
catalog = Catalog(products, "bench")
profiles = [load_profile(p, as_of=AS_OF) for p in synth_profiles(count, seed=1)]
try:
    from matcher.results.document import to_json
except ImportError:  # before answers were assembled from pieces
    import orjson
    to_json = lambda result, *options: orjson.dumps(result.to_dict(*options))
answer = lambda p: to_json(catalog.match(p))
inside = [0, 0]
run = durable.Engine.eligible_many
def timed(self, *args, **kwargs):
    wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
    try:
        return run(self, *args, **kwargs)
    finally:
        inside[0] += time.perf_counter_ns() - wall
        inside[1] += time.thread_time_ns() - cpu
durable.Engine.eligible_many = timed
for p in profiles[:10]:
    answer(p)
print("ready", flush=True)
turn = 0
for line in sys.stdin:
    if line.strip() == "bytes":  # every option's document for the first profiles, hashed
        import hashlib
        digest = hashlib.sha256()
        for p in profiles[:SAME_BYTES]:
            result = catalog.match(p)
            for options in OPTIONS:
                digest.update(to_json(result, *options))
        print(json.dumps(digest.hexdigest()), flush=True)
        continue
    rows = []
    for _ in range(int(line)):
        p = profiles[turn % len(profiles)]
        turn += 1
        inside[:] = [0, 0]
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        answer(p)
        wall, cpu = time.perf_counter_ns() - wall, time.thread_time_ns() - cpu
        rows.append([wall / 1e6, cpu / 1e6, inside[0] / 1e6, inside[1] / 1e6])
    print(json.dumps(rows), flush=True)
"""


def export(revision: str, into: Path) -> Path:
    """The tree of ``revision`` as plain files (no worktree, no checkout)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryFile() as raw:
        raw.write(archive)
        raw.seek(0)
        with tarfile.open(fileobj=raw) as tar:
            tar.extractall(into, filter="data")
    return into


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def compare(trees: dict[str, Path], size: int, rounds: int) -> tuple[dict[str, dict], bool]:
    """Each version's figures, and whether both wrote the same documents."""
    procs = {}
    for name, tree in trees.items():
        env = {**os.environ, "PYTHONPATH": str(tree)}
        procs[name] = subprocess.Popen(
            [sys.executable, "-c", f"SAME_BYTES = {SAME_BYTES}\nOPTIONS = {OPTIONS!r}\n{CHILD}"]
            + [str(size), str(PROFILES)],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
    for name, proc in procs.items():
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"{name} did not start; run it alone to see why")
    rows: dict[str, list] = {name: [] for name in procs}
    names = list(procs)
    for number in range(rounds):
        for name in names if number % 2 == 0 else names[::-1]:
            procs[name].stdin.write(f"{BATCH}\n")
            procs[name].stdin.flush()
            rows[name].extend(json.loads(procs[name].stdout.readline()))
    digests = {}
    for name, proc in procs.items():  # after the timing: the same bytes, or not?
        proc.stdin.write("bytes\n")
        proc.stdin.flush()
        digests[name] = json.loads(proc.stdout.readline())
        proc.stdin.close()
        proc.wait()
    out = {}
    for name, found in rows.items():
        wall = [r[0] for r in found]
        out[name] = {
            "median_ms": statistics.median(wall),
            "p99_ms": _percentile(wall, 0.99),
            "cpu_median_ms": statistics.median(r[1] for r in found),
            "cpu_p99_ms": _percentile([r[1] for r in found], 0.99),
            "engine_median_ms": statistics.median(r[2] for r in found),
            "outside_median_ms": statistics.median(r[0] - r[2] for r in found),
            "outside_cpu_median_ms": statistics.median(r[1] - r[3] for r in found),
            "answers": len(found),
        }
    return out, len(set(digests.values())) == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the baseline: a git revision (e.g. main)")
    parser.add_argument("--sizes", default="3000", help="catalog sizes, comma-separated")
    parser.add_argument(
        "--rounds",
        type=int,
        default=20,
        help=f"turns per version, {BATCH} profiles each (default 20)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loanmatch-ab-") as folder:
        trees = {args.base: export(args.base, Path(folder) / "base"), "this tree": REPO}
        print(
            f"loanmatch bench/ab.py · {args.base} against this tree · {args.rounds} turns "
            f"of {BATCH} profiles each, interleaved · load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"{'products':>8}  {'version':<12} {'median ms':>9} {'p99 ms':>8} {'cpu ms':>7} "
            f"{'cpu p99':>8} {'durable':>8} {'outside':>8} {'outside cpu':>11}"
        )
        for size in (int(s) for s in args.sizes.split(",")):
            result, same = compare(trees, size, args.rounds)
            for name, r in result.items():
                print(
                    f"{size:>8}  {name:<12} {r['median_ms']:>9.3f} {r['p99_ms']:>8.3f} "
                    f"{r['cpu_median_ms']:>7.3f} {r['cpu_p99_ms']:>8.3f} "
                    f"{r['engine_median_ms']:>8.3f} {r['outside_median_ms']:>8.3f} "
                    f"{r['outside_cpu_median_ms']:>11.3f}",
                    flush=True,
                )
            base, this = result[args.base], result["this tree"]
            ratio = {key: this[key] / base[key] for key in base if key != "answers"}
            print(
                f"{'':>8}  ratios this/{args.base}: median {ratio['median_ms']:.2f}"
                f" · cpu {ratio['cpu_median_ms']:.2f}"
                f" · outside durable_rules {ratio['outside_median_ms']:.2f}"
                f" (cpu {ratio['outside_cpu_median_ms']:.2f})"
                f" · p99 {ratio['p99_ms']:.2f}",
                flush=True,
            )
            print(
                f"{'':>8}  documents: "
                + (
                    f"the same bytes ({SAME_BYTES} profiles × {len(OPTIONS)} options)"
                    if same
                    else "DIFFERENT bytes for the same profiles and options"
                ),
                flush=True,
            )
        print(
            f"load average at the end {os.getloadavg()[0]:.1f}; durable = time inside "
            f"durable_rules, outside = the rest of the answer (screening, ranking, bytes)"
        )


if __name__ == "__main__":
    main()
