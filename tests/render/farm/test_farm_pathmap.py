"""The path map: where a machine that mounts the shared storage elsewhere finds the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.errors import UsageError
from workbench.render.farm.pathmap import PathMap


def test_a_path_that_exists_here_is_used_as_it_is(tmp_path: Path) -> None:
    here = tmp_path / "clip.mov"
    here.write_bytes(b"x")
    paths = PathMap.parse([f"{tmp_path}=/Volumes/elsewhere"])
    assert paths.resolve(str(here)) == str(here)


def test_the_first_mapped_path_that_exists_wins(tmp_path: Path) -> None:
    (tmp_path / "b" / "shots").mkdir(parents=True)
    (tmp_path / "b" / "shots" / "A001.mov").write_bytes(b"x")
    paths = PathMap.parse(["/mnt/a=/nowhere/a", f"/mnt/a={tmp_path}/b"])
    assert paths.resolve("/mnt/a/shots/A001.mov") == f"{tmp_path}/b/shots/A001.mov"
    # no mapped form exists: the first is returned, for the error to name
    assert paths.resolve("/mnt/a/shots/missing.mov") == "/nowhere/a/shots/missing.mov"
    # prefixes match at a path boundary only
    assert paths.resolve("/mnt/abc/A001.mov") == "/mnt/abc/A001.mov"


def test_a_sequence_pattern_maps_by_its_folder(tmp_path: Path) -> None:
    (tmp_path / "plates").mkdir()
    paths = PathMap.parse([f"/mnt/a={tmp_path}"])
    assert paths.resolve("/mnt/a/plates/sh_%04d.exr") == f"{tmp_path}/plates/sh_%04d.exr"


def test_windows_destinations_and_sources() -> None:
    paths = PathMap.parse(["/mnt/a=Z:\\a", "Z:\\B=/mnt/b"])
    assert paths.candidates("/mnt/a/shots/A001.mov") == ["Z:\\a\\shots\\A001.mov"]
    assert paths.candidates("z:\\b\\A001.mov") == ["/mnt/b/A001.mov"]  # case-insensitive


@pytest.mark.parametrize("item", ["/mnt/a", "=/b", "/a=", "  =  "])
def test_a_malformed_pair_is_refused(item: str) -> None:
    with pytest.raises(UsageError, match="FROM=TO"):
        PathMap.parse([item])


def test_the_environment_and_an_openjd_rules_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_PATH_MAP", "/mnt/a=/Volumes/a; /mnt/b=/Volumes/b")
    assert PathMap.from_env().pairs == (("/mnt/a", "/Volumes/a"), ("/mnt/b", "/Volumes/b"))
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "version": "pathmapping-1.0",
                "path_mapping_rules": [
                    {
                        "source_path_format": "POSIX",
                        "source_path": "/mnt/a",
                        "destination_path": "/data/a",
                    }
                ],
            }
        )
    )
    assert PathMap.from_rules_file(rules).pairs == (("/mnt/a", "/data/a"),)
    rules.write_text("{}")  # a session without rules
    assert PathMap.from_rules_file(rules).pairs == ()
    rules.write_text(json.dumps({"version": "2", "path_mapping_rules": []}))
    with pytest.raises(UsageError, match=r"pathmapping-1\.0"):
        PathMap.from_rules_file(rules)
    with pytest.raises(UsageError, match="cannot read"):
        PathMap.from_rules_file(tmp_path / "missing.json")
