"""Two instances, one catalog: how soon a publish is served everywhere, and the master's memory.

Starts two gunicorn instances of the service (separate ports, rules and data folders)
on one Redis, publishes a product N times through instance A, and for each publish
prints how many seconds after A's answer A's and B's fresh workers served the new
``catalog_version``, and A's master resident memory once it did. A master that kept
every compiled catalog would grow by the catalog's size a publish; the last line
compares the memory after the first publish with the memory after the last.

    python bench/instances.py                          # 20 publishes, Redis on 6379
    python bench/instances.py --products 3000          # a synthetic catalog of 3,000
    python bench/instances.py --products 3000 --cores-apart   # A and B a core each
    python bench/instances.py --publishes 50 --redis redis://127.0.0.1:6379/0

Without ``--products`` both instances serve the repository's ``rules/``; with it, a
synthetic catalog (``product_catalog.synth``, fixed seed) of that many products, plus
the probe, which the icbc key publishes (a bank's product ids start with its id). Each
instance's log stays in the run's folder when ``--keep`` is given (the masters log when
a head is noticed, merged, checked, recorded and served, with times). On one machine
both instances re-execute at the same moment on the same cores, which two hosts would
not: ``--cores-apart`` gives each its own core (``taskset``).
"""

from __future__ import annotations

import os
import sys

# bench/http.py would shadow the standard library's `http`: keep this folder off the path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
KEYS = {
    "portal": "bench-portal-key-000001",
    "admin": "bench-admin-key-0000001",
    "icbc": "bench-icbc-key-00000001",
}
PROBE = """\
id: icbc-bench-probe
bank: icbc
name: 基准试验贷{number}
eligibility:
  all:
    - {{field: years_in_business, op: ">=", value: 2}}
"""
PROFILE = {"established_on": "2016-05-20", "region_code": "130203", "industry_code": "C3311"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(
    base: str,
    path: str,
    key: str,
    body: bytes | None = None,
    method: str | None = None,
    content_type: str = "application/json",
) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=body,
        method=method,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {key}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=180) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def synthetic_rules(folder: Path, products: int) -> Path:
    """``folder/rules``: ``products`` synthetic products (a fixed seed: runs compare)."""
    from product_catalog.synth import synth_catalog, write_catalog

    write_catalog(folder, synth_catalog(products, seed=1), [])
    return folder / "rules"


class Instance:
    def __init__(
        self, folder: Path, redis_url: str, prefix: str, rules: Path, core: int | None = None
    ):
        shutil.copytree(rules, folder / "rules")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("LOANMATCH_", "PROMETHEUS_"))
        }
        env.update(
            PYTHONPATH=str(REPO),
            LOANMATCH_RULES=str(folder / "rules"),
            LOANMATCH_DATA_DIR=str(folder / "var"),
            LOANMATCH_REDIS_URL=redis_url,
            LOANMATCH_REDIS_PREFIX=prefix,
            LOANMATCH_PUBLISH_INTERVAL="off",
            LOANMATCH_API_KEYS=",".join(
                [f"portal:{KEYS['portal']}", f"admin:{KEYS['admin']}", f"bank:icbc:{KEYS['icbc']}"]
            ),
            LOANMATCH_BIND=f"127.0.0.1:{self.port}",
            LOANMATCH_WORKERS="2",
            LOANMATCH_RATE_LIMIT="off",
            LOANMATCH_ACCESS_LOG="/dev/null",
        )
        self.log = (folder / "gunicorn.log").open("wb")  # closed by stop()
        command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:app"]
        if core is not None:  # as on a host of its own: its master and workers on one core
            command = ["taskset", "-c", str(core), *command]
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if call(self.base, "/v1/admin/catalog", KEYS["admin"])[1].get("watching"):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"instance on {self.port} did not start; see {folder}/gunicorn.log")

    def version(self) -> str:
        return call(
            self.base, "/v1/match?explain=none", KEYS["portal"], json.dumps(PROFILE).encode()
        )[1].get("catalog_version", "")

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def served_after(instances: list[Instance], version: str, started: float) -> list[float]:
    seconds = [float("nan")] * len(instances)
    while any(s != s for s in seconds) and time.monotonic() - started < 120:
        for i, instance in enumerate(instances):
            if seconds[i] != seconds[i] and instance.version() == version:
                seconds[i] = time.monotonic() - started
        time.sleep(0.05)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--products", type=int, default=0, help="a synthetic catalog of N (0: the repository's)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder with the logs")
    parser.add_argument(
        "--cores-apart",
        action="store_true",
        help="A on the first core, B on the second (taskset): two hosts, as in production,"
        " instead of both re-executing on the same cores",
    )
    args = parser.parse_args()
    import redis
    from rich.progress import Progress

    prefix = f"loanmatch-bench:{uuid.uuid4().hex[:12]}:"
    folder = Path(tempfile.mkdtemp(prefix="loanmatch-bench-"))
    rules = synthetic_rules(folder / "synth", args.products) if args.products else REPO / "rules"
    cores = (0, 1) if args.cores_apart else (None, None)
    a = Instance(folder / "a", args.redis, prefix, rules, cores[0])
    b = Instance(folder / "b", args.redis, prefix, rules, cores[1])
    rows = []
    try:
        with Progress(transient=True) as progress:
            task = progress.add_task("publishing on A", total=args.publishes)
            for number in range(1, args.publishes + 1):
                status, doc = call(
                    a.base,
                    "/v1/banks/icbc/products/icbc-bench-probe",
                    KEYS["icbc"],
                    PROBE.format(number=number).encode(),
                    "PUT",
                    "application/yaml",
                )
                if status not in (200, 201):
                    raise SystemExit(f"publish {number} got {status}: {doc}")
                on_a, on_b = served_after([a, b], doc["catalog_version"], time.monotonic())
                rows.append((number, on_a, on_b, a.rss_mib()))
                progress.advance(task)
    finally:
        a.stop()
        b.stop()
        client = redis.Redis.from_url(args.redis)
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)
        if args.keep:
            print(f"logs kept in {folder}/a and {folder}/b")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{'publish':>7} {'served on A (s)':>16} {'served on B (s)':>16} {'A master RSS (MiB)':>19}"
    )
    for number, on_a, on_b, rss in rows:
        print(f"{number:>7} {on_a:>16.2f} {on_b:>16.2f} {rss:>19.1f}")
    b_times = [r[2] for r in rows]
    first, last = rows[0][3], rows[-1][3]
    print(
        f"{len(rows)} publishes on A: served on B after {statistics.median(b_times):.2f} s "
        f"(median), {max(b_times):.2f} s (max); A's master {first:.1f} MiB after the first, "
        f"{last:.1f} MiB after the last ({(last - first) / first:+.1%})"
    )


if __name__ == "__main__":
    main()
