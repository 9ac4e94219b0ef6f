"""Where this Python runs, as pyforge sees it: `pyforge env-info --json
--no-start` reads the Databricks runtime (classic or serverless) the same way
for the binary and for Python, so both agree. The object keeps pyforge-cli
1.0.9's interface."""

import json
import os
import subprocess
import sys
from typing import Any, Dict, Optional

from .._binary import find_pyforge_bin


class DatabricksEnvironment:
    """A Databricks environment (or none): `is_databricks`, `version`,
    `is_serverless()`, `cluster_id`, `workspace_id`, `get_environment_info()`."""

    def __init__(self, report: Dict[str, Any], env_vars: Optional[Dict[str, str]] = None):
        self.report = report
        self.env_vars = dict(os.environ if env_vars is None else env_vars)
        platform = (report.get("platform") or {}).get("platform") or {}
        self._kind = platform.get("kind", "local")
        self._version = (report.get("platform") or {}).get("version_text")

    @property
    def is_databricks(self) -> bool:
        """Whether this runs on Databricks (classic runtime or serverless)."""
        return self._kind != "local"

    @property
    def version(self) -> Optional[str]:
        """The runtime version as Databricks states it (`15.4`, `client.2.5`)."""
        return self._version if self.is_databricks else None

    def is_serverless(self) -> bool:
        """Whether this is a serverless environment."""
        return self._kind == "serverless"

    @property
    def cluster_id(self) -> Optional[str]:
        return self.env_vars.get("DATABRICKS_CLUSTER_ID")

    @property
    def workspace_id(self) -> Optional[str]:
        return self.env_vars.get("DATABRICKS_WORKSPACE_ID")

    def get_environment_info(self) -> Dict[str, Any]:
        """1.0.9's summary, plus pyforge's own report under `pyforge`."""
        return {
            "is_databricks": self.is_databricks,
            "version": self.version,
            "is_serverless": self.is_serverless(),
            "cluster_id": self.cluster_id,
            "workspace_id": self.workspace_id,
            "python_version": sys.version,
            "env_vars": {k: v for k, v in self.env_vars.items() if "DATABRICKS" in k},
            "pyforge": self.report,
        }

    def __repr__(self) -> str:
        return (
            f"DatabricksEnvironment(is_databricks={self.is_databricks}, "
            f"version={self.version!r}, serverless={self.is_serverless()})"
        )


def _env_info() -> Dict[str, Any]:
    run = subprocess.run(
        [find_pyforge_bin(), "env-info", "--json", "--no-start"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=120,
    )
    try:
        return json.loads(run.stdout)
    except ValueError:
        raise RuntimeError(
            f"pyforge env-info failed (exit {run.returncode}): "
            + run.stderr.decode("utf-8", "replace").strip()
        ) from None


def detect_databricks_environment() -> DatabricksEnvironment:
    """The environment this Python runs in."""
    return DatabricksEnvironment(_env_info())


def is_running_in_databricks() -> bool:
    return detect_databricks_environment().is_databricks


def is_running_in_serverless() -> bool:
    return detect_databricks_environment().is_serverless()
