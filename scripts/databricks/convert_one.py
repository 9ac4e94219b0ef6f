"""One iteration of the pyforge bundle's for-each task: convert one file from a
volume into the outbox volume folder, keeping the relative layout.

    convert_one.py --input /Volumes/.../inbox/a/b.mdb --inbox /Volumes/.../inbox \
                   --outbox /Volumes/.../parquet --tools /Volumes/.../tools

Volumes do not run programs, so the binary is copied to local disk first; the
JAR set is installed from <tools>/jars into the local cache (no network, SHA-256
checked). pyforge's JSON summary is printed; the task fails when the file fails.
"""
import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile


def local_copy(source):
    """The binary on local disk, copied again when the volume's differs."""
    folder = os.path.join(tempfile.gettempdir(), "pyforge-bin")
    os.makedirs(folder, exist_ok=True)
    binary = os.path.join(folder, "pyforge")
    src = os.stat(source)
    if os.path.exists(binary):
        have = os.stat(binary)
        if have.st_size == src.st_size and have.st_mtime >= src.st_mtime:
            return binary
    part = f"{binary}.{os.getpid()}.part"
    shutil.copyfile(source, part)
    os.chmod(part, os.stat(part).st_mode | stat.S_IXUSR)
    os.replace(part, binary)
    return binary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--inbox", required=True)
    parser.add_argument("--outbox", required=True)
    parser.add_argument("--tools", required=True)
    args = parser.parse_args()

    binary = local_copy(os.path.join(args.tools, "pyforge"))

    if args.input.lower().endswith((".mdb", ".accdb")):
        jars = os.path.join(args.tools, "jars")
        subprocess.run([binary, "jars", "install", "--from", jars, "-q"], check=True)

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
