"""Reads Parquet files with PySpark (local mode) and prints, as one JSON
document, each file's Spark schema and rows, values as text:

    {"<path>": {"schema": [["name", "bigint"], ...], "rows": [["1", null, ...], ...]}}

Binary values are printed as hex; everything else with str(). Used by
tests/spark.rs: the test decides what is right, this script only reads.
"""
import json
import sys

from pyspark.sql import SparkSession


def text(value):
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    return str(value)


def main(paths):
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("pyforge-read-back")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    out = {}
    for path in paths:
        frame = spark.read.parquet(path)
        out[path] = {
            "schema": [[f.name, f.dataType.simpleString()] for f in frame.schema.fields],
            "rows": [[text(v) for v in row] for row in frame.collect()],
        }
    spark.stop()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
