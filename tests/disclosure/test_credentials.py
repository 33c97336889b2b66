"""Content Credentials on real files: sign, read back with c2pa, tamper, match the log."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from disclosure.producer_support import CARDS, build_project, live_edit_entries
from media.media_clips import make_video
from workbench.disclosure.credentials import (
    DISCLOSURE_LABEL,
    INVALID,
    TRUSTED,
    VALID,
    CredentialsError,
    NoCredentialsError,
    SignRequest,
    checkpoint_for,
    match_log,
    read_credentials,
    sidecar_path,
    sign_media,
    sign_output,
)
from workbench.disclosure.identity import (
    IdentityError,
    SigningIdentity,
    import_identity,
    init_identity,
    load_identity,
    make_studio_chain,
)

pytest.importorskip("c2pa")


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    return init_identity("Test Studio", directory=tmp_path_factory.mktemp("identity"))


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import cv2

    folder = tmp_path_factory.mktemp("signing-media")
    out = {
        "mov": make_video(
            folder / "src.mov",
            "prores_ks",
            "yuv422p10le",
            Fraction(24),
            frames=6,
            audio="pcm_s16le",
            timecode="01:00:00:00",
            options={"profile": "0"},
        ),
        "mp4": make_video(
            folder / "src.mp4",
            "libx264",
            "yuv420p",
            Fraction(24),
            frames=6,
            options={"preset": "ultrafast"},
        ),
    }
    rng = np.random.default_rng(3)
    img = (rng.random((48, 64, 3)) * 255).astype(np.uint8)
    for ext in ("png", "jpg", "tif"):
        path = folder / f"src.{ext}"
        cv2.imwrite(str(path), img)
        out[ext] = path
    exr = folder / "src.exr"
    exr.write_bytes(b"v/1\x01" + rng.bytes(4096))  # the signer only hashes the bytes
    out["exr"] = exr
    return out


@pytest.fixture()
def project(tmp_path: Path) -> Any:
    with build_project(tmp_path / "p.wbproj") as p:
        yield p


def _sign(path: Path, project: Any, identity: SigningIdentity, source: Path | None = None) -> Any:
    data = project.log_data()
    return sign_media(
        path,
        source=source or path,
        project=data.project,
        edits=live_edit_entries(project),
        checkpoint=checkpoint_for(data),
        models=CARDS,
        identity=identity,
    )


@pytest.mark.parametrize("kind", ["mov", "mp4", "png", "jpg", "tif", "exr"])
def test_signed_file_is_trusted_valid_then_invalid_when_a_byte_flips(
    kind: str, media: dict[str, Path], tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    target = tmp_path / f"render.{media[kind].suffix.lstrip('.')}"
    shutil.copy(media[kind], target)
    result = _sign(target, project, identity, source=media[kind])
    assert result.embedded == (kind != "exr")
    if kind == "exr":
        assert result.manifest_path == tmp_path / "render.c2pa"
        assert result.manifest_path.is_file()
        assert target.read_bytes() == media[kind].read_bytes()  # sidecar: media untouched

    assert read_credentials(target, identity.ca_pem).state == TRUSTED
    untrusted = read_credentials(target)
    assert untrusted.state == VALID
    assert untrusted.label == "Valid (untrusted signer)"
    assert untrusted.checkpoint_valid is True
    assert match_log(untrusted, project.log_data()) == []

    data = bytearray(target.read_bytes())
    # a byte in the middle of the media payload: for MOV/MP4 inside mdat, for stills the pixels
    middle = {"mov": len(data) // 3, "mp4": len(data) // 3}.get(kind, len(data) - 40)
    if kind in ("mov", "mp4"):
        middle = data.index(b"mdat") + 64
    data[middle] ^= 0xFF
    target.write_bytes(bytes(data))
    broken = read_credentials(target, identity.ca_pem)
    assert broken.state == INVALID, broken
    assert broken.reason
    assert broken.label.startswith("Invalid: ")


def test_actions_and_custom_assertion_match_the_log(
    media: dict[str, Path], tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    target = tmp_path / "render.png"
    shutil.copy(media["png"], target)
    _sign(target, project, identity)
    report = read_credentials(target, identity.ca_pem)
    edits = live_edit_entries(project)

    assert [a.action for a in report.actions] == ["c2pa.opened", "c2pa.enhanced", "c2pa.resized"]
    ai = report.ai_actions
    assert [a.entry_id for a in ai] == [e["id"] for e in edits]
    iptc = "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicallyEnhanced"
    assert all(a.digital_source_type == iptc for a in ai)
    assert ai[0].parameters["frames"] == {"first": 0, "last": 23, "count": 24}
    assert ai[0].parameters["strength"] == 0.5
    assert ai[0].parameters["region"] == {"kind": "rect", "x": 0, "y": 0, "w": 32, "h": 24}
    assert ai[1].parameters["region"] == {"kind": "full"}
    assert ai[1].parameters["frames"] == {"first": 0, "last": 47, "count": 48}
    assert "e" * 64 in (ai[1].software_agent or "")

    disclosure = report.disclosure
    assert disclosure is not None
    data = project.log_data()
    assert disclosure["project"]["id"] == data.project_id
    checkpoint = checkpoint_for(data)
    assert disclosure["checkpoint"]["tree_size"] == checkpoint["tree_size"]
    assert disclosure["checkpoint"]["head"] == checkpoint["head"]
    assert disclosure["checkpoint"]["public_key"] == data.keys[0].public_key
    assert [m["sha256"] for m in disclosure["models"]] == ["d" * 64, "e" * 64]
    assert disclosure["models"][0]["training_data"][0]["consent_basis"] == "cc-by"
    assert disclosure["models"][0]["contributors"][0]["share"] == 0.75
    assert disclosure["assistive_only"] is True
    assert DISCLOSURE_LABEL == "org.workbench.disclosure"


def test_match_log_names_what_differs(
    media: dict[str, Path], tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    target = tmp_path / "render.png"
    shutil.copy(media["png"], target)
    _sign(target, project, identity)
    report = read_credentials(target)
    with build_project(tmp_path / "other.wbproj") as other:
        problems = match_log(report, other.log_data())
    assert any("names project" in p for p in problems)
    assert any("not in the log" in p for p in problems)


def test_mov_audio_packets_identical_and_video_frame_exact(
    media: dict[str, Path], tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    import av

    from workbench.media import open_reader

    target = tmp_path / "render.mov"
    shutil.copy(media["mov"], target)
    _sign(target, project, identity, source=media["mov"])
    assert target.read_bytes() != media["mov"].read_bytes()

    def packets(path: Path, kind: str) -> list[bytes]:
        with av.open(str(path)) as container:
            stream = next(s for s in container.streams if s.type == kind)
            return [bytes(p) for p in container.demux(stream) if p.size]

    assert packets(target, "audio") == packets(media["mov"], "audio")
    assert packets(target, "video") == packets(media["mov"], "video")
    with open_reader(media["mov"]) as before, open_reader(target) as after:
        assert len(before) == len(after) == 6
        for i in range(len(before)):
            np.testing.assert_array_equal(before.read(i), after.read(i))


def test_exr_sequence_gets_one_sidecar_that_names_the_changed_frame(
    tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    for n in range(1, 4):
        (tmp_path / f"shot_{n:04d}.exr").write_bytes(bytes([n]) * 1000)
    pattern = tmp_path / "shot_%04d.exr"
    result = _sign(pattern, project, identity, source=Path("/footage/A001.mov"))
    assert result.manifest_path == sidecar_path(pattern) == tmp_path / "shot.c2pa"
    assert len(result.files) == 3
    assert read_credentials(pattern, identity.ca_pem).state == TRUSTED
    frame = tmp_path / "shot_0002.exr"
    frame.write_bytes(b"\x09" + frame.read_bytes()[1:])
    report = read_credentials(pattern, identity.ca_pem)
    assert report.state == INVALID
    assert report.changed_frames == ["shot_0002.exr"]
    assert "shot_0002.exr" in (report.reason or "")


def test_unsigned_and_unknown_files_give_clear_errors(
    media: dict[str, Path], tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    with pytest.raises(NoCredentialsError):
        read_credentials(media["png"])
    with pytest.raises(NoCredentialsError, match="sidecar"):
        read_credentials(media["exr"])
    odd = tmp_path / "x.webm"
    odd.write_bytes(b"1234")
    with pytest.raises(CredentialsError, match="not a format"):
        _sign(odd, project, identity)


def test_identity_files_reload_and_bad_certificates_are_refused(
    tmp_path: Path, identity: SigningIdentity
) -> None:
    again = load_identity(identity.directory)
    assert again.fingerprint == identity.fingerprint
    assert again.algorithm == "es256"
    assert identity.directory is not None
    assert (identity.directory / "signing-key.pem").stat().st_mode & 0o077 == 0
    with pytest.raises(IdentityError, match="already exists"):
        init_identity("Again", directory=identity.directory)

    ca, _ca_key, leaf, leaf_key = make_studio_chain("Org")
    (tmp_path / "leaf.pem").write_bytes(leaf + ca)
    (tmp_path / "leaf.key").write_bytes(leaf_key)
    imported = import_identity(
        tmp_path / "leaf.pem", tmp_path / "leaf.key", directory=tmp_path / "imported"
    )
    assert imported.kind == "imported"
    # the CA alone is self-signed and has no C2PA usage: refused with the reason
    (tmp_path / "ca.key").write_bytes(_ca_key)
    (tmp_path / "ca.pem").write_bytes(ca)
    with pytest.raises(IdentityError, match="self-signed"):
        import_identity(tmp_path / "ca.pem", tmp_path / "ca.key", directory=tmp_path / "bad")
    with pytest.raises(IdentityError, match="does not belong"):
        import_identity(tmp_path / "leaf.pem", tmp_path / "ca.key", directory=tmp_path / "bad2")


def _request(project: Any, identity: SigningIdentity, pending: Path, output: Path) -> SignRequest:
    return SignRequest(
        pending=pending,
        output=output,
        source=Path("/footage/A001.mov"),
        edit_entries=(*(e["id"] for e in live_edit_entries(project)), "not-an-entry"),
        model_cards=tuple(CARDS),
        log_data=project.log_data(),
        identity=identity,
    )


def test_sign_output_embeds_and_the_file_matches_the_log(
    media: dict[str, Path], tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    pending = tmp_path / ".render.png.pending.png"
    shutil.copy(media["png"], pending)
    recorded = sign_output(_request(project, identity, pending, tmp_path / "render.png"))
    assert recorded == {
        "credentials": {
            "signed": True,
            "embedded": True,
            "sidecar": None,
            "signer": identity.subject,
            "actions": 2,  # the id that is not in the log is left out
        }
    }
    report = read_credentials(pending, identity.ca_pem)
    assert report.state == TRUSTED
    assert match_log(report, project.log_data()) == []


def test_sign_output_moves_a_sidecar_beside_the_final_name(
    media: dict[str, Path], tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    pending = tmp_path / "render.pending.exr"
    output = tmp_path / "render.exr"
    shutil.copy(media["exr"], pending)
    recorded = sign_output(_request(project, identity, pending, output))
    assert recorded["credentials"]["embedded"] is False
    assert recorded["credentials"]["sidecar"] == "render.c2pa"
    assert not pending.with_suffix(".c2pa").exists()
    pending.replace(output)  # what the render does when it registers the output
    report = read_credentials(output, identity.ca_pem)
    assert report.state == TRUSTED
    assert match_log(report, project.log_data()) == []


def test_sign_output_records_a_format_that_cannot_carry_credentials(
    tmp_path: Path, project: Any, identity: SigningIdentity
) -> None:
    pending = tmp_path / "render.mkv"
    pending.write_bytes(b"not signed")
    recorded = sign_output(_request(project, identity, pending, pending))
    assert recorded == {
        "credentials": {"signed": False, "reason": ".mkv cannot carry Content Credentials"}
    }
    assert pending.read_bytes() == b"not signed"
