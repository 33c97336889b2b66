"""The project file: clips, the edit stack, consent, policy and the disclosure log."""

from workbench.project.policy import Policy
from workbench.project.project import (
    Clip,
    Consent,
    Edit,
    Project,
    Render,
    backup_project,
    inspect_project_file,
    model_log_record,
)

__all__ = [
    "Clip",
    "Consent",
    "Edit",
    "Policy",
    "Project",
    "Render",
    "backup_project",
    "inspect_project_file",
    "model_log_record",
]
