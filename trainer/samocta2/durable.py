"""Durable, atomic file writes and the clean-up of what a killed writer left.

The same rule as the CLI's src/cli/files.ts: the bytes go to `.NAME.PID.tmp` beside the target,
are fsynced, renamed over the target, and the folder is fsynced, so after a crash or power cut
the target holds the old content or the new, never part of either. A later writer removes the
temporary files of writers that no longer run (their pid is dead).

SAMOCTA2_FAULT_KILL_AT=N (the fault suite only) kills the process with SIGKILL at the Nth file
operation of these writes, as a crash would.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import BinaryIO, Callable

_KILL_AT = int(os.environ.get("SAMOCTA2_FAULT_KILL_AT", "0") or 0)
_operations = 0


def _fault_point() -> None:
    global _operations
    if _KILL_AT <= 0:
        return
    _operations += 1
    if _operations == _KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)


def temp_path(path: Path, tag: str | int | None = None) -> Path:
    return path.with_name(f".{path.name}.{os.getpid() if tag is None else tag}.tmp")


def fsync_dir(folder: Path) -> None:
    """Make renames in `folder` durable; skipped where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs as another user
    except OSError:
        return False
    return True


def remove_abandoned_temps(path: Path) -> int:
    """Remove `path`'s temporary files whose writer is gone; returns how many.

    Also removes the names older versions used (`.NAME.tmp-PID`)."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}(?:\.(\d+)\.tmp|\.tmp-(\d+))$")
    removed = 0
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return 0
    for entry in entries:
        match = pattern.match(entry.name)
        if not match:
            continue
        pid = int(match.group(1) or match.group(2))
        if pid != os.getpid() and _pid_alive(pid):
            continue
        entry.unlink(missing_ok=True)
        removed += 1
    if removed:
        fsync_dir(path.parent)
    return removed


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call `write` on a temporary file beside `path`, fsync it, rename it over `path`, fsync the
    folder. Any failure removes the temporary file and leaves `path` as it was."""
    remove_abandoned_temps(path)
    tmp = temp_path(path)
    try:
        with open(tmp, "wb") as f:
            _fault_point()
            write(f)
            f.flush()
            _fault_point()
            os.fsync(f.fileno())
        _fault_point()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def commit_file(tmp: Path, path: Path) -> None:
    """The end of write_atomic for a temporary file someone else wrote (an exporter that takes
    a path, not a file object): fsync `tmp`, rename it over `path`, fsync the folder. Any
    failure removes `tmp` and leaves `path` as it was."""
    try:
        with open(tmp, "rb") as f:
            _fault_point()
            os.fsync(f.fileno())
        _fault_point()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def remove_durably(path: Path) -> None:
    """Remove `path` (a missing one is fine) and make the removal durable (fsync the folder)."""
    _fault_point()
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def ensure_writable_dir(folder: Path, option: str = "--out") -> None:
    """Create `folder` if needed and prove a file can be written there (a probe file, since
    access() says yes to root on a read-only mount); a TrainerError (exit 2) says why not."""
    from .errors import TrainerError

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TrainerError(f"{option} {folder}: cannot create the folder ({exc.strerror or exc})") from None
    probe = temp_path(folder / ".write-probe")
    try:
        with open(probe, "wb"):
            pass
    except OSError as exc:
        raise TrainerError(f"{option} {folder}: cannot write there ({exc.strerror or exc})") from None
    probe.unlink(missing_ok=True)
