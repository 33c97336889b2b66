"""The render as an Open Job Description job, for AWS Deadline Cloud or ``openjd-cli``.

``workbench farm export-job`` writes the plan (JSON) and a job template
(``specificationVersion: jobtemplate-2023-09``) beside it. The template has two steps: one task
per segment of the plan, each ``workbench render-segment PLAN --segment N --store DIR`` (the
same function a Dask worker runs), then one task that joins the segments and registers the
render in the project (``workbench farm finish``) once every segment is done. The plan, the
segment store and the command are job parameters; the plan and the store are PATH parameters,
so a farm's path mapping rules move them, and each task is also handed the session's rules
file (``--path-map-file``) for the paths inside the plan (footage, project and masks).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.render.plan import RenderPlan

SPECIFICATION = "jobtemplate-2023-09"
RULES = "{{Session.PathMappingRulesFile}}"


def job_template(
    plan: RenderPlan,
    plan_file: Path,
    store: Path,
    *,
    provider: str = "",
    workbench: str = "workbench",
) -> dict[str, Any]:
    """The job template (as data) that renders ``plan`` (saved at ``plan_file``) through
    ``store`` (the root every machine sees: segments go into ``<store>/<plan digest>``)."""
    count = len(plan.segments)
    name = f"Workbench render {plan.output_path.name}"[:64]
    segment_args = ["render-segment", "{{Param.Plan}}", "--segment", "{{Task.Param.Segment}}"]
    segment_args += ["--store", "{{Param.SegmentStore}}", "--path-map-file", RULES]
    if provider:
        segment_args += ["--provider", provider]
    finish_args = ["farm", "finish", "{{Param.Plan}}", "--store", "{{Param.SegmentStore}}"]
    finish_args += ["--path-map-file", RULES]
    return {
        "specificationVersion": SPECIFICATION,
        "name": name,
        "description": (
            f"{plan.output_path.name}: clip {plan.clip.id} of {Path(plan.project_path).name}, "
            f"{plan.frame_count} frames in {count} segments; plan {plan.digest[:12]}"
        ),
        "parameterDefinitions": [
            {
                "name": "Plan",
                "type": "PATH",
                "objectType": "FILE",
                "dataFlow": "IN",
                "default": str(plan_file),
                "description": "The render plan (JSON) every task renders from",
            },
            {
                "name": "SegmentStore",
                "type": "PATH",
                "objectType": "DIRECTORY",
                "dataFlow": "INOUT",
                "default": str(store),
                "description": "A folder every farm machine sees; segments go into it",
            },
            {
                "name": "Workbench",
                "type": "STRING",
                "default": workbench,
                "description": "The command that runs Workbench on the farm machines",
            },
        ],
        "steps": [
            {
                "name": "RenderSegments",
                "description": "One segment of the plan per task, with its temporal pre-roll",
                "parameterSpace": {
                    "taskParameterDefinitions": [
                        {"name": "Segment", "type": "INT", "range": _range(count)}
                    ]
                },
                "script": {
                    "actions": {"onRun": {"command": "{{Param.Workbench}}", "args": segment_args}}
                },
            },
            {
                "name": "FinishAndRegister",
                "description": "Join the segments, sign and check the output, log the render",
                "dependencies": [{"dependsOn": "RenderSegments"}],
                "script": {
                    "actions": {"onRun": {"command": "{{Param.Workbench}}", "args": finish_args}}
                },
            },
        ],
    }


def _range(count: int) -> str:
    return "0" if count == 1 else f"0-{count - 1}"


def export_job(
    plan: RenderPlan,
    job_file: Path,
    store: Path,
    *,
    provider: str = "",
    workbench: str = "workbench",
) -> tuple[Path, Path]:
    """Write the plan beside ``job_file`` (``<job>.plan.json``) and the job template; both
    paths. Written atomically: a crash leaves the old files or the new."""
    import yaml

    from workbench.errors import StorageError
    from workbench.fsutil import write_atomic

    job_file = job_file.resolve()
    plan_file = job_file.with_name(f"{job_file.stem}.plan.json")
    template = job_template(
        plan, plan_file, store.resolve(), provider=provider, workbench=workbench
    )
    text = yaml.safe_dump(template, sort_keys=False, allow_unicode=True, width=100)
    try:
        write_atomic(plan_file, plan.to_json().encode("utf-8"))
        write_atomic(job_file, text.encode("utf-8"))
    except OSError as exc:
        raise StorageError(f"cannot write the job {job_file}: {exc}") from exc
    return job_file, plan_file
