"""Where the user's things live: environment first, then the preferences, then the platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.config import load_settings, save_settings, user_cache_dir


def test_cache_dir_follows_the_preferences_unless_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WORKBENCH_CACHE_DIR")
    save_settings({**load_settings(), "cache_dir": str(tmp_path / "chosen")})
    assert user_cache_dir() == tmp_path / "chosen"
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "env"))
    assert user_cache_dir() == tmp_path / "env"
    monkeypatch.delenv("WORKBENCH_CACHE_DIR")
    save_settings({"cache_dir": "  "})
    assert user_cache_dir() != tmp_path / "chosen"
