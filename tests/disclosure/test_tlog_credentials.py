"""A signed render carries the log's checkpoint note, its edits' inclusion proofs and a CAWG
training-and-data-mining assertion; c2pa's own Reader finds them; tampering is caught."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from disclosure.producer_support import CARDS, DENOISE_CARD, build_project, live_edit_entries
from support import TEST_KEY
from workbench.disclosure.credentials import (
    VALID,
    build_manifest,
    checkpoint_for,
    match_log,
    read_credentials,
    sign_media,
)
from workbench.disclosure.credentials.training_mining import (
    TRAINING_MINING_LABEL,
    entry_label,
    model_entry,
    training_mining,
)
from workbench.disclosure.identity import SigningIdentity, init_identity
from workbench.disclosure.tlog.evidence import evidence_problems
from workbench.disclosure.tlog.note import VerifierKey


@pytest.fixture()
def project(tmp_path: Path) -> Any:
    with build_project(tmp_path / "p.wbproj") as p:
        yield p


def _disclosure(project: Any, key: Any = TEST_KEY) -> dict[str, Any]:
    data = project.log_data()
    manifest = build_manifest(
        title="x.png",
        source=Path("/footage/A001.mov"),
        project=data.project,
        edits=live_edit_entries(project),
        checkpoint=checkpoint_for(data, key=key),
        models=CARDS,
    )
    disclosure: dict[str, Any] = manifest["assertions"][1]["data"]
    return disclosure


def test_the_manifest_carries_a_note_and_proofs_that_check_against_the_log(project: Any) -> None:
    disclosure = _disclosure(project)
    evidence = disclosure["tlog"]
    data = project.log_data()
    assert evidence["note"].startswith(f"workbench.project/{project.id}\n")
    assert VerifierKey.parse(evidence["vkey"]).public_raw == TEST_KEY.public_raw
    assert [p["entry"] for p in evidence["proofs"]] == [e["entry"] for e in disclosure["edits"]]
    hashes = {e["entry"]: e["hash"] for e in disclosure["edits"]}
    full = {"keys": data.keys, "project_id": project.id, "rows": data.rows}
    assert evidence_problems(evidence, entry_hashes=hashes, **full) == []
    # A record changed in the file, a proof hash, or a note by a key the project lacks: caught.
    changed = copy.deepcopy(evidence)
    changed["proofs"][0]["record"] = changed["proofs"][0]["record"].replace("0.5", "0.6")
    assert "does not lead to the signed root" in evidence_problems(changed)[0]
    changed = copy.deepcopy(evidence)
    first = changed["proofs"][1]["inclusion"][0]
    changed["proofs"][1]["inclusion"][0] = ("A" if first[0] != "A" else "B") + first[1:]
    assert evidence_problems(changed)
    del changed["proofs"][1]
    assert "no inclusion proof" in evidence_problems(changed, entry_hashes=hashes)[0]
    assert (
        "not signed by a known key"
        in evidence_problems(evidence, keys=[], project_id=project.id)[0]
    )


def test_no_evidence_without_a_signer_of_the_project(project: Any) -> None:
    """The user's own key (none here: the project was made with the test key) is no signer."""
    assert "tlog" not in _disclosure(project, key=None)


def test_cawg_entries_say_what_each_models_training_data_allows(project: Any) -> None:
    edits = live_edit_entries(project)
    mining = training_mining(CARDS, edits)
    assert mining is not None
    labels = set(mining["entries"])
    assert labels == {entry_label(c.id) for c in CARDS}
    for entry in mining["entries"].values():
        assert entry["use"] in ("allowed", "constrained", "notAllowed")
        assert "was trained on" in entry["constraint_info"]
    denoise = model_entry(DENOISE_CARD)
    bases = {s.consent_basis for s in DENOISE_CARD.training_data}
    expected = "allowed" if bases <= {"public-domain", "cc0", "generated"} else "constrained"
    assert denoise["use"] == expected
    # A model without a card is undisclosed: constrained, and said so.
    stray = [{**edits[0], "model": {"id": "mystery", "sha256": "9" * 64}}]
    assert training_mining([], stray) == {
        "entries": {
            "org.workbench.model.mystery": {
                "use": "constrained",
                "constraint_info": "model mystery (sha256 9999999999999999…) has no model card: "
                "its training data is undisclosed",
            }
        }
    }
    assert training_mining(CARDS, [{**edits[0], "model": None}]) is None


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> SigningIdentity:
    return init_identity("Test Studio", directory=tmp_path_factory.mktemp("identity"))


def test_a_signed_file_carries_both_and_c2pa_reads_them(
    project: Any, identity: SigningIdentity, tmp_path: Path
) -> None:
    c2pa = pytest.importorskip("c2pa")
    import cv2

    png = tmp_path / "render.png"
    rng = np.random.default_rng(5)
    cv2.imwrite(str(png), (rng.random((48, 64, 3)) * 255).astype(np.uint8))
    source = tmp_path / "source.png"
    shutil.copy(png, source)
    data = project.log_data()
    sign_media(
        png,
        source=source,
        project=data.project,
        edits=live_edit_entries(project),
        checkpoint=checkpoint_for(data, key=TEST_KEY),
        models=CARDS,
        identity=identity,
    )
    with png.open("rb") as stream:
        reader = c2pa.Reader("image/png", stream)
        try:
            store = json.loads(reader.json())
        finally:
            reader.close()
    manifest = store["manifests"][store["active_manifest"]]
    by_label = {a["label"]: a["data"] for a in manifest["assertions"]}
    mining = by_label[TRAINING_MINING_LABEL]
    assert set(mining["entries"]) == {entry_label(c.id) for c in CARDS}
    assert by_label["org.workbench.disclosure"]["tlog"]["proofs"]
    report = read_credentials(png)
    assert report.state == VALID and report.checkpoint_valid is True
    assert match_log(report, data) == []


def test_a_reader_without_the_project_checks_the_evidence_on_its_own(project: Any) -> None:
    from workbench.disclosure.credentials.read import _checkpoint_ok

    disclosure = _disclosure(project)
    assert _checkpoint_ok(disclosure) is True
    broken = copy.deepcopy(disclosure)
    origin, size, rest = broken["tlog"]["note"].split("\n", 2)
    broken["tlog"]["note"] = f"{origin}\n{int(size) - 1}\n{rest}"  # the signature no longer holds
    assert _checkpoint_ok(broken) is False
    swapped = copy.deepcopy(disclosure)
    swapped["edits"][0]["hash"] = "0" * 64  # the file names another entry than it proves
    assert _checkpoint_ok(swapped) is False
