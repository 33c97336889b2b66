"""``json``: the verifiable export (``workbench.log-export/1``), pretty-printed."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.disclosure.export import export_dict
from workbench.disclosure.exporters import ExportContext, write_atomic


def write_to_string(context: ExportContext) -> str:
    document = export_dict(context.data, exported=context.exported)
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_to_file(context: ExportContext, path: Path) -> None:
    write_atomic(path, write_to_string(context))
