"""OCTA-500 import: B-scan folders written here, and the real sample in ../shared (samocta2/data/octa500.py)."""

import json
import subprocess
import sys

import h5py
import nibabel as nib
import numpy as np
import pytest
from conftest import SHARED_OCTA500, TRAINER
from PIL import Image

from samocta2.cli import main
from samocta2.data import octa500, orientation
from samocta2.data.sequences import load_folder
from samocta2.errors import DataError
from samocta2.progress import Progress


def write_subject(root, sid, n=24, w=24, seed=0):
    """A fake subject in release layout; returns its en-face-oriented truth E[row, col, depth]."""
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 200, size=(n, w, octa500.DEPTH), dtype=np.uint8)  # S[n, x, depth]
    s[3:6, 10:14, 100:110] = 255  # an asymmetric bright block: any wrong flip would move it
    folder = root / "OCTA" / str(sid)
    folder.mkdir(parents=True)
    for i in range(n):
        Image.fromarray(s[i].T).save(folder / f"{i + 1}.bmp")  # each B-scan W x 640
    faz = np.zeros_like(s)
    faz[4:9, 2:5, 300:320] = 1
    (root / "GT_FAZ3D").mkdir(exist_ok=True)
    with h5py.File(root / "GT_FAZ3D" / f"{sid}.mat", "w") as f:
        f["FAZlabel"] = faz
    subset = octa500.subset_of(sid)
    truth = octa500.to_enface_layout(s, subset).transpose(1, 0, 2)  # -> (row, col, depth)
    faz_truth = octa500.to_enface_layout(faz, subset).transpose(1, 0, 2)
    for folder_name, image in (
        ("GT_FAZ", faz_truth.max(axis=2) * 255),
        ("GT_LargeVessel", (truth.max(axis=2) == 255) * 255),
        ("ProjectionMaps/OCTA(FULL)", truth.mean(axis=2)),
    ):
        (root / folder_name).mkdir(parents=True, exist_ok=True)
        Image.fromarray(image.astype(np.uint8)).save(root / folder_name / f"{sid}.bmp")
    return s, truth, faz_truth


@pytest.mark.parametrize(
    "sid,subset,split", [(10305, "3M", "train"), (10190, "6M", "val"), (10455, "3M", "test")]
)
def test_import_bscan_folders(tmp_path, sid, subset, split):
    src = tmp_path / "OCTA-500" / f"OCTA_{subset}"
    s, truth, faz_truth = write_subject(src, sid)
    dst = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "samocta2", "import-octa500", str(tmp_path / "OCTA-500"), str(dst)],
        cwd=TRAINER, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = dst / subset / split
    vol = np.asarray(nib.load(str(out / f"{sid}.nii.gz")).dataobj)
    assert vol.shape == (24, 24, octa500.DEPTH)  # (x, y, depth)
    assert np.array_equal(vol.transpose(1, 0, 2), truth)  # layer k = volume[:, :, k].T
    faz = np.asarray(nib.load(str(out / f"{sid}.faz.nii.gz")).dataobj)
    assert np.array_equal(faz.transpose(1, 0, 2), faz_truth)
    # en-face projection of the imported volume lines up with the projection map
    proj = np.asarray(nib.load(str(out / f"{sid}.enface.nii.gz")).dataobj).T.astype(float)
    assert np.corrcoef(proj.ravel(), vol.mean(axis=2).T.ravel())[0, 1] > 0.99
    pitch = nib.load(str(out / f"{sid}.nii.gz")).header.get_zooms()
    assert pitch[0] == pytest.approx(octa500.FIELD_MM[subset] / 24) and pitch[2] == pytest.approx(2 / 640)
    # what the trainer reads
    (case,) = load_folder(out, "faz")
    assert case.labels.any() and case.frames.shape == (octa500.DEPTH, 24, 24)


def test_ipn_v2_split():
    assert [octa500.split_of(i) for i in (10001, 10180, 10181, 10200, 10201, 10300)] == [
        "train",
        "train",
        "val",
        "val",
        "test",
        "test",
    ]
    assert [octa500.split_of(i) for i in (10301, 10440, 10441, 10450, 10451, 10500)] == [
        "train",
        "train",
        "val",
        "val",
        "test",
        "test",
    ]
    with pytest.raises(DataError):
        octa500.split_of(10501)


def test_bad_bscans_are_clear_errors(tmp_path):
    folder = tmp_path / "OCTA_3M" / "OCTA" / "10301"
    folder.mkdir(parents=True)
    Image.fromarray(np.zeros((500, 304), np.uint8)).save(folder / "1.bmp")
    with pytest.raises(DataError, match="W x 640"):
        octa500.read_bscans(folder)
    with pytest.raises(DataError, match="does not look like OCTA-500"):
        octa500.find_subjects(tmp_path / "OCTA_3M" / "OCTA")


def dice(a, b):
    return 2 * (a & b).sum() / (a.sum() + b.sum())


def test_import_real_octa500_sample(tmp_path, capsys):
    if not SHARED_OCTA500.is_dir():
        pytest.skip(f"the OCTA-500 sample is not at {SHARED_OCTA500}")
    src = SHARED_OCTA500 / "OCTA-500"
    assert main(["import-octa500", str(src), str(tmp_path)]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert events[-1]["event"] == "done"
    # One "subject" event each, counting up: the VS Code command's progress (issue 16).
    subjects = [e for e in events if e["event"] == "subject"]
    total = len(subjects)
    assert total >= 6 and [(e["done"], e["total"]) for e in subjects] == [(n, total) for n in range(1, total + 1)]
    assert all(isinstance(e["volume"], bool) and e["folder"] in events[-1]["folders"] for e in subjects)
    for subset, ids in (("3M", (10301, 10302, 10303)), ("6M", (10001, 10002, 10003))):
        folder = tmp_path / subset / "train"
        scores = []
        for sid in ids:
            faz3d = np.asarray(nib.load(str(folder / f"{sid}.faz.nii.gz")).dataobj) > 0
            faz2d = np.asarray(nib.load(str(folder / f"{sid}.faz2d.nii.gz")).dataobj) > 0
            rv2d = np.asarray(nib.load(str(folder / f"{sid}.rv2d.nii.gz")).dataobj) > 0
            enface = np.asarray(nib.load(str(folder / f"{sid}.enface.nii.gz")).dataobj).astype(float)
            side = {"3M": 304, "6M": 400}[subset]
            assert faz3d.shape == (side, side, 640) and faz2d.shape == rv2d.shape == enface.shape == (
                side,
                side,
            )
            proj = faz3d.max(axis=2)
            scores.append(dice(proj, faz2d))
            # the 3D FAZ's projection fits the 2D FAZ better than any other orientation does
            others = [proj[::-1], proj[:, ::-1], proj.T, proj[::-1, ::-1]]
            assert scores[-1] >= max(dice(o, faz2d) for o in others) - 0.02
            # large vessels are bright on the projection map in the same orientation
            assert enface[rv2d].mean() > enface[~rv2d].mean() + 20
        assert np.mean(scores) > 0.75, (subset, scores)


ORIENTED = {name: turn for name, turn in orientation.ORIENTATIONS.items()}


@pytest.mark.parametrize("name", list(ORIENTED))
def test_import_refuses_a_volume_in_another_orientation(tmp_path, name):
    """B-scans written in each of the eight orientations against the same projection map: only
    the release's own imports; every other one is an error that names the orientation that fits
    (the inverse of the one applied) and writes nothing for the subject."""
    sid = 10305
    src = tmp_path / "OCTA-500" / "OCTA_3M"
    s, truth, _ = write_subject(src, sid)
    # Rewrite the B-scans so that the importer's en-face image is the truth turned by `name`.
    turned = np.stack([ORIENTED[name](truth[..., k]) for k in range(octa500.DEPTH)], axis=2)
    bscans = src / "OCTA" / str(sid)
    for f in bscans.iterdir():
        f.unlink()
    mirror_n, mirror_x = octa500.MIRROR["3M"]
    raw = turned  # en-face (row, column) is S's (n, x) after the importer's mirroring: undo it
    raw = raw[::-1] if mirror_n else raw
    raw = raw[:, ::-1] if mirror_x else raw
    for i in range(raw.shape[0]):
        Image.fromarray(np.ascontiguousarray(raw[i].T)).save(bscans / f"{i + 1}.bmp")
    dst = tmp_path / "out"
    if name == "as imported":
        octa500.import_octa500(tmp_path / "OCTA-500", dst, None, False, Progress())
        vol = np.asarray(nib.load(str(dst / f"{sid}.nii.gz")).dataobj)
        assert np.array_equal(vol.transpose(1, 0, 2), truth)
        return
    with pytest.raises(DataError) as err:
        octa500.import_octa500(tmp_path / "OCTA-500", dst, None, False, Progress())
    message = str(err.value)
    assert f"subject {sid}" in message and "Nothing was written" in message
    fitting = message.split("fits the map ")[1].split(" (correlation")[0]
    # the named orientation undoes the one applied
    projection = turned.mean(axis=2)
    assert np.array_equal(ORIENTED[fitting](projection), truth.mean(axis=2))
    assert not any(dst.rglob(f"{sid}*"))


def test_orientation_of_a_real_projection_is_unambiguous():
    """On the shared release's real OCTA(FULL) maps, the map fits itself by far more than any flip
    of it does (so MARGIN cannot be reached by a real eye's flipped twin)."""
    if not SHARED_OCTA500.is_dir():
        pytest.skip(f"the OCTA-500 sample is not at {SHARED_OCTA500}")
    maps = sorted((SHARED_OCTA500 / "OCTA-500").rglob("ProjectionMaps/OCTA(FULL)/*.bmp"))
    assert maps
    for path in maps:
        image = octa500.read_bmp(path).astype(float)
        fits = orientation.orientation_fits(image, image)
        others = max(v for k, v in fits.items() if k != "as imported")
        assert fits["as imported"] == pytest.approx(1.0) and others < 1.0 - 2 * orientation.MARGIN, (path, fits)
