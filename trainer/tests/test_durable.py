"""Issue #15, trainer side: durable writes survive a kill at every file operation and the next
write removes what the killed one left; an unusable --out is a one-line error (exit 2) before
any data or model is loaded; NaN voxels are a DataError while the data is read."""

import os
import subprocess
import sys
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest

from samocta2 import cli
from samocta2.data.sequences import build_source
from samocta2.durable import remove_abandoned_temps, write_atomic
from samocta2.errors import DataError, TrainerError
from samocta2.train import run_training

DEAD_PID = 4194305  # above Linux's default pid_max: no such process

WRITER = """
import sys
from pathlib import Path
from samocta2.durable import write_atomic
write_atomic(Path(sys.argv[1]), lambda f: f.write(b"NEW" * 1000))
"""


def _write_in_child(target: Path, kill_at: int) -> int:
    env = {**os.environ, "SAMOCTA2_FAULT_KILL_AT": str(kill_at)}
    return subprocess.run([sys.executable, "-c", WRITER, str(target)], env=env).returncode


def test_a_kill_at_every_file_operation_keeps_the_old_file_and_the_next_write_cleans_up(tmp_path):
    target = tmp_path / "checkpoint.pt"
    outcomes = []
    for kill_at in range(1, 5):
        target.write_bytes(b"OLD")
        code = _write_in_child(target, kill_at)
        if code == 0:
            outcomes.append("finished")
            assert target.read_bytes() == b"NEW" * 1000
            continue
        assert code == -9, f"kill at {kill_at}: exit {code}"
        outcomes.append("killed")
        assert target.read_bytes() == b"OLD", f"kill at {kill_at}: the target changed"
        assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), "the kill left no temp file"
        write_atomic(target, lambda f: f.write(b"NEXT"))
        assert target.read_bytes() == b"NEXT"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt"]
    assert outcomes == ["killed", "killed", "killed", "finished"]


def test_temps_of_a_live_writer_are_kept_and_old_style_names_are_removed(tmp_path):
    target = tmp_path / "checkpoint.pt"
    live = tmp_path / f".checkpoint.pt.{os.getppid()}.tmp"
    dead = [tmp_path / f".checkpoint.pt.{DEAD_PID}.tmp", tmp_path / f".checkpoint.pt.tmp-{DEAD_PID}"]
    for p in [live, *dead]:
        p.write_bytes(b"x")
    assert remove_abandoned_temps(target) == 2
    assert live.exists() and not any(p.exists() for p in dead)


@pytest.fixture
def cheap(handmade_data, tiny_config):
    tiny_config["data"]["train"] = str(handmade_data / "train")
    return tiny_config


def test_an_output_under_a_regular_file_fails_before_the_data_is_read(cheap, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cheap["train"]["out"] = str(blocker / "run")
    cheap["data"]["train"] = str(tmp_path / "no-such-data")  # would fail later, if it were read
    with pytest.raises(TrainerError, match=r"^--out .*a-file/run: cannot create the folder"):
        run_training(cheap)


def test_the_cli_turns_an_unusable_out_into_one_line_and_exit_2(handmade_data, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code = cli.main(["train", "--data", str(handmade_data / "train"), "--out", str(blocker / "run")])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot create the folder" in err and "Traceback" not in err


def test_a_dead_runs_checkpoint_temp_is_removed_when_training_starts(cheap):
    out = Path(cheap["train"]["out"])
    out.mkdir(parents=True)
    stale = out / f".checkpoint.pt.{DEAD_PID}.tmp"
    stale.write_bytes(b"partial")
    run_training(cheap, stop_after=1)
    assert not stale.exists()
    assert [p.name for p in out.iterdir() if ".tmp" in p.name] == []


def test_nan_voxels_are_a_data_error_before_training(handmade_data, tmp_path):
    folder = tmp_path / "nan"
    folder.mkdir()
    for src in (handmade_data / "train").glob("a*"):
        (folder / src.name).write_bytes(src.read_bytes())
    volume_path = folder / "a.nii.gz"
    image = nib.load(str(volume_path))
    data = np.asarray(image.dataobj).astype(np.float32)
    data[1, 2, 0] = np.nan
    data[3, 3, 1] = np.inf
    nib.save(nib.Nifti1Image(data, image.affine), str(volume_path))
    with pytest.raises(DataError, match=r"a\.nii\.gz has 2 NaN or infinite voxels"):
        build_source(folder, "rv", {"frames": [4, 4]})
