"""Reading cases: naming, binary RV split, and bad input (samocta2/data/volumes.py)."""

import nibabel as nib
import numpy as np
import pytest
from factory import make_arrays, write_case

from samocta2.config import DEFAULTS
from samocta2.data.naming import find_cases, label_holds_vessels
from samocta2.data.sequences import build_source, load_folder
from samocta2.data.volumes import split_binary_rv
from samocta2.errors import DataError


def test_frames_are_k_slices_transposed(tmp_path):
    arrays = write_case(tmp_path, "c", seed=0)
    (case,) = load_folder(tmp_path, "rv")
    assert case.frames.shape == (32, 64, 64)
    k = 10
    # rows = y, columns = x: frame k is volume[:, :, k].T
    assert np.array_equal(case.labels[k], arrays["vessels"][:, :, k].T.astype(np.int32))
    assert np.corrcoef(case.frames[k].ravel(), arrays["volume"][:, :, k].T.ravel())[0, 1] > 0.99


def test_names_with_label_suffixes(tmp_path):
    write_case(tmp_path, "s-1", seed=0)
    (tmp_path / "notes.txt").write_text("x")
    found = find_cases(tmp_path)
    assert list(found) == ["s-1"]
    assert set(found["s-1"]) == {"volume", "vessels", "faz", "rv2d", "faz2d"}


def test_editor_segmentation_is_not_a_case(tmp_path):
    # The editor saves <name>.seg.nii.gz beside the volume; it must not become a second case.
    arrays = write_case(tmp_path, "s-1", seed=0)
    nib.save(nib.Nifti1Image(arrays["vessels"].astype(np.uint16), np.eye(4)), tmp_path / "s-1.seg.nii.gz")
    found = find_cases(tmp_path)
    assert list(found) == ["s-1"]
    assert found["s-1"]["seg"].name == "s-1.seg.nii.gz"


def test_binary_rv_is_split_by_enface_components():
    rv3d = np.zeros((20, 20, 4), np.uint8)
    rv3d[2:5, :, 1] = 1  # vessel A on layer 1
    rv3d[12:15, :, 2] = 1  # vessel B on layer 2
    rv2d = rv3d.max(axis=2)
    labels = split_binary_rv(rv3d, rv2d)
    assert set(np.unique(labels)) == {0, 1, 2}
    assert len(np.unique(labels[2:5, :, 1])) == 1 and len(np.unique(labels[12:15, :, 2])) == 1
    assert labels[3, 0, 1] != labels[13, 0, 2]


def test_binary_rv_file_becomes_instances(tmp_path):
    arrays = make_arrays(seed=1)
    rv = np.zeros_like(arrays["vessels"])
    rv[10:13, :, 5:9] = 1
    rv[40:44, 5:50, 7:12] = 1
    arrays["vessels"], arrays["rv2d"] = rv, rv.max(axis=2)
    write_case(tmp_path, "b", arrays)
    source = build_source(tmp_path, "rv", DEFAULTS["sampling"])
    assert len(source) == 2
    assert [list(p) for _, _, p in source.objects] == [[5, 6, 7, 8], [7, 8, 9, 10, 11]]


def test_generic_label_file(tmp_path):
    arrays = make_arrays(seed=0)
    write_case(tmp_path, "x", {"volume": arrays["volume"], "label": arrays["vessels"]})
    assert len(build_source(tmp_path, "rv", DEFAULTS["sampling"])) == 2


def test_label_shape_mismatch_is_a_clear_error(tmp_path):
    arrays = make_arrays(seed=0)
    arrays["vessels"] = arrays["vessels"][:, :, :30]
    write_case(tmp_path, "bad", arrays)
    with pytest.raises(
        DataError,
        match=r"bad\.vessels\.nii\.gz has shape \(64, 64, 30\) but its volume has shape \(64, 64, 32\)",
    ):
        load_folder(tmp_path, "rv")


def test_enface_label_shape_mismatch(tmp_path):
    arrays = make_arrays(seed=0)
    arrays["rv2d"] = arrays["rv2d"][:60]
    write_case(tmp_path, "bad", arrays)
    with pytest.raises(DataError, match="en-face shape"):
        load_folder(tmp_path, "rv")


def test_empty_dataset_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="holds no volumes"):
        load_folder(tmp_path, "rv")
    with pytest.raises(DataError, match="not found"):
        load_folder(tmp_path / "missing", "rv")
    arrays = make_arrays(seed=0)
    arrays["vessels"][:] = 0
    write_case(tmp_path, "empty", arrays)
    with pytest.raises(DataError, match="no 'rv' objects"):
        build_source(tmp_path, "rv", DEFAULTS["sampling"])


def test_corrupt_volume_is_a_clear_error(tmp_path):
    (tmp_path / "broken.nii.gz").write_bytes(b"not a nifti file")
    with pytest.raises(DataError, match="cannot read NIfTI file"):
        load_folder(tmp_path, "rv")


def test_unknown_target(tmp_path):
    write_case(tmp_path, "c", seed=0)
    with pytest.raises(DataError, match="supported: rv, faz"):
        load_folder(tmp_path, "capillaries")


def test_4d_singleton_volume_loads(tmp_path):
    arrays = make_arrays(seed=0)
    write_case(tmp_path, "c", arrays)
    nib.save(nib.Nifti1Image(arrays["volume"][..., None], np.eye(4)), str(tmp_path / "c.nii.gz"))
    assert load_folder(tmp_path, "rv")[0].frames.shape == (32, 64, 64)


def test_generic_instance_label_is_not_a_faz(tmp_path):
    arrays = make_arrays(seed=0)
    write_case(tmp_path, "x_rv", {"volume": arrays["volume"], "label": arrays["vessels"]})
    write_case(tmp_path, "x_faz", {"volume": arrays["volume"], "label": arrays["faz"]})
    source = build_source(tmp_path, "faz", DEFAULTS["sampling"])
    assert [source.cases[c].name for c, _, _ in source.objects] == ["x_faz"]


def test_label_rule_matches_the_wizard():
    # The same boundary as labelHoldsVessels in src/core/volume/caseFiles.ts (test/unit/core/volume/caseFiles.test.ts).
    assert [label_holds_vessels(m) for m in (0, 1, 2, 255)] == [False, False, True, True]
