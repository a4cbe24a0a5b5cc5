"""The driver script for ``spark-submit`` on a cluster (the master comes from spark-submit).

    spark-submit --master spark://HOST:7077 --py-files loanmatch.whl \\
        "$(python -c 'import screening.spark_main as m; print(m.__file__)')" \\
        --rules rules/ --firms hdfs-or-local/snapshot.parquet --out results/ --as-of 2026-12-01

Writes summary.json and statuses.parquet on the driver, like ``loanmatch screen``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spark_main", description=__doc__.splitlines()[0])
    parser.add_argument("--rules", required=True)
    parser.add_argument("--firms", required=True, help="an imported snapshot (.parquet)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--product", action="append", default=[])
    parser.add_argument("--as-of", default=None)
    parser.add_argument("--no-statuses", action="store_true")
    args = parser.parse_args(argv)
    import pyarrow.parquet as pq

    from matcher.catalog import CatalogError, load_catalog
    from screening.embedded import select
    from screening.spark import SparkUnavailable, screen_spark
    from screening.summary import write_summary

    try:
        catalog = load_catalog(args.rules)
        products = select(catalog.products, args.product)
        when = date.fromisoformat(args.as_of) if args.as_of else date.today()
        result = screen_spark(
            Path(args.firms), products, catalog.version, when, None, statuses=not args.no_statuses
        )
    except (CatalogError, SparkUnavailable, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"error: no product {exc.args[0]} in {args.rules}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_summary(result.summary, out / "summary.json")
    if result.statuses is not None:
        pq.write_table(result.statuses, out / "statuses.parquet", compression="zstd")
    print(
        f"screened {result.summary['firms']:,} firms against {len(products)} products → {out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
