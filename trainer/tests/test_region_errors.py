"""Bad input to region-train / region-predict: one clear message, exit code 2, nothing lost
(samocta2/region/annotations.py, checkpoint.py, through samocta2.cli.main)."""

import json

import nibabel as nib
import numpy as np
import pytest
from PIL import Image

from samocta2.cli import main


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    errors = [json.loads(line) for line in out.out.splitlines() if '"error"' in line]
    return code, (errors[-1]["message"] if errors else ""), out.err


def png(path, size, value=128):
    Image.fromarray(np.full(size, value, np.uint8)).save(path)


def train(folder, tmp_path, capsys):
    return run(
        ["region-train", "--data", str(folder), "--out", str(tmp_path / "run"), "--device", "cpu"], capsys
    )


def test_an_empty_folder_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, message, err = train(tmp_path / "empty", tmp_path, capsys)
    assert code == 2
    assert "no annotated layers" in message and "_layer.png" in message and ".regions.nii.gz" in message
    assert "error:" in err
    assert not (tmp_path / "run").exists()


def test_a_missing_folder_and_no_data_are_clear_errors(tmp_path, capsys):
    code, message, _ = train(tmp_path / "nowhere", tmp_path, capsys)
    assert code == 2 and "not found" in message
    code, message, _ = run(["region-train", "--out", str(tmp_path / "run")], capsys)
    assert code == 2 and "--data" in message


def test_pair_sizes_must_match(tmp_path, capsys):
    png(tmp_path / "1_5_layer.png", (32, 32))
    png(tmp_path / "1_5_region.png", (32, 40), 255)
    code, message, _ = train(tmp_path, tmp_path, capsys)
    assert code == 2 and "1_5_region.png" in message and "size" in message


def test_a_layer_without_its_region_is_a_clear_error(tmp_path, capsys):
    png(tmp_path / "1_5_layer.png", (32, 32))
    code, message, _ = train(tmp_path, tmp_path, capsys)
    assert code == 2 and "1_5_region.png" in message and "no region file" in message


def write_volume(folder, shape=(16, 16, 6)):
    folder.mkdir(exist_ok=True)
    nib.save(nib.Nifti1Image(np.ones(shape, np.uint8), np.eye(4)), str(folder / "v.nii.gz"))


def test_region_volume_problems_are_clear_errors(tmp_path, capsys):
    write_volume(tmp_path)
    regions = tmp_path / "v.regions.nii.gz"
    nib.save(nib.Nifti1Image(np.ones((16, 16, 6), np.uint8), np.eye(4)), str(regions))
    code, message, _ = train(tmp_path, tmp_path, capsys)
    assert code == 2 and "v.regions.json" in message  # no sidecar

    sidecar = tmp_path / "v.regions.json"
    sidecar.write_text(json.dumps({"layers": [1, 9], "axis": "k"}))
    code, message, _ = train(tmp_path, tmp_path, capsys)
    assert code == 2 and "[9]" in message and "0..5" in message

    sidecar.write_text(json.dumps({"layers": [1], "axis": "z"}))
    code, message, _ = train(tmp_path, tmp_path, capsys)
    assert code == 2 and "'z'" in message

    sidecar.write_text(json.dumps({"layers": [1]}))
    nib.save(nib.Nifti1Image(np.ones((16, 16, 5), np.uint8), np.eye(4)), str(regions))
    code, message, _ = train(tmp_path, tmp_path, capsys)
    assert code == 2 and "shape" in message

    regions.unlink()
    code, message, _ = train(tmp_path, tmp_path, capsys)
    assert code == 2 and "v.regions.nii.gz" in message and "missing" in message


def test_bad_config_values_are_clear_errors(tmp_path, capsys):
    png(tmp_path / "1_5_layer.png", (32, 32))
    png(tmp_path / "1_5_region.png", (32, 32), 255)
    code, message, _ = run(["region-train", "--data", str(tmp_path), "--roi-size", "100"], capsys)
    assert code == 2 and "multiple of 32" in message
    code, message, _ = run(["region-train", "--data", str(tmp_path), "--set", "train.nope=1"], capsys)
    assert code == 2 and "train.nope" in message


@pytest.mark.parametrize("kind", ["missing", "foreign", "fine-tune"])
def test_predict_refuses_a_checkpoint_it_cannot_use(tmp_path, capsys, kind):
    import torch

    write_volume(tmp_path)
    ckpt = tmp_path / "checkpoint.pt"
    if kind == "foreign":
        ckpt.write_bytes(b"not a checkpoint")
    elif kind == "fine-tune":
        torch.save({"format": "samocta2.train-checkpoint", "version": 1}, ckpt)
    code, message, _ = run(["region-predict", str(tmp_path / "v.nii.gz"), "--checkpoint", str(ckpt)], capsys)
    assert code == 2 and str(ckpt) in message
    assert not list(tmp_path.glob("*.regionprob.*"))


def test_predict_refuses_a_file_that_is_not_a_volume(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x")
    torch_ckpt = tmp_path / "c.pt"
    torch_ckpt.write_bytes(b"")
    code, message, _ = run(
        ["region-predict", str(tmp_path / "notes.txt"), "--checkpoint", str(torch_ckpt)], capsys
    )
    assert code == 2 and "notes.txt" in message and "not a NIfTI volume" in message
    code, message, _ = run(["region-predict", str(tmp_path), "--checkpoint", str(torch_ckpt)], capsys)
    assert code == 2 and "no NIfTI volumes" in message
