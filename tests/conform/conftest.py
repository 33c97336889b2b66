"""The camera originals the conform tests cut from, made once per test module with ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest

from conform.nle import SOURCES_25, SOURCES_2997, SOURCES_23976, make_sources


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Folders of camera originals: ``25`` (reels A001-A003, A004 without a reel), ``2997``
    (drop-frame), ``23976``."""
    base = tmp_path_factory.mktemp("originals")
    make_sources(base / "25", SOURCES_25)
    make_sources(base / "2997", SOURCES_2997)
    make_sources(base / "23976", SOURCES_23976)
    return {"25": base / "25", "2997": base / "2997", "23976": base / "23976"}
