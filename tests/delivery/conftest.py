"""The delivery tests' session-wide source factory (sources are made once, with ffmpeg)."""

from __future__ import annotations

import shutil

import pytest

from delivery.delivery_sources import SourceFactory


@pytest.fixture(scope="session")
def delivery_sources(tmp_path_factory: pytest.TempPathFactory) -> SourceFactory:
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        pytest.skip("the delivery tests need the ffmpeg and ffprobe command lines")
    if not shutil.which("mediainfo"):
        pytest.skip("the delivery tests need the mediainfo command line")
    return SourceFactory(tmp_path_factory.mktemp("delivery-sources"))
