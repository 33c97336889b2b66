"""All tools by id; the CLI, the GUI and the render pipeline look them up here."""

from __future__ import annotations

from workbench.errors import UsageError
from workbench.tools.base import Tool
from workbench.tools.deblock import Deblock
from workbench.tools.denoise import Denoise
from workbench.tools.dust import Dust
from workbench.tools.upscale import Upscale

_TOOLS: dict[str, Tool] = {tool.id: tool for tool in (Upscale(), Denoise(), Dust(), Deblock())}


def all_tools() -> list[Tool]:
    return list(_TOOLS.values())


def get_tool(tool_id: str) -> Tool:
    try:
        return _TOOLS[tool_id]
    except KeyError:
        raise UsageError(f"no tool {tool_id!r} (tools: {', '.join(_TOOLS)})") from None
