"""pyforge 2: the pyforge-cli distribution's Rust binary, with the Python names
notebooks and scripts use (`pyforge_cli.main.main`, `pyforge_cli.main.cli`,
`pyforge_cli.databricks`). Nothing is reimplemented here: every call runs the
`pyforge` binary this wheel installed.
"""

from ._binary import find_pyforge_bin

__all__ = ["find_pyforge_bin", "__version__"]

try:
    from importlib.metadata import version as _version

    __version__ = _version("pyforge-cli")
except Exception:  # not installed (a source checkout)
    __version__ = "unknown"
