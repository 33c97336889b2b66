"""Rendering across machines: a plan's segments as tasks on a farm, one coordinator.

- ``task`` — what one farm task does, wherever it runs: the worker's checks (models byte for
  byte, execution provider, footage, version), then one segment into the shared store;
- ``dask_task`` / ``dask_executor`` — the same on Dask distributed: the task a ``dask worker``
  runs, and :class:`DaskExecutor`, the :class:`~workbench.render.executor.SegmentExecutor` that
  ``run_render`` uses for ``--cluster``;
- ``offline`` — the same as commands (``render-segment``, ``farm finish``), for any scheduler;
- ``openjd`` — the render as an Open Job Description job template;
- ``pathmap`` — where a machine that mounts the shared storage elsewhere finds the files;
- ``status`` — the farm's workers and what each is doing.

Dask is imported only inside functions: a machine without a farm never loads it.
"""

from workbench.render.farm.dask_executor import DaskExecutor, scheduler_address
from workbench.render.farm.pathmap import PathMap
from workbench.render.farm.task import SegmentJob, render_farm_segment

__all__ = ["DaskExecutor", "PathMap", "SegmentJob", "render_farm_segment", "scheduler_address"]
