#!/usr/bin/env bash
# The Python venv for the trainer's tests (.venv), idempotently. Order matters: torch first, at
# the exact versions this project's machines have on local disk (a CUDA build that runs on the
# CPU); then sam2 built against that torch (an isolated build would fetch another torch); then
# the trainer with its test extras, pinned by its constraints file when it has one.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH=2.14.1
TORCHVISION=0.29.1
SAM2=1.1.0
VENV=.venv
PY="$VENV/bin/python"

if [[ ! -x "$PY" ]]; then
  python=$(command -v python3.11 || command -v python3)
  echo "setup-python: creating $VENV with $("$python" --version)"
  "$python" -m venv "$VENV"
fi

# Installed version of a distribution, or nothing (importlib is much faster than pip show).
installed() {
  "$PY" -c 'import importlib.metadata as m, sys
try: print(m.version(sys.argv[1]))
except m.PackageNotFoundError: pass' "$1"
}
PIP=("$PY" -m pip install --disable-pip-version-check --no-input)
# The trainer's constraints file pins every test dependency; use it for all three steps.
[[ -f trainer/constraints-test.txt ]] && PIP+=(-c trainer/constraints-test.txt)

if [[ "$(installed torch)" != "$TORCH" || "$(installed torchvision)" != "$TORCHVISION" ]]; then
  echo "setup-python: installing torch $TORCH and torchvision $TORCHVISION"
  "${PIP[@]}" "torch==$TORCH" "torchvision==$TORCHVISION"
fi
if [[ "$(installed sam2)" != "$SAM2" ]]; then
  echo "setup-python: installing sam2 $SAM2 (pure Python build)"
  SAM2_BUILD_CUDA=0 "${PIP[@]}" --no-build-isolation "sam2==$SAM2"
fi

if [[ -f trainer/pyproject.toml ]]; then
  # Reinstall only when the trainer's declared dependencies changed (editable install: code
  # changes need nothing).
  stamp="$VENV/.samocta2-trainer.sha256"
  want=$(cat trainer/pyproject.toml trainer/constraints-test.txt 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" || -z "$(installed samocta2)" ]]; then
    echo "setup-python: installing the trainer (pip install -e trainer[test])"
    "${PIP[@]}" -e "trainer[test]"
    echo "$want" >"$stamp"
  else
    echo "setup-python: trainer dependencies unchanged"
  fi
fi
echo "setup-python: torch $(installed torch), torchvision $(installed torchvision), sam2 $(installed sam2)"
