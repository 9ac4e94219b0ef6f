"""One iteration of the pyforge bundle's for-each task: convert one file from a
volume into the outbox volume folder, keeping the relative layout.

    convert_one.py --input /Volumes/.../inbox/a/b.mdb --inbox /Volumes/.../inbox \
                   --outbox /Volumes/.../parquet --tools /Volumes/.../tools

pyforge is the one the pyforge-cli wheel installed in this environment. For an
Access file the JAR set is installed from <tools>/jars into the local cache when
the volume holds one (no network, SHA-256 checked); otherwise the conversion
downloads it from Maven. pyforge's JSON summary is printed; the task fails when
the file fails.
"""
import argparse
import json
import os
import subprocess
import sys

from pyforge_cli import find_pyforge_bin


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--inbox", required=True)
    parser.add_argument("--outbox", required=True)
    parser.add_argument("--tools", required=True)
    args = parser.parse_args()

    binary = find_pyforge_bin()

    jars = os.path.join(args.tools, "jars")
    if args.input.lower().endswith((".mdb", ".accdb")) and os.path.isdir(jars):
        subprocess.run([binary, "jars", "install", "--offline", "--from", jars, "-q"], check=True)

    # Keep sub-folders: <inbox>/2024/a.csv -> <outbox>/2024/a.parquet
    relative = os.path.relpath(os.path.dirname(args.input), args.inbox)
    out_dir = args.outbox if relative == "." else os.path.join(args.outbox, relative)

    run = subprocess.run(
        [binary, "convert", args.input, "--output-dir", out_dir, "--skip-existing", "--json"],
        stdout=subprocess.PIPE,
        text=True,
    )
    print(run.stdout)
    summary = json.loads(run.stdout) if run.stdout.strip() else {}
    if run.returncode != 0 or not summary.get("ok", False):
        sys.exit(f"pyforge failed on {args.input} (exit {run.returncode})")


if __name__ == "__main__":
    main()
