"""The frame cache: exact frames, bounded in memory and on disk, least recently used out first."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.render.frame_cache import MIB, CacheLimits, FrameCache, shared_cache


def frame(value: float, side: int = 64) -> np.ndarray:
    out = np.full((side, side, 3), value, np.float32)
    out[0, 0, 0] = np.float32(1 / 3)  # a value no rounding would keep
    return out


def test_frames_come_back_exactly(tmp_path: Path) -> None:
    cache = FrameCache(tmp_path / "c")
    cache.put("a" * 64, frame(0.25))
    assert np.array_equal(cache.get("a" * 64), frame(0.25))
    reopened = FrameCache(tmp_path / "c")  # another session: from disk, bit for bit
    got = reopened.get("a" * 64)
    assert got is not None and got.dtype == np.float32 and np.array_equal(got, frame(0.25))
    assert reopened.get("b" * 64) is None and ("b" * 64) not in reopened


def test_memory_is_bounded_and_keeps_the_recently_used(tmp_path: Path) -> None:
    one = frame(0.0).nbytes
    cache = FrameCache(None, CacheLimits(memory_bytes=3 * one, disk_bytes=0))
    for n in range(3):
        cache.put(f"{n:064d}", frame(n / 10))
    cache.get(f"{0:064d}")  # used: it stays
    cache.put(f"{3:064d}", frame(0.3))
    assert [f"{n:064d}" in cache for n in range(4)] == [True, False, True, True]
    stats = cache.stats()
    assert stats.memory_frames == 3 and stats.memory_bytes <= 3 * one and stats.disk_frames == 0


def test_disk_is_bounded_and_its_order_survives_a_restart(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    cache = FrameCache(folder, CacheLimits(memory_bytes=0, disk_bytes=10 * MIB))
    cache.put("1" * 64, frame(0.1))
    size = cache.stats().disk_bytes
    limit = 3 * size
    cache = FrameCache(folder, CacheLimits(memory_bytes=0, disk_bytes=limit))
    for n in (2, 3):
        cache.put(str(n) * 64, frame(n / 10))
    assert cache.get("1" * 64) is not None  # read: now the most recently used
    cache.put("4" * 64, frame(0.4))
    assert sorted(p.stem[0] for p in folder.rglob("*.npy")) == ["1", "3", "4"]
    assert cache.stats().disk_bytes <= limit
    assert not list(folder.rglob("*.tmp"))


def test_a_damaged_file_is_a_miss_and_goes(tmp_path: Path) -> None:
    cache = FrameCache(tmp_path / "c")
    cache.put("d" * 64, frame(0.5))
    path = next((tmp_path / "c").rglob("*.npy"))
    path.write_bytes(b"not a frame")
    fresh = FrameCache(tmp_path / "c")
    assert fresh.get("d" * 64) is None and not path.exists()


def test_a_full_disk_loses_only_the_disk_copy(tmp_path: Path) -> None:
    blocker = tmp_path / "c"
    blocker.write_text("a file where the folder should be")
    cache = FrameCache(blocker)
    cache.put("e" * 64, frame(0.5))
    assert cache.get("e" * 64) is not None and cache.last_error
    cache.clear()
    assert cache.get("e" * 64) is None


def test_the_shared_cache_follows_the_settings(tmp_path: Path) -> None:
    from workbench.config import save_settings

    save_settings({"frame_cache": {"memory_mb": 64, "disk_gb": 1}})
    cache = shared_cache()
    assert cache.limits == CacheLimits(64 * MIB, 1024 * MIB)
    save_settings({"frame_cache": {"memory_mb": "lots"}})
    assert shared_cache() is cache and cache.limits == CacheLimits()
