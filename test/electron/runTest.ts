/**
 * Runs the extension-host suite (suite/*.ts) in a desktop VS Code through @vscode/test-electron.
 * It cannot download VS Code here (no internet), so it needs VSCODE_EXECUTABLE_PATH; without it,
 * it says so and exits 0, and the code-server run (test/e2e) is the one that counts.
 */
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  const executable = process.env.VSCODE_EXECUTABLE_PATH;
  if (!executable) {
    console.log('electron runner: not run (set VSCODE_EXECUTABLE_PATH to a desktop VS Code)');
    return 0;
  }
  const work = mkdtempSync(join(tmpdir(), 'sam-octa2-electron-'));
  try {
    const workspace = join(work, 'workspace');
    execFileSync(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), 'synth', '--seed', '5', '--size', '48x48x32', '--out', workspace],
      {
        stdio: 'inherit',
      },
    );
    writeFileSync(join(workspace, 'bad.nii'), 'not a NIfTI file\n');
    // The suite runs inside VS Code's extension host, which loads CommonJS: bundle it.
    const suite = join(work, 'suite.cjs');
    await esbuild.build({
      entryPoints: [join(ROOT, 'test/electron/suite/index.ts')],
      outfile: suite,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'warning',
    });
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--user-data-dir',
        join(work, 'user-data'),
      ],
    });
    console.log('electron runner: passed');
    return 0;
  } catch (error) {
    console.error(
      `electron runner: FAILED: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
