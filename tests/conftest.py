"""Shared fixtures: every test runs with its own config, data and cache folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("WORKBENCH_OPERATOR", "Test Operator")
    # No timing of backends in tests: the main model files on ONNX Runtime's CPU provider,
    # unless a test remembers a profile (tests/inference/test_backends.py).
    monkeypatch.setenv("WORKBENCH_MEASURE_BACKENDS", "0")
    yield base
