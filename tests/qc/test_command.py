"""``workbench qc``: registered through add_parser, exit codes as the CLI maps them."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.qc import command

pytestmark = pytest.mark.usefixtures("reuse_reads")


def run_qc(argv: Sequence[str]) -> int:
    """What cli.main does for a subcommand: call its func, map a WorkbenchError to its code."""
    parser = argparse.ArgumentParser(prog="workbench")
    sub = parser.add_subparsers(dest="command")
    command.add_parser(sub)
    args = parser.parse_args(list(argv))
    try:
        return int(args.func(args))
    except WorkbenchError as exc:
        print(f"error: {exc}")
        return exc.exit_code


def test_passing_comparison_exits_0(prores: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_qc(["qc", str(prores), "--against", str(prores)]) == 0
    out = capsys.readouterr().out
    assert "PASSED" in out and "frames" in out


def test_unexpected_difference_exits_1(
    prores: Path, shorter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_qc(["qc", str(shorter), "--against", str(prores)]) == 1
    out = capsys.readouterr().out
    assert "UNEXPECTED" in out and "error:" in out and "unexpected difference" in out


def test_expect_option_makes_a_deliberate_change_pass(prores: Path, audio_converted: Path) -> None:
    index = 1  # the master's audio stream (video 0, audio 1, tmcd 2)
    expect = json.dumps({"converted_audio": [index]})
    assert run_qc(["qc", str(audio_converted), "--against", str(prores), "--expect", expect]) == 0
    assert run_qc(["qc", str(audio_converted), "--against", str(prores)]) == 1


def test_json_output(prores: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_qc(["qc", str(prores), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is True and data["output"]["video"]["codec"] == "prores"


def test_unreadable_and_bad_options(tmp_path: Path) -> None:
    assert run_qc(["qc", str(tmp_path / "missing.mov")]) == 9
    junk = tmp_path / "junk.mov"
    junk.write_bytes(b"\0" * 100)
    assert run_qc(["qc", str(junk), "--expect", "{not json"]) == 2
    assert run_qc(["qc", str(junk), "--rate", "fast"]) == 2


def test_image_sequence_with_a_rate(dpx_sequence: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_qc(["qc", str(dpx_sequence), "--rate", "24000/1001"]) == 0
    out = capsys.readouterr().out
    assert "starts at frame 1001" in out and "24000/1001" in out
