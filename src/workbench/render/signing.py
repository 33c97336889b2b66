"""Post-render step: Content Credentials on the finished output, before it is registered.

The plan says what was rendered (clip, edits and their log entries, models); this step turns
it into a :class:`~workbench.disclosure.credentials.SignRequest` and hands it to
``sign_output``. It reads the project's log as it stands before the render's own entry (the
manifest vouches for that checkpoint).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.render.plan import RenderPlan

if TYPE_CHECKING:
    from workbench.catalog.card import ModelCard
    from workbench.disclosure.export import LogData


def model_cards(
    plan: RenderPlan, *, models: Sequence[Any] | None = None, catalog: Any = None
) -> tuple[ModelCard, ...]:
    """The cards of the plan's models, in edit order (undisclosed models have none).

    ``models`` are catalogue entries already found (a materialised plan's); otherwise the
    catalogue is asked for each model's exact file.
    """
    if models is None:
        from workbench.catalog import Catalog
        from workbench.render.planning import check_model

        catalog = catalog or Catalog()
        models = [check_model(catalog, e) for e in plan.edits if e.model_id is not None]
    return tuple(m.card for m in models if getattr(m, "card", None) is not None)


def sign_request(
    plan: RenderPlan,
    pending: Path,
    *,
    cards: tuple[ModelCard, ...],
    log_data: LogData,
    delivery: dict[str, Any] | None = None,
) -> Any:
    """The typed request ``sign_output`` takes, built from the plan."""
    from workbench.disclosure.credentials import SignRequest

    return SignRequest(
        pending=Path(pending),
        output=plan.output_path,
        source=Path(plan.clip.path),
        edit_entries=tuple(e.log_entry for e in plan.edits if e.log_entry),
        model_cards=cards,
        log_data=log_data,
        delivery=delivery,
    )


def sign_pending(
    plan: RenderPlan,
    pending: Path,
    *,
    cards: tuple[ModelCard, ...],
    delivery: dict[str, Any] | None = None,
    log_data: LogData | None = None,
) -> dict[str, Any]:
    """Sign ``pending`` (the render's output under its pending name); what the entry records.

    Without ``log_data`` the project is read, and first held against the plan
    (:func:`~workbench.render.guard.require_plan_holds`): a project that changed under the
    render refuses, and ``pending`` is kept. When signing itself fails, ``pending`` and any
    sidecar beside it are removed, and a source that Content Credentials cannot read is named
    as the cause. An error names the output the user asked for, not the pending file.
    """
    from workbench.disclosure.credentials import sign_output

    if log_data is None:
        log_data = checked_log_data(plan, pending)
    request = sign_request(plan, pending, cards=cards, log_data=log_data, delivery=delivery)
    try:
        result: dict[str, Any] = sign_output(request)
    except WorkbenchError as exc:
        discard_pending(plan, pending)
        source_error = unreadable_source(Path(plan.clip.path), plan.output_path)
        if source_error is not None:
            raise source_error from None
        exc.message = exc.message.replace(pending.name, plan.output_path.name)
        exc.args = (exc.message,)
        raise
    return result


def checked_log_data(plan: RenderPlan, pending: Path) -> LogData:
    """The project's log, once the project is shown to be the one the plan renders."""
    from workbench.project import Project
    from workbench.render.guard import require_plan_holds

    with Project.open(Path(plan.project_path), readonly=True) as project:
        require_plan_holds(project, plan, pending, "signing")
        return project.log_data()


def discard_pending(plan: RenderPlan, pending: Path) -> None:
    """Remove an output that will not be registered, and its sidecar (a sequence stays)."""
    if pending == plan.output_path:
        return
    for path in (pending, pending.with_suffix(".c2pa")):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def unreadable_source(source: Path, output: Path) -> WorkbenchError | None:
    """Why ``source`` cannot be an ingredient of Content Credentials; None when it can.

    Asked only after signing failed: C2PA reads the source's own boxes (to carry any
    credentials it has), and a damaged file fails there, not in the signing identity.
    """
    from workbench.disclosure.credentials.common import (
        EMBED_FORMATS,
        CredentialsError,
        c2pa_context,
        c2pa_message,
    )

    fmt = {**EMBED_FORMATS, ".avi": "video/x-msvideo"}.get(source.suffix.lower())
    if fmt is None or not source.is_file():
        return None
    import c2pa  # type: ignore[import-untyped, unused-ignore]

    try:
        manifest = {"claim_generator_info": [{"name": "workbench"}]}
        builder = c2pa.Builder(manifest, context=c2pa_context())
    except c2pa.C2paError:
        return None
    try:
        with source.open("rb") as handle:
            builder.add_ingredient({"title": source.name, "relationship": "parentOf"}, fmt, handle)
    except c2pa.C2paError as exc:
        return CredentialsError(
            f"cannot sign {output.name}: its source {source.name} is damaged — Content "
            f"Credentials cannot read it ({c2pa_message(exc)}); nothing was registered and "
            "the unsigned output was removed",
            hint="its pictures decode, but its container is malformed: re-wrap the source "
            "(e.g. ffmpeg -c copy), import that and apply the edits to it",
        )
    except OSError:
        return None
    finally:
        builder.close()
    return None
