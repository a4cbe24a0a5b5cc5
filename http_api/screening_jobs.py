"""A bank's screening as a background job: its state in Redis, its results in the data folder.

The worker that accepts ``POST /v1/banks/{bank}/screenings`` runs the job in a thread of
its own, writing its status and progress (percent) to Redis and its results under
``<data>/screenings/<id>/``, so any worker of any instance sharing that Redis and data
folder answers ``GET``. Only what a bank may see is ever written where the API serves
from: the summary with small cells suppressed, and the consenting eligible firms under
the bank's pseudonyms (``screening.disclosure``). The pseudonym → firm id map the
invitations need sits beside them and is never served.

A job whose worker died stops beating; after ``STALE_AFTER`` seconds it shows as failed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import redis

from matcher.authoring.atomic import write_atomically
from matcher.rulefile.product import Product
from screening.disclosure import bank_summary, pseudonym
from screening.embedded import screen_embedded
from screening.firmbase import read_firms

log = logging.getLogger("loanmatch.screening")
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STALE_AFTER = 300.0  # seconds without a beat before a running job counts as failed
BEAT_EVERY = 0.5
RESULTS = "results.parquet"
SUMMARY = "summary.json"
FIRM_IDS = "firm-ids.parquet"  # pseudonym → platform firm id; never served
# What a job records as JSON, and the members of its document (GET …/screenings/<id>).
RECORDED = (
    "products",
    "draft",
    "firm_base_version",
    "catalog_version",
    "as_of",
    "firms_listed",
    "error",
)
DOCUMENT = (
    "id",
    "bank",
    "status",
    "progress",
    "created_at",
    "finished_at",
    *RECORDED,
    "summary",
    "min_cell",
    "results",
)
PLAIN = ("status", "progress", "finished_at")  # kept as text in the hash; the rest as JSON


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ScreeningJobs:
    """Screenings of every bank: a hash per job, a sorted set per bank."""

    client: redis.Redis
    prefix: str
    data_dir: Path

    def key(self, job_id: str) -> str:
        return f"{self.prefix}screening:{job_id}"

    def bank_key(self, bank: str) -> str:
        return f"{self.prefix}bank:{bank}:screenings"

    def folder(self, job_id: str) -> Path:
        return self.data_dir / "screenings" / job_id

    def create(self, bank: str, fields: dict[str, Any]) -> str:
        job_id = uuid.uuid4().hex
        record = {
            "id": job_id,
            "bank": bank,
            "status": QUEUED,
            "progress": 0,
            "created_at": now_text(),
            "beat": time.time(),
            **{k: json.dumps(v, ensure_ascii=False) for k, v in fields.items()},
        }
        pipe = self.client.pipeline()
        pipe.hset(self.key(job_id), mapping=record)
        pipe.zadd(self.bank_key(bank), {job_id: time.time()})
        pipe.execute()
        return job_id

    def get(self, job_id: str, bank: str | None) -> dict[str, Any] | None:
        """The job, if it exists and (``bank`` given) is that bank's; None otherwise."""
        if not job_id.isalnum() or len(job_id) != 32:
            return None
        raw = self.client.hgetall(self.key(job_id))
        if not raw or (bank is not None and raw.get("bank") != bank):
            return None
        return self._view(raw)

    def recent(self, bank: str, count: int = 50) -> list[dict[str, Any]]:
        ids = self.client.zrevrange(self.bank_key(bank), 0, count - 1)
        found = [self.get(i, bank) for i in ids]
        return [j for j in found if j is not None]

    def _view(self, raw: dict[str, str]) -> dict[str, Any]:
        job: dict[str, Any] = {
            "id": raw["id"],
            "bank": raw["bank"],
            "status": raw["status"],
            "progress": int(raw.get("progress", 0)),
            "created_at": raw["created_at"],
        }
        for name in RECORDED:
            if name in raw:
                job[name] = json.loads(raw[name])
        if "finished_at" in raw:
            job["finished_at"] = raw["finished_at"]
        if job["status"] in (QUEUED, RUNNING) and time.time() - float(raw["beat"]) > STALE_AFTER:
            job["status"] = FAILED
            job["error"] = "the process running this screening stopped; start it again"
        return job

    def update(self, job_id: str, **fields: Any) -> None:
        values: dict[str, Any] = {
            k: v if k in PLAIN else json.dumps(v, ensure_ascii=False) for k, v in fields.items()
        }
        values["beat"] = time.time()
        self.client.hset(self.key(job_id), mapping=values)

    def summary(self, job_id: str) -> dict[str, Any] | None:
        path = self.folder(job_id) / SUMMARY
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def results(self, job_id: str) -> pa.Table:
        return pq.read_table(self.folder(job_id) / RESULTS)

    def firm_ids(self, job_id: str, pseudonyms: list[str]) -> dict[str, tuple[str, str]]:
        """pseudonym → (firm id, product id) for those listed by this screening."""
        table = pq.read_table(self.folder(job_id) / FIRM_IDS)
        table = table.filter(pc.is_in(table["firm"], pa.array(pseudonyms, pa.string())))
        return {r["firm"]: (r["firm_id"], r["product_id"]) for r in table.to_pylist()}


@dataclass
class Job:
    """What a screening runs on, fixed when it is accepted."""

    id: str
    bank: str
    products: list[Product]
    catalog_version: str
    snapshot: Path
    as_of: date
    secret: bytes


def start(jobs: ScreeningJobs, job: Job) -> threading.Thread:
    """Run ``job`` in a thread of this process (a daemon: a stopping worker does not wait)."""
    thread = threading.Thread(
        target=run, args=(jobs, job), name=f"screening-{job.id[:8]}", daemon=True
    )
    thread.start()
    return thread


def run(jobs: ScreeningJobs, job: Job) -> None:
    try:
        jobs.update(job.id, status=RUNNING, progress=1)
        base = read_firms(job.snapshot)
        jobs.update(job.id, progress=5)
        done, total, last = 0, max(1, len(job.products) * max(1, -(-len(base) // (1 << 20)))), 0.0

        def advance(n: int = 1) -> None:
            nonlocal done, last
            done += n
            if time.monotonic() - last >= BEAT_EVERY:
                last = time.monotonic()
                jobs.update(job.id, progress=min(95, 5 + 90 * done // total))

        result = screen_embedded(
            base, job.products, job.catalog_version, job.as_of, statuses=True, progress=advance
        )
        folder = jobs.folder(job.id)
        folder.mkdir(parents=True, exist_ok=True)
        listed = _listed(base, result.statuses, job)
        write_atomically(folder / FIRM_IDS, _parquet(listed))
        write_atomically(folder / RESULTS, _parquet(listed.drop_columns(["firm_id"])))
        summary = bank_summary(result.summary)
        write_atomically(
            folder / SUMMARY, json.dumps(summary, ensure_ascii=False, sort_keys=True).encode()
        )
        jobs.update(
            job.id, status=DONE, progress=100, finished_at=now_text(), firms_listed=listed.num_rows
        )
    except Exception as exc:  # the job's thread: log it, and tell the bank it failed
        log.exception("screening %s failed", job.id)
        try:
            jobs.update(
                job.id,
                status=FAILED,
                finished_at=now_text(),
                error=f"the screening failed ({type(exc).__name__}); start it again",
            )
        except redis.RedisError:
            log.error("screening %s: its failure could not be recorded", job.id)


def _listed(base, statuses: pa.Table, job: Job) -> pa.Table:
    """The eligible firms that agreed to be contacted: pseudonym, product, firm id."""
    consenting = pa.array(base.firm_ids[base.consent].tolist(), pa.string())
    keep = pc.and_(
        pc.equal(statuses["status"].cast(pa.string()), "eligible"),
        pc.is_in(statuses["firm_id"], consenting),
    )
    rows = statuses.filter(keep)
    firm_ids = rows["firm_id"].to_pylist()
    names = [pseudonym(job.secret, job.bank, f) for f in firm_ids]
    return pa.table(
        {
            "firm": pa.array(names, pa.string()),
            "product_id": rows["product_id"].cast(pa.string()),
            "status": pa.array(["eligible"] * len(names), pa.string()),
            "firm_id": pa.array(firm_ids, pa.string()),
        }
    )


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def running_count(jobs: ScreeningJobs, bank: str) -> int:
    return sum(1 for j in jobs.recent(bank, 20) if j["status"] in (QUEUED, RUNNING))
