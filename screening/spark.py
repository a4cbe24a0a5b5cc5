"""The Spark engine: the same screening, one Spark partition of the snapshot at a time.

Why the same code: each partition is screened by ``screen.screen_slice`` inside
``mapInArrow`` — the very function the embedded engine runs per slice — so the two
engines cannot disagree on an answer; Spark only distributes the slices, each ships
its additive ``Counts`` (a few megabytes, whatever the number of firms) to the
driver, which adds them, builds summary.json and orders the status rows exactly as
the embedded engine does.

It reads an imported snapshot (``loanmatch firms import``): validation needs the whole
file (duplicate ids, row numbers), which a partition does not see. pyspark is the
optional extra ``loanmatch[spark]``; Spark needs Java 17.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from matcher.rulefile.product import Product

from .columns import table_schema
from .counts import Counts, total
from .embedded import SLICE, Screening, make_status_table
from .firmbase import VERSION_KEY, from_snapshot
from .screen import plans, screen_slice
from .summary import build_summary

ROWS = pa.schema(
    [
        ("counts", pa.binary()),
        ("firm_id", pa.string()),
        ("product", pa.int32()),
        ("status", pa.int8()),
        ("failing", pa.int8()),
    ]
)


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing, or the input is not a snapshot."""


def snapshot_version(path: Path) -> tuple[str, int]:
    """The snapshot's ``firm_base_version`` and row count; SparkUnavailable if not one."""
    try:
        schema = pq.read_schema(path)
        rows = pq.read_metadata(path).num_rows
    except (OSError, pa.ArrowInvalid) as exc:
        raise SparkUnavailable(f"{path}: cannot be read as Parquet: {exc}") from None
    version = (schema.metadata or {}).get(VERSION_KEY)
    if not version or schema.remove_metadata() != table_schema():
        raise SparkUnavailable(
            f"{path}: not an imported firm base; run `loanmatch firms "
            f"import {path}` and pass the snapshot it writes"
        )
    return version.decode(), rows


def session(master: str | None):
    """A SparkSession (``master`` None: the one spark-submit configured)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            "pyspark is not installed: pip install 'loanmatch[spark]' (Spark also needs Java 17)"
        ) from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("loanmatch-screen")
    if master:
        builder = builder.master(master)
    builder = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
    )
    try:
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        return spark
    except Exception as exc:  # Java missing or failing to start: say what to install
        raise SparkUnavailable(
            f"Spark did not start ({exc}); it needs Java 17 "
            f"(apt-get install openjdk-17-jre-headless)"
        ) from None


def _partition_screener(items, version: str, as_of: date, statuses: bool):
    """The function each executor runs on its partition's record batches."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        table = pa.Table.from_batches(list(batches))
        if table.num_rows == 0:
            return
        base = from_snapshot(table.cast(table_schema()), version)
        ordered = base.in_cell_order()
        for start in range(0, len(ordered), SLICE):
            part = ordered.take(np.arange(start, min(start + SLICE, len(ordered))))
            counts, rows = screen_slice(part.columns, len(part), items, as_of, statuses)
            yield pa.RecordBatch.from_arrays(
                [
                    pa.array([counts.to_bytes()], pa.binary()),
                    pa.nulls(1, pa.string()),
                    pa.nulls(1, pa.int32()),
                    pa.nulls(1, pa.int8()),
                    pa.nulls(1, pa.int8()),
                ],
                schema=ROWS,
            )
            if rows is not None and len(rows.firm):
                n = len(rows.firm)
                yield pa.RecordBatch.from_arrays(
                    [
                        pa.nulls(n, pa.binary()),
                        pa.array(part.firm_ids[rows.firm].tolist(), pa.string()),
                        pa.array(rows.product, pa.int32()),
                        pa.array(rows.status, pa.int8()),
                        pa.array(rows.failing, pa.int8()),
                    ],
                    schema=ROWS,
                )

    return run


def screen_spark(
    path: Path,
    products: Sequence[Product],
    catalog_version: str,
    as_of: date,
    master: str | None = "local[2]",
    statuses: bool = True,
) -> Screening:
    """summary.json and the status rows, computed on Spark, equal to ``screen_embedded``'s."""
    from pyspark.sql import functions as fn

    version, rows = snapshot_version(Path(path))
    items = plans(products)
    spark = session(master)
    # Row groups are the unit Spark splits a file by: enough splits for every core, and
    # a slice's worth of firms in each at most (the snapshot keeps segment cells together).
    parts = max(spark.sparkContext.defaultParallelism, -(-rows // SLICE))
    spark.conf.set(
        "spark.sql.files.maxPartitionBytes",
        str(max(1 << 20, Path(path).stat().st_size // parts + 1)),
    )
    frame = spark.read.parquet(str(Path(path).resolve()))
    out = frame.mapInArrow(
        _partition_screener(items, version, as_of, statuses), _spark_schema()
    ).cache()
    parts = [
        Counts.from_bytes(r["counts"])
        for r in out.where(fn.col("counts").isNotNull()).select("counts").collect()
    ]
    if not parts:  # an empty snapshot: no partition yielded anything
        raise SparkUnavailable(f"{path}: the snapshot holds no firm")
    meta = {
        "firm_base_version": version,
        "catalog_version": catalog_version,
        "as_of": as_of.isoformat(),
        "firm_base_rows": rows,
    }
    summary = build_summary(total(parts), items, meta)
    table = None
    if statuses:
        found = (
            out.where(fn.col("counts").isNull())
            .select("firm_id", "product", "status", "failing")
            .toArrow()
        )
        table = _ordered_statuses(found, items)
    out.unpersist()
    return Screening(summary, table)


def _ordered_statuses(found: pa.Table, items) -> pa.Table:
    return make_status_table(
        found.column("firm_id").combine_chunks(),
        [i.product.id for i in items],
        found.column("product").to_numpy().astype(np.int32),
        found.column("status").to_numpy().astype(np.int8),
        found.column("failing").to_numpy().astype(np.int8),
    )


def _spark_schema():
    from pyspark.sql.types import (
        BinaryType,
        ByteType,
        IntegerType,
        StringType,
        StructField,
        StructType,
    )

    return StructType(
        [
            StructField("counts", BinaryType()),
            StructField("firm_id", StringType()),
            StructField("product", IntegerType()),
            StructField("status", ByteType()),
            StructField("failing", ByteType()),
        ]
    )
