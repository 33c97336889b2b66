"""The project file: clips, the edit stack, consent, policy and the disclosure log."""

from workbench.project.cast_records import CastMember, LikenessConsent, ShotCast
from workbench.project.conform_records import Delivery, Recipe, Sequence, Shot
from workbench.project.masks import masks_dir, store_mask
from workbench.project.policy import Policy
from workbench.project.project import (
    Clip,
    ClipMedia,
    Consent,
    Edit,
    Project,
    Region,
    Render,
    backup_project,
    inspect_project_file,
    model_log_record,
)

__all__ = [
    "CastMember",
    "Clip",
    "ClipMedia",
    "Consent",
    "Delivery",
    "Edit",
    "LikenessConsent",
    "Policy",
    "Project",
    "Recipe",
    "Region",
    "Render",
    "Sequence",
    "Shot",
    "ShotCast",
    "backup_project",
    "inspect_project_file",
    "masks_dir",
    "model_log_record",
    "store_mask",
]
