"""All tools by id; the CLI, the GUI and the render pipeline look them up here.

The built-in tools are listed here, in code, and are not declared as entry points: a source
checkout works without installed package metadata, and nothing can register them twice. Other
distributions add tools through the ``workbench.tools`` entry-point group (see
:mod:`workbench.tools.plugins`); the entry point's name is the tool's id, and its object a
:class:`~workbench.tools.base.Tool` subclass (or instance). A third-party tool that fails to
load, is not a tool, or takes an id already taken is left out with a
:class:`~workbench.tools.plugins.PluginWarning` naming its distribution — a built-in is never
replaced. Discovery runs once, on first use; :func:`refresh` runs it again.
"""

from __future__ import annotations

import re
import threading

from workbench.errors import UsageError
from workbench.tools.base import Classification, Param, Tool
from workbench.tools.deblock import Deblock
from workbench.tools.denoise import Denoise
from workbench.tools.dust import Dust
from workbench.tools.model_facts import ModelFacts
from workbench.tools.plugins import Loaded, load_group, warn
from workbench.tools.regrain import Regrain
from workbench.tools.upscale import Upscale

GROUP = "workbench.tools"
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

BUILTIN: tuple[Tool, ...] = (Upscale(), Denoise(), Dust(), Deblock(), Regrain())

_lock = threading.RLock()
_tools: dict[str, Tool] | None = None
_discovering = False
_origins: dict[str, str] = {}


def _instance(loaded: Loaded) -> Tool:
    """The tool an entry point names, checked; ValueError says what is wrong with it."""
    obj = loaded.obj
    if isinstance(obj, type) and issubclass(obj, Tool):
        try:
            obj = obj()
        except Exception as exc:
            raise ValueError(f"cannot be created ({type(exc).__name__}: {exc})") from None
    if not isinstance(obj, Tool):
        raise ValueError("is not a workbench.tools.base.Tool subclass")
    declared = {
        "id": str,
        "version": str,
        "name": str,
        "description": str,
        "task": str,
        "classification": Classification,
        "params": tuple,
        "model_facts": ModelFacts,
    }
    for attr, kind in declared.items():
        if not isinstance(getattr(obj, attr, None), kind):
            raise ValueError(f"declares no {attr} ({kind.__name__})")
    if not all(isinstance(p, Param) for p in obj.params):
        raise ValueError("has params that are not workbench.tools.base.Param")
    if not _ID.match(obj.id):
        raise ValueError(f"has the id {obj.id!r} (lower-case letters, digits, . _ -)")
    if obj.id != loaded.name:
        raise ValueError(f"is named {loaded.name!r} but its tool id is {obj.id!r}")
    return obj


def _discover() -> dict[str, Tool]:
    tools: dict[str, Tool] = {tool.id: tool for tool in BUILTIN}
    origins = dict.fromkeys(tools, "built in")
    for loaded in load_group(GROUP):
        if loaded.name in tools and tools[loaded.name] is loaded.obj:
            continue  # the very object already registered
        try:
            tool = _instance(loaded)
        except ValueError as exc:
            warn(GROUP, loaded.origin, str(exc))
            continue
        if tool.id in tools:
            if type(tools[tool.id]) is type(tool):
                continue  # the same tool declared again (a built-in listed as an entry point)
            taken = origins[tool.id]
            owner = "a built-in tool" if taken == "built in" else f"the tool {taken}"
            warn(GROUP, loaded.origin, f"takes the id {tool.id!r} of {owner}")
            continue
        tools[tool.id] = tool
        origins[tool.id] = loaded.origin
    _origins.clear()
    _origins.update(origins)
    return tools


def _registry() -> dict[str, Tool]:
    global _tools, _discovering
    with _lock:
        if _tools is None:
            if _discovering:  # a plugin asks for the tools while it is being imported
                return {tool.id: tool for tool in BUILTIN}
            _discovering = True
            try:
                _tools = _discover()
            finally:
                _discovering = False
        return _tools


def refresh() -> None:
    """Forget the tools found; the next lookup discovers them again (after installing one)."""
    global _tools
    with _lock:
        _tools = None


def all_tools() -> list[Tool]:
    return list(_registry().values())


def get_tool(tool_id: str) -> Tool:
    tools = _registry()
    try:
        return tools[tool_id]
    except KeyError:
        raise UsageError(f"no tool {tool_id!r} (tools: {', '.join(tools)})") from None


def origin(tool_id: str) -> str:
    """Where a tool comes from: "built in", or its entry point and distribution."""
    get_tool(tool_id)
    return _origins[tool_id]
