"""Errors the CLI turns into one clear message and a non-zero exit code."""


class TrainerError(Exception):
    """A problem with the user's input or environment; `str()` is the whole message."""

    exit_code = 2


class DataError(TrainerError):
    """A dataset that cannot be used (missing, empty, shapes that do not match)."""


class CheckpointError(TrainerError):
    """A checkpoint that is missing, corrupt, or made for another configuration."""


class TrainingStopped(TrainerError):
    """Training stopped on purpose (NaN loss, out of memory); the last good checkpoint stays."""

    exit_code = 3
