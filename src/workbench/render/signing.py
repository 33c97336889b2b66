"""Post-render step: Content Credentials on the finished output, before it is registered.

The plan says what was rendered (clip, edits and their log entries, models); this step turns
it into a :class:`~workbench.disclosure.credentials.SignRequest` and hands it to
``sign_output``. It reads the project's log as it stands before the render's own entry (the
manifest vouches for that checkpoint).
"""

from __future__ import annotations

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

    An error names the output the user asked for, not the pending file.
    """
    from workbench.disclosure.credentials import sign_output

    if log_data is None:
        from workbench.project import Project

        with Project.open(Path(plan.project_path), readonly=True) as project:
            log_data = project.log_data()
    request = sign_request(plan, pending, cards=cards, log_data=log_data, delivery=delivery)
    try:
        result: dict[str, Any] = sign_output(request)
    except WorkbenchError as exc:
        exc.message = exc.message.replace(pending.name, plan.output_path.name)
        exc.args = (exc.message,)
        raise
    return result
