"""First task of the pyforge bundle: list the files of the inbox volume folder
that pyforge converts, and hand them to the for-each task as a task value.

    list_inputs.py --inbox /Volumes/<catalog>/<schema>/<volume>/<folder>

Which extensions convert is asked of the installed pyforge (`pyforge formats
--json`), so a format a new release adds reaches the job with no edit here.
"""
import argparse
import json
import os
import subprocess

from pyforge_cli import find_pyforge_bin

# A for-each task takes at most this many inputs; the rest wait for the next run
# (with --skip-existing nothing is converted twice).
MAX_INPUTS = 5000


def converted_extensions():
    """`.csv`, `.xml.gz`, ...: every extension of every format this pyforge converts."""
    run = subprocess.run(
        [find_pyforge_bin(), "formats", "--json"], check=True, stdout=subprocess.PIPE, text=True
    )
    return tuple(
        "." + extension.lower()
        for entry in json.loads(run.stdout)["formats"]
        if entry["supported"]
        for extension in entry["extensions"]
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inbox", required=True)
    args = parser.parse_args()
    converted = converted_extensions()
    files = sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(args.inbox)
        for name in names
        if name.lower().endswith(converted) and not name.startswith((".", "_"))
    )
    print(f"{len(files)} file(s) to convert in {args.inbox}")
    from databricks.sdk.runtime import dbutils  # only on Databricks

    dbutils.jobs.taskValues.set(key="files", value=files[:MAX_INPUTS])


if __name__ == "__main__":
    main()
