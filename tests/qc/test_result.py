"""check() and QcResult: the verdict, its JSON, and the text a person reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.qc import Expectations, QcResult, check


def test_check_passes_a_file_against_itself(prores: Path) -> None:
    result = check(prores, against=prores)
    assert result.passed and result.differences == ()
    lines = result.summary_lines()
    assert lines[0].startswith("file") and lines[-1].endswith("PASSED")
    text = "\n".join(lines)
    for fact in ("prores", "30000/1001", "01:00:00;00", "drop-frame", "A001", "pcm_s24le"):
        assert fact in text


@pytest.mark.usefixtures("reuse_reads")
def test_check_fails_a_shorter_copy_and_says_why(prores: Path, shorter: Path) -> None:
    result = check(shorter, against=prores, expect=Expectations())
    assert not result.passed
    lines = result.summary_lines()
    assert any(line.strip().startswith("UNEXPECTED  video.frame_count: 24 -> ") for line in lines)
    assert "FAILED" in lines[-1]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["passed"] is False and data["schema"] == "workbench.qc.result/1"
    assert QcResult.from_dict(data) == result


def test_check_without_a_source_runs_the_output_checks(prores: Path) -> None:
    result = check(prores, decode=False)
    assert result.source is None and result.passed
    assert result.output.decode_errors is None


@pytest.mark.usefixtures("reuse_reads")
def test_summary_lists_chapters_subtitles_and_hdr(with_chapters: Path, hdr10: Path) -> None:
    text = "\n".join(check(with_chapters).summary_lines())
    assert "Opening" in text and "Ending" in text and "subrip [eng]" in text
    assert "flac" in text and "[fre]" in text
    hdr = "\n".join(check(hdr10).summary_lines())
    assert "MaxCLL 1000, MaxFALL 400" in hdr and "from the first frame" in hdr
