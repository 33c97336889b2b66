"""The use-case layer: the operations a user performs, for every front end.

The command line, the demo, the window's commands, a render-farm worker and the tests call these
functions (and nothing below them) to change a project: plan and apply an edit with every check
done once, undoable command objects for the edit stack, sign-off, consent, relink, model import,
and the log's export with its full context. Qt never appears here.
"""

from workbench.editing.commands import (
    ApplyEdit,
    Command,
    CommandStack,
    EditRef,
    EditRefs,
    RemoveEdit,
    ReplaceEdit,
    ToggleEdit,
    undo_last_change,
)
from workbench.editing.edits import (
    EditRequest,
    PlannedEdit,
    apply_edit,
    check_model_fits,
    execution_provider,
    parse_frames,
    parse_rect,
    plan_edit,
    planned_from_edit,
)
from workbench.editing.operations import (
    ConsentRequest,
    ExportResult,
    add_consent,
    add_probed_clip,
    export_context,
    export_log,
    import_clip,
    import_model,
    load_log,
    relink_clip,
    sign_off,
)
from workbench.editing.preview import (
    PendingEdit,
    PreviewStack,
    ViewRequest,
    preview_range,
    view_stack,
)

__all__ = [
    "ApplyEdit",
    "Command",
    "CommandStack",
    "ConsentRequest",
    "EditRef",
    "EditRefs",
    "EditRequest",
    "ExportResult",
    "PendingEdit",
    "PlannedEdit",
    "PreviewStack",
    "RemoveEdit",
    "ReplaceEdit",
    "ToggleEdit",
    "ViewRequest",
    "add_consent",
    "add_probed_clip",
    "apply_edit",
    "check_model_fits",
    "execution_provider",
    "export_context",
    "export_log",
    "import_clip",
    "import_model",
    "load_log",
    "parse_frames",
    "parse_rect",
    "plan_edit",
    "planned_from_edit",
    "preview_range",
    "relink_clip",
    "sign_off",
    "undo_last_change",
    "view_stack",
]
