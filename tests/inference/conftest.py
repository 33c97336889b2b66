"""Every inference test starts and ends with an empty session cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workbench.inference import clear_cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()
