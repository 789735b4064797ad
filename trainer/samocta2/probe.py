"""What the VS Code fine-tune preflight needs to know about this Python, as one JSON line.

    python -m samocta2.probe          # when samocta2 is installed (pip install -e trainer)
    python trainer/samocta2/probe.py  # also works before installing: standard library only

Prints {"python": "3.11.2", "executable": ..., "python_ok": bool, "packages": {name: version
or null}, "cuda": {"available": bool, "device_count": n, "devices": [{"name", "memory_mb"}],
"error": str or null}}. Never fails on a missing or broken package: that is what it reports.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import platform
import sys
from typing import Any

MIN_PYTHON = (3, 11)  # pyproject.toml requires-python

# Distribution name -> import name, for what `python -m samocta2 train` imports.
REQUIRED = {
    "torch": "torch",
    "torchvision": "torchvision",
    "sam2": "sam2",
    "peft": "peft",
    "numpy": "numpy",
    "scipy": "scipy",
    "nibabel": "nibabel",
    "pyyaml": "yaml",
    "samocta2": "samocta2",
}


def package_version(dist: str, module: str) -> str | None:
    """The installed version, or None when the module cannot be found."""
    if importlib.util.find_spec(module) is None:
        return None
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"  # importable (e.g. from a source folder) but not installed


def _no_cuda(error: str | None) -> dict[str, Any]:
    return {"available": False, "device_count": 0, "devices": [], "error": error}


def cuda_report() -> dict[str, Any]:
    report = _no_cuda(None)
    try:
        import torch
    except Exception as exc:  # a broken torch install raises more than ImportError
        report["error"] = f"cannot import torch: {exc}"
        return report
    try:
        report["available"] = bool(torch.cuda.is_available())
        if report["available"]:
            report["device_count"] = torch.cuda.device_count()
            for i in range(report["device_count"]):
                props = torch.cuda.get_device_properties(i)
                report["devices"].append({"name": props.name, "memory_mb": props.total_memory // 2**20})
    except Exception as exc:  # driver problems surface here, not at import
        report["error"] = f"CUDA check failed: {exc}"
    return report


def probe() -> dict[str, Any]:
    packages = {dist: package_version(dist, module) for dist, module in REQUIRED.items()}
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "python_ok": sys.version_info[:2] >= MIN_PYTHON,
        "packages": packages,
        "cuda": cuda_report() if packages["torch"] is not None else _no_cuda("torch is not installed"),
    }


def main() -> int:
    print(json.dumps(probe()))
    return 0


if __name__ == "__main__":
    # Run as a file, this folder is sys.path[0]; its modules (config, data, model, ...) must not
    # shadow anything torch imports.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.exit(main())
