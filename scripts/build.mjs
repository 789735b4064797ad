// One build script, one explicit entry per target. `tsc` (npm run typecheck) is the type gate;
// esbuild only bundles.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  absWorkingDir: root,
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    loader: { '.css': 'text' },
  },
];

// Runtime files the webview loads through asWebviewUri (wasm cannot be bundled into JS).
function copyRuntimeAssets() {
  const out = join(root, 'dist', 'webview');
  mkdirSync(out, { recursive: true });
  const codicons = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  for (const f of ['codicon.css', 'codicon.ttf']) {
    if (existsSync(join(codicons, f))) cpSync(join(codicons, f), join(out, f));
  }
}

if (watch) {
  for (const t of targets) (await esbuild.context(t)).watch();
  copyRuntimeAssets();
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  copyRuntimeAssets();
}
