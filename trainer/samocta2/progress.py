"""Progress for machines on stdout (one JSON object per line), for people on stderr.

Events (the VS Code fine-tune task parses these):
  {"event": "start", "total": N, "step": S, "device": "...", "trainable": n, "share": f}
  {"event": "step", "step": s, "total": N, "epoch": e, "loss": l, "lr": r, "it_s": f, "eta_s": f}
  {"event": "val", "step": s, "dice": d, "jaccard": j}
  {"event": "checkpoint", "step": s, "path": "..."}
  {"event": "done", "step": s, "total": N, "checkpoint": "...", "stopped": bool}
  {"event": "interrupted", "step": s, "checkpoint": "..."}
  {"event": "error", "message": "..."}
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN/inf
    return value


class Progress:
    def __init__(self, enabled: bool = True, stream=None, log_stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stdout
        self.log_stream = log_stream or sys.stderr

    def emit(self, event: str, **fields: Any) -> None:
        if not self.enabled:
            return
        record = {"event": event, **{k: _clean(v) for k, v in fields.items()}}
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def log(self, message: str) -> None:
        if self.enabled:
            self.log_stream.write(message + "\n")
            self.log_stream.flush()
