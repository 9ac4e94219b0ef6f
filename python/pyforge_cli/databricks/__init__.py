"""Databricks detection with pyforge-cli 1.0.9's names, answered by the
pyforge binary's `env-info --json`."""

from .environment import (
    DatabricksEnvironment,
    detect_databricks_environment,
    is_running_in_databricks,
    is_running_in_serverless,
)

__all__ = [
    "DatabricksEnvironment",
    "detect_databricks_environment",
    "is_running_in_databricks",
    "is_running_in_serverless",
]
