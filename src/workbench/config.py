"""Where the user's things live (config, keys, models, cache) and who the operator is.

Every location can be moved with an environment variable, which tests and portable installs use:
``WORKBENCH_CONFIG_DIR``, ``WORKBENCH_DATA_DIR``, ``WORKBENCH_CACHE_DIR``.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import Any

from workbench.fsutil import write_atomic

APP_DIR_NAME = "workbench"


def _dir(env: str, default: str) -> Path:
    value = os.environ.get(env)
    return Path(value) if value else Path(default)


def user_config_dir() -> Path:
    import platformdirs

    return _dir("WORKBENCH_CONFIG_DIR", platformdirs.user_config_dir(APP_DIR_NAME))


def user_data_dir() -> Path:
    import platformdirs

    return _dir("WORKBENCH_DATA_DIR", platformdirs.user_data_dir(APP_DIR_NAME))


def user_cache_dir() -> Path:
    """The environment's folder, else the one chosen in the preferences, else the platform's."""
    import platformdirs

    if not os.environ.get("WORKBENCH_CACHE_DIR"):
        chosen = load_settings().get("cache_dir")
        if isinstance(chosen, str) and chosen.strip():
            return Path(chosen.strip())
    return _dir("WORKBENCH_CACHE_DIR", platformdirs.user_cache_dir(APP_DIR_NAME))


def user_models_dir() -> Path:
    return user_data_dir() / "models"


def settings_path() -> Path:
    return user_config_dir() / "settings.json"


def load_settings() -> dict[str, Any]:
    """The user's settings; a missing or unreadable file means defaults."""
    try:
        value = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def save_settings(settings: dict[str, Any]) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(settings, indent=2, sort_keys=True).encode("utf-8"))


def farm_settings() -> dict[str, Any]:
    """The render farm the window's render queue uses (Preferences; ``farm`` in the settings):
    ``cluster``, the Dask scheduler's address (absent or empty: render on this machine);
    ``store``, a folder every farm machine sees (empty: beside the output); ``path_map``,
    ``FROM=TO`` items for workers that mount the storage elsewhere."""
    farm = load_settings().get("farm")
    if not isinstance(farm, dict):
        return {}
    out: dict[str, Any] = {}
    for key in ("cluster", "store"):
        value = farm.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = value.strip()
    items = farm.get("path_map")
    if isinstance(items, list):
        out["path_map"] = [str(i) for i in items if isinstance(i, str) and i.strip()]
    return out


def configured_operator() -> str | None:
    """The operator the user chose — ``WORKBENCH_OPERATOR``, else the settings' ``operator`` —
    or None when nobody chose one yet (the window then asks; the CLI says how to set it)."""
    name = os.environ.get("WORKBENCH_OPERATOR") or load_settings().get("operator")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return None


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def operator_name() -> str:
    """The operator recorded in the log: the chosen name, else the OS user."""
    return configured_operator() or login_name()
