#!/usr/bin/env bash
# npm dependencies exactly as package-lock.json pins them. Runs `npm ci` only when node_modules
# does not match the lock file, so a second run costs a second, not a reinstall.
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's install script would download a CUDA
# provider from a host we cannot reach; the CPU provider it ships is all we use.
set -euo pipefail
cd "$(dirname "$0")/.."

# Prints what differs between package-lock.json and node_modules (nothing when they match).
lock_mismatches() {
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    const bad = [];
    for (const [path, entry] of Object.entries(lock.packages ?? {})) {
      if (!path || entry.link) continue;
      let installed;
      try { installed = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version; }
      catch { if (!entry.optional) bad.push(path + " missing"); continue; }
      if (installed !== entry.version) bad.push(path + " " + installed + " != " + entry.version);
    }
    if (bad.length) console.log(bad.slice(0, 5).join("\n") + (bad.length > 5 ? "\n…" : ""));
  '
}

mismatches=$(lock_mismatches)
if [[ -z "$mismatches" && -d node_modules ]]; then
  echo "setup-node: node_modules matches package-lock.json"
  exit 0
fi
[[ -d node_modules ]] && printf 'setup-node: node_modules differs from the lock file:\n%s\n' "$mismatches"
echo "setup-node: npm ci"
ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
