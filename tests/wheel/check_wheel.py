"""The installed pyforge-cli wheel as notebooks and shells use it, run by
scripts/test-wheel.sh with the Python of a fresh venv the wheel was installed
into:

    python tests/wheel/check_wheel.py DATA_DIR WORK_DIR

The `pyforge` script, `pyforge_cli.main.main`, `pyforge_cli.main.cli`,
`python -m pyforge_cli` and `pyforge_cli.databricks`, on the CSV and Access
samples (PYFORGE_JARS_DIR must hold the installed JAR set). Exits non-zero on
the first failed check.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import sysconfig

DATA, WORK = sys.argv[1], sys.argv[2]
CSV = os.path.join(DATA, "sample_orders.csv")
ACCESS = os.path.join(DATA, "sample_types.mdb")
SCRIPT = os.path.join(sysconfig.get_path("scripts"), "pyforge")


def check(condition, what):
    if not condition:
        raise SystemExit(f"check_wheel: FAILED: {what}")
    print(f"check_wheel: ok: {what}")


def run_main(function, argv):
    """Calls `function(argv)` capturing what reaches sys.stdout and
    sys.stderr; returns (exit code from SystemExit, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = "no SystemExit"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            function(argv)
        except SystemExit as e:
            code = e.code
    return code, out.getvalue(), err.getvalue()


def main():
    from pyforge_cli import find_pyforge_bin
    from pyforge_cli.main import cli, main as pyforge_main

    check(os.path.isfile(SCRIPT), f"the wheel put pyforge in {SCRIPT}")
    check(os.path.samefile(find_pyforge_bin(), SCRIPT), "pyforge_cli finds that binary")
    version = subprocess.run([SCRIPT, "--version"], capture_output=True, text=True)
    check(
        version.returncode == 0 and version.stdout.startswith("pyforge 2.0.0"),
        f"pyforge --version: {version.stdout.strip()}",
    )

    # The script, on CSV and Access.
    for name, source in (("csv", CSV), ("access", ACCESS)):
        out = os.path.join(WORK, "script", name)
        run = subprocess.run([SCRIPT, "convert", source, "--output-dir", out, "--json"],
                             capture_output=True, text=True)
        summary = json.loads(run.stdout or "{}")
        check(run.returncode == 0 and summary.get("ok"), f"pyforge convert ({name}) via the script")

    # pyforge_cli.main.main: the output reaches sys.stdout, SystemExit(0).
    for name, source in (("csv", CSV), ("access", ACCESS)):
        out = os.path.join(WORK, "main", name)
        code, stdout, _ = run_main(pyforge_main, ["convert", source, "--output-dir", out, "--json"])
        summary = json.loads(stdout or "{}")
        check(code == 0, f"main(convert {name}) raises SystemExit(0), got {code!r}")
        check(summary.get("ok") is True and summary["inputs"][0]["status"] == "converted",
              f"main(convert {name})'s JSON summary reached sys.stdout")
        produced = os.listdir(out)
        check(len(produced) >= 1, f"main(convert {name}) wrote {produced}")

    # A failure: its code, and its error line on sys.stderr.
    code, _, stderr = run_main(pyforge_main, ["convert", os.path.join(WORK, "missing.csv")])
    check(code not in (0, "no SystemExit"), f"main on a missing file exits {code!r}")
    check("missing.csv" in stderr, "its error line reached sys.stderr")

    # 1.0.9's console entry point.
    code, stdout, _ = run_main(cli, ["formats"])
    check(code == 0 and "Access" in stdout, "cli(['formats']) lists the formats on sys.stdout")

    # python -m pyforge_cli
    out = os.path.join(WORK, "module")
    run = subprocess.run([sys.executable, "-m", "pyforge_cli", "convert", ACCESS,
                          "--output-dir", out], capture_output=True, text=True)
    check(run.returncode == 0 and os.listdir(out), "python -m pyforge_cli convert (access)")
    run = subprocess.run([sys.executable, "-m", "pyforge_cli", "convert", "nowhere.csv"],
                         capture_output=True, text=True)
    check(run.returncode == 1, f"python -m pyforge_cli passes exit code 1 on, got {run.returncode}")

    # pyforge_cli.databricks, answered by env-info.
    from pyforge_cli import databricks

    local = databricks.detect_databricks_environment()
    check(not local.is_databricks and not local.is_serverless(), f"here: {local!r}")
    os.environ["DATABRICKS_RUNTIME_VERSION"] = "client.2.5"
    serverless = databricks.detect_databricks_environment()
    check(serverless.is_databricks and serverless.is_serverless()
          and serverless.version == "client.2.5", f"serverless: {serverless!r}")
    check(databricks.is_running_in_serverless(), "is_running_in_serverless()")
    os.environ["DATABRICKS_RUNTIME_VERSION"] = "15.4"
    check(databricks.is_running_in_databricks() and not databricks.is_running_in_serverless(),
          "a classic runtime is Databricks, not serverless")
    info = databricks.detect_databricks_environment().get_environment_info()
    check(info["version"] == "15.4" and "pyforge" in info, "get_environment_info()")
    del os.environ["DATABRICKS_RUNTIME_VERSION"]
    print(f"check_wheel: all checks passed on Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
