"""The disclosure log: canonical entries, hash chain, signed checkpoints, verification, exports."""

from workbench.disclosure.export import (
    EXPORT_SCHEMA,
    LogData,
    log_data_from_export,
    read_export_file,
)
from workbench.disclosure.keys import SigningKey, load_or_create_signing_key
from workbench.disclosure.store import LogStore
from workbench.disclosure.verify import Problem, Report, verify_against, verify_rows

__all__ = [
    "EXPORT_SCHEMA",
    "LogData",
    "LogStore",
    "Problem",
    "Report",
    "SigningKey",
    "load_or_create_signing_key",
    "log_data_from_export",
    "read_export_file",
    "verify_against",
    "verify_rows",
]
