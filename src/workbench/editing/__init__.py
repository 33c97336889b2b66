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
    execution_backend,
    execution_provider,
    parse_frames,
    parse_rect,
    plan_edit,
    planned_from_edit,
    session_options,
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

__all__ = [
    "ApplyEdit",
    "Command",
    "CommandStack",
    "ConsentRequest",
    "EditRef",
    "EditRefs",
    "EditRequest",
    "ExportResult",
    "PlannedEdit",
    "RemoveEdit",
    "ReplaceEdit",
    "ToggleEdit",
    "add_consent",
    "add_probed_clip",
    "apply_edit",
    "check_model_fits",
    "execution_backend",
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
    "relink_clip",
    "session_options",
    "sign_off",
    "undo_last_change",
]
