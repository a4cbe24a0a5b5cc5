"""Throughput and latency of ``POST /v1/match`` through gunicorn, at 300 and 3,000 products.

Why this shape: the number that matters to a portal is requests per second and
tail latency of the real deployment (gunicorn with ``gunicorn.conf.py``, preloaded
catalog, JSON access logs), driven from another process over HTTP, not a function
call in a loop. The catalog and profiles are synthetic (``product_catalog.synth``,
fixed seed), so runs are comparable. The load tool is ``wrk`` when installed
(``apt-get install wrk``), else a multiprocessing Python client.

    python bench/http.py                       # 300 and 3,000 products, 15 s per variant
    python bench/http.py --sizes 300 --duration 5
    python bench/http.py --sizes 3000 --warmup 0     # include the workers' first seconds
    python bench/http.py --rate-limit-storage redis://127.0.0.1:6379   # limits shared in Redis
    python bench/http.py --sizes 3000 --base main --rounds 3   # main and this tree in turns
"""

from __future__ import annotations

import os
import sys

# This file is named http.py: keep its folder off the path so `http` is the stdlib's.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import http.client  # noqa: E402
import multiprocessing  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# query string → what a caller asks for
VARIANTS = {
    "": "default (explain=failed)",
    "?explain=none&top=10": "pre-screen (explain=none, top=10)",
}
WRK_SCRIPT = """
local bodies, i = {}, 0
for line in io.lines(os.getenv("LOANMATCH_BENCH_PROFILES")) do bodies[#bodies + 1] = line end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_catalog(n: int, folder: Path, profiles: int) -> tuple[Path, Path]:
    from product_catalog.synth import synth_catalog, synth_profiles, write_catalog

    write_catalog(folder, synth_catalog(n, seed=1), synth_profiles(profiles, seed=1))
    return folder / "rules", folder / "profiles.jsonl"


def start_server(rules: Path, port: int, rate_limit_storage: str | None = None, tree: Path = REPO):
    """gunicorn serving ``rules`` with the code and settings of ``tree`` (this checkout,
    or another version exported by ``--base``), and a data folder of its own beside the
    rules, so that every server starts from the same empty state."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOANMATCH_", "PROMETHEUS_"))}
    if rate_limit_storage:  # counted on every request, with a budget the load never reaches
        env.update(
            LOANMATCH_RATE_LIMIT="100000000/minute", LOANMATCH_RATE_LIMIT_STORAGE=rate_limit_storage
        )
    else:
        env.update(LOANMATCH_RATE_LIMIT="off")
    env.update(
        LOANMATCH_RULES=str(rules),
        LOANMATCH_AUTH="off",
        LOANMATCH_DATA_DIR=str(rules.parent / f"data-{port}"),
        LOANMATCH_MAX_BODY="4MiB",  # the batch of BATCH profiles below
        LOANMATCH_BIND=f"127.0.0.1:{port}",
        LOANMATCH_LOG_LEVEL="WARNING",
        PYTHONPATH=str(tree),
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:app"],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    while time.monotonic() - started < 600:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return process, time.monotonic() - started
        except OSError:
            time.sleep(0.25)
    raise SystemExit("gunicorn did not become ready")


def stop_server(process) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def pss_mib(pid: int) -> float | None:
    """Proportional set size of master and workers: pages shared after fork count once."""
    try:
        import psutil

        parent = psutil.Process(pid)
        return sum(p.memory_full_info().pss for p in [parent, *parent.children()]) / 2**20
    except (ImportError, AttributeError, OSError):
        return None


def run_wrk(url: str, profiles: Path, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "30s",
                "-s",
                script.name,
                url,
            ],
            env={**os.environ, "LOANMATCH_BENCH_PROFILES": str(profiles)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)

    def ms(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def _client(args) -> list[float]:
    port, path, bodies, seconds, offset = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, i, stop = [], offset, time.monotonic() + seconds
    while time.monotonic() < stop:
        body = bodies[i % len(bodies)]
        i += 1
        started = time.perf_counter()
        connection.request("POST", path, body.encode("utf-8"), {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000 if response.status == 200 else -1.0)
    return latencies


def run_python(port: int, path: str, profiles: Path, seconds: int, connections: int) -> dict:
    bodies = profiles.read_text(encoding="utf-8").splitlines()
    with multiprocessing.Pool(connections) as pool:
        started = time.monotonic()
        jobs = [(port, path, bodies, seconds, k * 7) for k in range(connections)]
        parts = pool.map(_client, jobs)
        elapsed = time.monotonic() - started
    done = sorted(x for part in parts for x in part if x >= 0)
    errors = sum(1 for part in parts for x in part if x < 0)
    pick = lambda q: done[min(len(done) - 1, int(q * len(done)))] if done else float("nan")  # noqa: E731
    return {
        "rps": (len(done) + errors) / elapsed,
        "p50": pick(0.50),
        "p99": pick(0.99),
        "errors": errors,
        "socket_errors": "",
    }


BATCH = 1000  # profiles in one POST /v1/match/batch (the API's limit)


def run_batch(port: int, profiles: Path, repeats: int = 3) -> dict:
    """Seconds for one ``POST /v1/match/batch`` of BATCH profiles (the defaults: top=10,
    explain=none), the median of a few, after one warm-up call."""
    import json
    import statistics

    lines = profiles.read_text(encoding="utf-8").splitlines()
    body = json.dumps(
        {"profiles": [json.loads(lines[i % len(lines)]) for i in range(BATCH)]}, ensure_ascii=False
    ).encode("utf-8")
    seconds = []
    for attempt in range(repeats + 1):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        started = time.perf_counter()
        connection.request("POST", "/v1/match/batch", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise SystemExit(f"batch: HTTP {response.status}: {answer[:300]!r}")
        if attempt:
            seconds.append(time.perf_counter() - started)
        connection.close()
    return {"seconds": statistics.median(seconds), "bytes": len(answer), "body": len(body)}


def load(tool: str, port: int, path: str, profiles: Path, seconds: int, connections: int) -> dict:
    if tool == "wrk":
        return run_wrk(f"http://127.0.0.1:{port}{path}", profiles, seconds, connections)
    return run_python(port, path, profiles, seconds, connections)


def against_base(args, tool: str, base: Path, size: int, rules: Path, profiles: Path) -> None:
    """The default answer from ``--base``'s service and this tree's, in turns (A B B A …),
    so that both see the same minutes of a shared machine: the same-day baseline."""
    trees = {args.base: base, "this tree": REPO}
    found: dict[str, list[dict]] = {name: [] for name in trees}
    for number in range(args.rounds):
        for name in list(trees) if number % 2 == 0 else list(trees)[::-1]:
            port = free_port()
            process, _ready = start_server(rules, port, args.rate_limit_storage, trees[name])
            try:
                if args.warmup:
                    load(tool, port, "/v1/match", profiles, args.warmup, args.connections)
                r = load(tool, port, "/v1/match", profiles, args.duration, args.connections)
            finally:
                stop_server(process)
            found[name].append(r)
            print(
                f"{size:>8}  {name:<36} {r['rps']:>8.1f} {r['p50']:>8.1f} "
                f"{r['p99']:>8.1f} {r['errors']:>6} {r['socket_errors']}",
                flush=True,
            )
    mean = {
        name: {key: sum(r[key] for r in runs) / len(runs) for key in ("rps", "p99")}
        for name, runs in found.items()
    }
    base_mean, this_mean = mean[args.base], mean["this tree"]
    if not base_mean["rps"] or not base_mean["p99"]:
        print(f"{'':>8}  {args.base} answered nothing: no ratios", flush=True)
        return
    print(
        f"{'':>8}  means of {args.rounds}: {args.base} {base_mean['rps']:.1f} req/s, "
        f"p99 {base_mean['p99']:.1f} ms · this tree {this_mean['rps']:.1f} req/s, "
        f"p99 {this_mean['p99']:.1f} ms · ratios this/{args.base}: "
        f"req/s {this_mean['rps'] / base_mean['rps']:.2f}, "
        f"p99 {this_mean['p99'] / base_mean['p99']:.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300,3000", help="catalog sizes (comma-separated)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--profiles", type=int, default=200, help="distinct profiles posted")
    parser.add_argument(
        "--warmup", type=int, default=5, help="seconds of untimed load first (0: none)"
    )
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--rate-limit-storage",
        metavar="URL",
        help="count the per-key rate limit there (e.g. redis://127.0.0.1:6379) "
        "on every request; default: no rate limit",
    )
    parser.add_argument(
        "--base",
        metavar="REV",
        help="also serve this git revision, in turns with this tree (the default answer "
        "only), and print the ratios: the same-day baseline",
    )
    parser.add_argument("--rounds", type=int, default=3, help="turns per version with --base")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    tool = ("wrk" if shutil.which("wrk") else "python") if args.tool == "auto" else args.tool
    workers = os.environ.get("LOANMATCH_WORKERS", str((os.cpu_count() or 1) + 1))
    threads = int(os.environ.get("LOANMATCH_THREADS", "1"))
    kind = f"gthread × {threads} threads" if threads > 1 else "sync"
    print(
        f"POST /v1/match through gunicorn ({workers} workers, {kind}, {os.cpu_count()} cores), "
        f"load: {tool}, {args.connections} connections, {args.duration} s each"
        + (
            f", rate limit counted in {args.rate_limit_storage.split('://')[0]}"
            if args.rate_limit_storage
            else ""
        )
    )
    print(
        f"{'products':>8}  {'request':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=f"loanmatch-bench-{size}-") as folder:
            rules, profiles = make_catalog(size, Path(folder), args.profiles)
            if args.base:
                from bench.ab import export

                base = export(args.base, Path(folder) / "base")
                against_base(args, tool, base, size, rules, profiles)
                continue
            port = free_port()
            process, ready_in = start_server(rules, port, args.rate_limit_storage)
            try:
                memory = pss_mib(process.pid)
                if args.warmup:  # workers fresh from the fork touch their pages first: untimed
                    load(tool, port, "/v1/match", profiles, args.warmup, args.connections)
                for query, label in VARIANTS.items():
                    path = "/v1/match" + query
                    r = load(tool, port, path, profiles, args.duration, args.connections)
                    print(
                        f"{size:>8}  {label:<36} {r['rps']:>8.1f} {r['p50']:>8.1f} "
                        f"{r['p99']:>8.1f} {r['errors']:>6} {r['socket_errors']}",
                        flush=True,
                    )
                b = run_batch(port, profiles)
                print(
                    f"{size:>8}  {f'batch of {BATCH} (top=10, explain=none)':<36} "
                    f"{b['seconds']:>7.2f}s  (median of 3; {b['body'] / 2**20:.1f} MiB in, "
                    f"{b['bytes'] / 2**20:.1f} MiB out)",
                    flush=True,
                )
                shown = f", {memory:.0f} MiB PSS, master and workers" if memory else ""
                print(f"{'':>8}  (ready in {ready_in:.1f} s{shown})", flush=True)
            finally:
                stop_server(process)


if __name__ == "__main__":
    main()
