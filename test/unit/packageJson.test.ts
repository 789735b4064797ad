import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, readEditorSettings } from '../../src/extension/settings';

interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    customEditors: {
      viewType: string;
      selector: { filenamePattern: string }[];
      priority: string;
    }[];
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default: unknown; enum?: string[] }> };
  };
}

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as Manifest;
const { contributes } = manifest;

test('the volume editor claims .nii and .nii.gz by default', () => {
  assert.equal(contributes.customEditors.length, 1);
  const editor = contributes.customEditors[0]!;
  assert.equal(editor.viewType, 'samOcta2.volume');
  assert.equal(editor.priority, 'default');
  assert.deepEqual(editor.selector.map((s) => s.filenamePattern).sort(), ['*.nii', '*.nii.gz']);
  // The provider registers the same id (checked in extension.test.ts); so must the source.
  const source = readFileSync(new URL('src/extension/volumeEditorProvider.ts', root), 'utf8');
  assert.match(source, /VOLUME_VIEW_TYPE = 'samOcta2\.volume'/);
});

test('every id lives in the samOcta2 namespace and every menu entry names a command', () => {
  const commands = new Set(contributes.commands.map((c) => c.command));
  for (const c of contributes.commands) {
    assert.match(c.command, /^samOcta2\.[a-z][A-Za-z0-9]*$/);
    assert.equal(c.category, 'SAM-OCTA2');
    assert.ok(c.title.length > 0);
  }
  for (const [menu, entries] of Object.entries(contributes.menus)) {
    for (const entry of entries)
      assert.ok(commands.has(entry.command), `${menu}: ${entry.command}`);
  }
  for (const key of Object.keys(contributes.configuration.properties)) {
    assert.match(key, /^samOcta2\.[a-z][A-Za-z0-9]*$/);
  }
});

test('the declared settings are the ones the host reads, with the same defaults', () => {
  // samOcta2.pythonPath belongs to fine-tuning (finetune/pythonInterpreter.ts) and
  // samOcta2.modelPaths to the model picker (models/modelCatalog.ts), not the editor settings.
  const properties = Object.fromEntries(
    Object.entries(contributes.configuration.properties).filter(
      ([key]) => key !== 'samOcta2.pythonPath' && key !== 'samOcta2.modelPaths',
    ),
  );
  assert.deepEqual(
    Object.keys(properties).sort(),
    Object.keys(DEFAULT_SETTINGS)
      .map((k) => `samOcta2.${k}`)
      .sort(),
  );
  const defaults = Object.fromEntries(
    Object.entries(properties).map(([k, p]) => [k.replace('samOcta2.', ''), p.default]),
  );
  assert.deepEqual(
    readEditorSettings({ get: <T>(k: string) => defaults[k] as T }),
    DEFAULT_SETTINGS,
  );
  for (const axis of properties['samOcta2.depthAxis']!.enum ?? []) {
    const read = readEditorSettings({
      get: <T>(k: string) => (k === 'depthAxis' ? axis : undefined) as T,
    });
    assert.notEqual(read.depthAxis === 'auto', axis !== 'auto', `enum value ${axis} is understood`);
  }
});

test('main is the bundle the build writes, for a VS Code the typings describe', () => {
  assert.equal(manifest.main, './dist/extension.js');
  const build = readFileSync(new URL('scripts/build.mjs', root), 'utf8');
  assert.match(build, /outfile: 'dist\/extension\.js'/);
  const engine = /^\^(\d+)\.(\d+)\.\d+$/.exec(manifest.engines.vscode);
  const types = /^(\d+)\.(\d+)\.\d+$/.exec(manifest.devDependencies['@types/vscode'] ?? '');
  assert.ok(engine && types, 'exact @types/vscode and a caret engine');
  const minor = (m: RegExpExecArray) => Number(m[1]) * 1000 + Number(m[2]);
  assert.ok(minor(types) <= minor(engine), '@types/vscode must not be newer than engines.vscode');
});

test('.vscodeignore keeps the bundles and assets and drops sources, tests, tools and maps', () => {
  // vsce lists a stand-in tree: the real one holds .venv and .tools, far too many files to walk.
  const tree = mkdtempSync(join(tmpdir(), 'sam-octa2-vsix-'));
  try {
    const files = [
      'README.md',
      'dist/extension.js',
      'dist/extension.js.map',
      'dist/cli.js',
      'dist/sam-octa2.vsix',
      'dist/webview/main.js',
      'dist/webview/main.js.map',
      'dist/webview/codicon.css',
      'dist/webview/codicon.ttf',
      'dist/webview/ort/ort-wasm-simd-threaded.wasm',
      'media/logo.png',
      'models/sam2-tiny/manifest.json',
      'src/extension/extension.ts',
      'test/unit/x.test.ts',
      'trainer/samocta2/train.py',
      'node_modules/three/build/three.module.js',
      '.venv/bin/python',
      '.tools/code-server/index.js',
      'docs/architecture.md',
      'bench/run.ts',
      'scripts/test.sh',
      'demo/synth-1.nii.gz',
      'test-results/e2e/layer-view.png',
      'tsconfig.base.json',
    ];
    for (const file of files) {
      mkdirSync(dirname(join(tree, file)), { recursive: true });
      writeFileSync(join(tree, file), 'x');
    }
    cpSync(new URL('package.json', root), join(tree, 'package.json'));
    cpSync(new URL('.vscodeignore', root), join(tree, '.vscodeignore'));
    const vsce = fileURLToPath(new URL('node_modules/@vscode/vsce/vsce', root));
    const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
      cwd: tree,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .sort();
    assert.deepEqual(listed, [
      'README.md',
      'dist/extension.js',
      'dist/webview/codicon.css',
      'dist/webview/codicon.ttf',
      'dist/webview/main.js',
      'dist/webview/ort/ort-wasm-simd-threaded.wasm',
      'media/logo.png',
      'models/sam2-tiny/manifest.json',
      'package.json',
    ]);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});
