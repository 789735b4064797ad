#!/usr/bin/env bash
# Copies the README's pictures from the last end-to-end run (test-results/e2e, written by
# test/e2e/volumeEditor.test.ts in a real VS Code) to docs/img. Run after `npm run test:e2e`.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/img
for name in layer-view 3d-view projection-view bad-file; do
  src="test-results/e2e/$name.png"
  [[ -f "$src" ]] || { echo "update-readme-images: $src is missing: run npm run test:e2e first" >&2; exit 1; }
  cp "$src" "docs/img/vscode-$name.png"
  echo "docs/img/vscode-$name.png"
done
