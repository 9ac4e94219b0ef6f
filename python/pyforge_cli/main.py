"""The entry points of pyforge-cli 1.0.9, running the pyforge 2 binary.

    from pyforge_cli.main import main
    main(["convert", "/Volumes/main/legacy/inbox/shop.accdb"])

Both functions end with `SystemExit` carrying pyforge's exit code, 0
included, as 1.0.9's click command did in standalone mode; in a notebook
catch it (`except SystemExit as e: e.code`) to go on after a failure.
"""

import sys

from ._binary import run


def main(argv=None):
    """Runs `pyforge` with `argv` (default: `sys.argv[1:]`), its output copied
    into `sys.stdout` / `sys.stderr` as it arrives; raises `SystemExit` with
    its exit code."""
    args = sys.argv[1:] if argv is None else list(argv)
    raise SystemExit(run(args))


def cli(args=None, prog_name=None, standalone_mode=True, **_ignored):
    """1.0.9's console entry point (a click group): `cli()` reads
    `sys.argv`, `cli(["info", "a.mdb"])` takes the arguments. Returns the
    exit code instead of raising when `standalone_mode=False`."""
    argv = sys.argv[1:] if args is None else list(args)
    if not standalone_mode:
        return run(argv)
    main(argv)


if __name__ == "__main__":
    main()
