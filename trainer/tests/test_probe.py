"""`samocta2.probe`: the one JSON line the VS Code fine-tune preflight reads (preflight.ts)."""

import json
import os
import subprocess
import sys

from conftest import TRAINER

from samocta2 import probe

PROBE_FILE = TRAINER / "samocta2" / "probe.py"


def test_reports_this_python_and_its_packages():
    report = probe.probe()
    assert report["python"].count(".") == 2
    assert report["python_ok"] is (sys.version_info[:2] >= (3, 11))
    assert set(report["packages"]) == set(probe.REQUIRED)
    import torch

    # The distribution version can lack the local build tag (+cu130) that torch.__version__ has.
    assert report["packages"]["torch"].split("+")[0] == str(torch.__version__).split("+")[0]
    cuda = report["cuda"]
    assert cuda["available"] is torch.cuda.is_available()
    assert cuda["device_count"] == len(cuda["devices"])
    assert cuda["error"] is None


def test_a_missing_package_is_null_not_a_crash(monkeypatch):
    monkeypatch.setattr(probe, "REQUIRED", {"torch": "torch", "no-such-dist": "no_such_module_x1"})
    report = probe.probe()
    assert report["packages"] == {"torch": probe.package_version("torch", "torch"), "no-such-dist": None}


def test_without_torch_cuda_is_unavailable_with_the_reason(monkeypatch):
    monkeypatch.setattr(probe, "REQUIRED", {"torch": "no_such_module_x1"})
    report = probe.probe()
    assert report["packages"]["torch"] is None
    assert report["cuda"] == {
        "available": False,
        "device_count": 0,
        "devices": [],
        "error": "torch is not installed",
    }


def test_runs_as_a_file_from_anywhere_and_prints_one_json_line(tmp_path):
    # The extension runs the file by path, before samocta2 may be installed, from any folder.
    done = subprocess.run(
        [sys.executable, str(PROBE_FILE)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert os.path.normpath(report["executable"]) == os.path.normpath(sys.executable)
    assert report["packages"]["torch"] is not None
    assert isinstance(report["cuda"]["available"], bool)
