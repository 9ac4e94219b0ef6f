"""First task of the pyforge bundle: list the files of the inbox volume folder
that pyforge converts, and hand them to the for-each task as a task value.

    list_inputs.py --inbox /Volumes/<catalog>/<schema>/<volume>/<folder>
"""
import argparse
import os

# The extensions `pyforge formats` lists as supported.
CONVERTED = (
    ".csv", ".tsv", ".psv", ".tab", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".dbf",
    ".mdb", ".accdb", ".xml", ".xml.gz", ".xml.bz2", ".gpx", ".kml",
)

# A for-each task takes at most this many inputs; the rest wait for the next run
# (with --skip-existing nothing is converted twice).
MAX_INPUTS = 5000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inbox", required=True)
    args = parser.parse_args()
    files = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(args.inbox)
        for name in names
        if name.lower().endswith(CONVERTED) and not name.startswith((".", "_"))
    )
    print(f"{len(files)} file(s) to convert in {args.inbox}")
    from databricks.sdk.runtime import dbutils  # only on Databricks

    dbutils.jobs.taskValues.set(key="files", value=files[:MAX_INPUTS])


if __name__ == "__main__":
    main()
