"""The optimizer-step loop every trainer shares (SAM 2 LoRA fine-tuning, the region model).

A trainer supplies what is its own: how one step's loss is computed and back-propagated, how
it validates, what its checkpoint holds and what an out-of-memory error should suggest. The
loop does the rest the same way for both: clear gradients, a non-finite loss stops without
saving, AdamW and scheduler steps, `step` / `val` / `checkpoint` / `done` progress events,
checkpoints every `checkpoint_every` steps and at the end, and Ctrl-C (save, then exit 130).
"""

from __future__ import annotations

import math
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch

from . import checkpoint as ckpt_io
from .errors import TrainerError, TrainingStopped
from .progress import Progress


class Interrupted(TrainerError):
    exit_code = 130


class _Interrupt:
    """First Ctrl-C: finish the step, save, exit 130. A second one stops at once."""

    def __init__(self):
        self.requested = False
        self.previous = None

    def __enter__(self):
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread (e.g. inside a test runner thread)
            self.previous = None
        return self

    def _handle(self, _signum, _frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *_exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


@dataclass
class StepLoop:
    """One trainer's side of the loop."""

    # The resolved experiment config (saved in the checkpoint); its `train` section sets the
    # number of steps and how often to validate and save.
    config: dict[str, Any]
    # The checkpoint's format and version (checkpoint.py, region/checkpoint.py).
    checkpoint_format: tuple[str, int]
    optimizer: torch.optim.Optimizer
    scheduler: Any
    progress: Progress
    ckpt_path: Path
    # Runs step `step`'s forward and backward passes (gradients already cleared); the mean loss.
    loss_step: Callable[[int], float]
    # What an out-of-memory error at `step` should suggest (lower what, or which flags).
    oom_hint: Callable[[int], str]
    # Epochs done after `step` (for the progress event).
    epoch: Callable[[int], float]
    # Validates and emits `val`; None when there is no validation data.
    validate: Callable[[int], None] | None
    # What the checkpoint holds besides the loop's own state (the weights, the data trained
    # on); None on processes that do not save (all but the first of several GPUs).
    checkpoint: Callable[[], dict[str, Any]] | None
    # Agrees on stopping across processes (several GPUs); the identity otherwise.
    agree: Callable[[bool], bool] = lambda stop: stop

    @property
    def total(self) -> int:
        return int(self.config["train"]["steps"])

    def run(self, step: int, stop_after: int | None) -> dict[str, Any]:
        """Steps from `step` (done so far) to `total`, or `stop_after` more; the summary."""
        last_loss = float("nan")
        train = self.config["train"]
        checkpoint_every, val_every = int(train["checkpoint_every"]), int(train["val_every"])

        def save(at_step: int) -> None:
            if self.checkpoint is None:
                return
            fmt, version = self.checkpoint_format
            content = {
                "format": fmt,
                "version": version,
                "step": at_step,
                "total_steps": self.total,
                "config": self.config,
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
                "rng": ckpt_io.rng_state(),
                "metrics": {"loss": last_loss},
                **self.checkpoint(),
            }
            ckpt_io.save_atomic(content, self.ckpt_path)
            self.progress.emit("checkpoint", step=at_step, path=str(self.ckpt_path))

        started, first_step = time.monotonic(), step
        with _Interrupt() as interrupt:
            while step < self.total:
                step += 1
                self.optimizer.zero_grad(set_to_none=True)  # cleared every step
                try:
                    last_loss = self.loss_step(step)
                except torch.cuda.OutOfMemoryError as exc:
                    raise TrainingStopped(
                        f"CUDA out of memory at step {step} {self.oom_hint(step)}; last good "
                        f"checkpoint: {last_checkpoint(self.ckpt_path)}"
                    ) from exc
                if not math.isfinite(last_loss):
                    raise TrainingStopped(
                        f"loss is {last_loss} at step {step}: stopped without saving; last good checkpoint: "
                        f"{last_checkpoint(self.ckpt_path)}. Lower --lr or check the data."
                    )
                self.optimizer.step()
                self.scheduler.step()
                elapsed = time.monotonic() - started
                it_s = (step - first_step) / elapsed if elapsed > 0 else 0.0
                self.progress.emit(
                    "step",
                    step=step,
                    total=self.total,
                    epoch=self.epoch(step),
                    loss=last_loss,
                    lr=self.optimizer.param_groups[0]["lr"],
                    it_s=it_s,
                    eta_s=(self.total - step) / it_s if it_s > 0 else None,
                )
                if (
                    self.validate is not None
                    and val_every > 0
                    and (step % val_every == 0 or step == self.total)
                ):
                    self.validate(step)
                stop = interrupt.requested or (stop_after is not None and step - first_step >= stop_after)
                stop = self.agree(stop)
                if step % checkpoint_every == 0 or step == self.total or stop:
                    save(step)
                if interrupt.requested:
                    self.progress.emit("interrupted", step=step, checkpoint=str(self.ckpt_path))
                    raise Interrupted(f"interrupted at step {step}; saved {self.ckpt_path} (continue with --resume)")
                if stop:
                    break
        summary = {
            "step": step,
            "total": self.total,
            "checkpoint": str(self.ckpt_path),
            "stopped": step < self.total,
            "loss": last_loss,
        }
        self.progress.emit("done", **summary)
        return summary


def last_checkpoint(path: Path) -> str:
    """For error messages: where the last good checkpoint is."""
    return str(path) if path.exists() else "none written yet"
