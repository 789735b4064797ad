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
    // onnxruntime-node is a native module: the platform .vsix carries it under node_modules/
    // (scripts/package-vsix.mjs --target), the universal one does not (no host engine).
    external: ['vscode', 'onnxruntime-node'],
    // jsonc-parser's "main" is a UMD build whose requires esbuild cannot follow; its ES module
    // build bundles. Packages with "exports" (fflate, fast-png) are unaffected.
    mainFields: ['module', 'main'],
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
  {
    // The tracker worker: onnxruntime-web + the core tracker, started from a Blob URL.
    ...common,
    entryPoints: ['src/webview/tracking/trackerWorker.ts'],
    outfile: 'dist/webview/trackerWorker.js',
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    // A Blob-URL worker cannot resolve a relative source map; keep maps out of it.
    sourcemap: false,
  },
  {
    // The measures worker (issue 19): src/core/measure off the page's thread, from a Blob URL.
    ...common,
    entryPoints: ['src/webview/measures/measuresWorker.ts'],
    outfile: 'dist/webview/measuresWorker.js',
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    sourcemap: false,
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
  // onnxruntime-web/webgpu's wasm runs both the WebGPU and the WASM execution providers. Its JS
  // glue is bundled into the worker; the .mjs copy is for threaded runs (cross-origin isolated
  // pages only), whose pthread workers load it by URL.
  const ort = join(root, 'node_modules', 'onnxruntime-web', 'dist');
  for (const f of ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs']) {
    cpSync(join(ort, f), join(out, f));
  }
}

if (watch) {
  for (const t of targets) (await esbuild.context(t)).watch();
  copyRuntimeAssets();
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
  copyRuntimeAssets();
}
