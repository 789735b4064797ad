"""Region prediction: the written volume, its sidecar, screening and the CLI contract
(samocta2/region/predict.py, screen.py, predict_cli.py)."""

import json
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from region_helpers import one_torch_thread, region_config, synthetic_annotations  # noqa: F401

from samocta2.cli import main
from samocta2.region.annotations import layer_of
from samocta2.region.predict import parse_layers, run_region_prediction, smooth
from samocta2.region.screen import non_blank_layers
from samocta2.region.train import run_region_training


@pytest.fixture(scope="module")
def trained(synthetic_data, tmp_path_factory) -> Path:
    """A region checkpoint after 2 steps on synthetic annotations."""
    root = tmp_path_factory.mktemp("predict")
    folder = synthetic_annotations(synthetic_data / "train", root / "annotated")
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        summary = run_region_training(region_config(root / "run", folder, steps=2))
    finally:
        torch.set_num_threads(threads)
    return Path(summary["checkpoint"])


def test_predict_writes_a_uint8_volume_with_the_volume_shape_and_affine(trained, synthetic_data, tmp_path):
    volume_path = next((synthetic_data / "val").glob("synth-*.nii.gz"))
    source = nib.load(str(volume_path))
    volume = np.asarray(source.dataobj)
    # Three blank layers at the end must be screened out.
    padded = np.concatenate([volume, np.zeros(volume.shape[:2] + (3,), volume.dtype)], axis=2)
    padded_path = tmp_path / "in" / "case.nii.gz"
    padded_path.parent.mkdir()
    nib.save(nib.Nifti1Image(padded, source.affine, source.header), str(padded_path))

    (record,) = run_region_prediction(trained, [padded_path], out=tmp_path / "out", device="cpu")

    out = nib.load(record["path"])
    probs = np.asarray(out.dataobj)
    assert probs.shape == padded.shape and probs.dtype == np.uint8
    np.testing.assert_allclose(out.affine, source.affine, atol=1e-6)
    assert out.header.get_sform(coded=True)[1] == nib.load(str(padded_path)).header.get_sform(coded=True)[1]
    sidecar = json.loads(Path(record["sidecar"]).read_text())
    expected = non_blank_layers(padded, 2)
    assert sidecar["layers"] == expected and sidecar["axis"] == "k" and sidecar["scale"] == 255
    assert not set(range(padded.shape[2] - 3, padded.shape[2])) & set(expected)
    assert len(expected) >= 3  # the generator's brightest vessel layers are not blank
    skipped = [k for k in range(padded.shape[2]) if k not in expected]
    assert not probs[:, :, skipped].any()
    assert probs[:, :, expected].any()
    # Smoothed: no pixel differs from its neighbour by more than a sigma-2 Gaussian allows.
    assert np.abs(np.diff(probs[:, :, expected[0]].astype(int), axis=0)).max() <= 255 * 0.25


def test_predict_cli_follows_the_sidecar_axis_and_the_layers_flag(trained, synthetic_data, tmp_path, capsys):
    folder = synthetic_annotations(synthetic_data / "val", tmp_path / "annotated", per_volume=2)
    sidecar = next(folder.glob("*.regions.json"))
    # Annotate across j instead of k: prediction must then run across j.
    data = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**data, "axis": "j", "layers": [1]}))
    code = main(
        ["region-predict", str(folder), "--checkpoint", str(trained), "--layers", "2,5-6", "--device", "cpu"]
    )
    assert code == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["event"] for e in events if e["event"] != "layer"] == ["start", "written", "done"]
    assert [e["layer"] for e in events if e["event"] == "layer"] == [2, 5, 6]
    written = next(e for e in events if e["event"] == "written")
    probs = np.asarray(nib.load(written["path"]).dataobj)
    assert json.loads(Path(written["sidecar"]).read_text())["axis"] == "j"
    assert [j for j in range(probs.shape[1]) if probs[:, j, :].any()] == [2, 5, 6]
    # the volume was not taken for a label file, nor the region file for a volume
    assert written["volume"].endswith(".nii.gz") and ".regions." not in written["volume"]


def test_smoothing_is_scipy_gaussian_with_the_editor_sigma():
    spike = np.zeros((21, 21), np.float32)
    spike[10, 10] = 1.0
    out = smooth(spike, 2.0)
    assert out.sum() == pytest.approx(1.0, abs=1e-5)
    # exp(-1/8) between the centre and its neighbour: sigma 2 px
    assert out[10, 11] / out[10, 10] == pytest.approx(np.exp(-1 / 8), rel=1e-4)
    np.testing.assert_array_equal(smooth(spike, 0.0), spike)


def test_layers_are_read_in_the_editor_orientation():
    volume = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    assert layer_of(volume, 2, 1).shape == (3, 2)  # rows = j, columns = i
    assert layer_of(volume, 2, 1)[2, 1] == volume[1, 2, 1]
    assert layer_of(volume, 0, 1).shape == (4, 3)  # rows = k, columns = j
    assert parse_layers("3, 5-7", 8) == [3, 5, 6, 7]


def test_region_files_do_not_change_what_fine_tuning_reads(trained, synthetic_data, tmp_path):
    from samocta2.config import DEFAULTS
    from samocta2.data.naming import find_cases
    from samocta2.data.sequences import build_source

    folder = synthetic_annotations(synthetic_data / "train", tmp_path / "annotated")
    for name in find_cases(folder):
        (folder / f"{name}.vessels.nii.gz").write_bytes(
            (synthetic_data / "train" / f"{name}.vessels.nii.gz").read_bytes()
        )
    run_region_prediction(trained, [folder], layers=None, device="cpu")
    assert len(list(folder.glob("*.regionprob.nii.gz"))) == 2
    assert sorted(find_cases(folder)) == sorted(find_cases(synthetic_data / "train"))
    plain = build_source(str(synthetic_data / "train"), "rv", DEFAULTS["sampling"])
    annotated = build_source(str(folder), "rv", DEFAULTS["sampling"])
    assert len(annotated) == len(plain) > 0
