import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, readEditorSettings } from '../../src/extension/settings';

interface Manifest {
  main: string;
  capabilities: {
    untrustedWorkspaces: {
      supported: boolean | 'limited';
      description?: string;
      restrictedConfigurations?: string[];
    };
  };
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    customEditors: {
      viewType: string;
      selector: { filenamePattern: string }[];
      priority: string;
    }[];
    commands: { command: string; title: string; category: string; enablement?: string }[];
    taskDefinitions: { type: string; when?: string }[];
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

/** Files under `folder` (relative to the repository), caches and tests included. */
function filesBelow(folder: string): string[] {
  const base = new URL('.', root).pathname;
  const start = join(base, folder);
  return (
    readdirSync(start, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[]
  )
    .filter((d) => d.isFile())
    .map((d) => relative(base, join(d.parentPath, d.name)));
}

/** What `vsce ls` keeps of `files` (a stand-in tree: the real one holds .venv and .tools). */
function vsixListing(files: readonly string[]): string[] {
  const tree = mkdtempSync(join(tmpdir(), 'sam-octa2-vsix-'));
  try {
    for (const file of files) {
      mkdirSync(dirname(join(tree, file)), { recursive: true });
      writeFileSync(join(tree, file), 'x');
    }
    cpSync(new URL('package.json', root), join(tree, 'package.json'));
    cpSync(new URL('.vscodeignore', root), join(tree, '.vscodeignore'));
    const vsce = fileURLToPath(new URL('node_modules/@vscode/vsce/vsce', root));
    return execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], {
      cwd: tree,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .sort();
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

test('.vscodeignore keeps the bundles and assets and drops sources, tests, tools, maps and training weights (issue 16)', () => {
  const listed = vsixListing([
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
    'models/sam2-tiny/README.md',
    'models/sam2-tiny/image_encoder.onnx',
    'models/sam2-tiny/base.pt',
    'models/sam2-tiny/lora.pt',
    'models/sam2-tiny/recipe/make.sh',
    'src/extension/extension.ts',
    'test/unit/x.test.ts',
    'trainer/samocta2/train.py',
    'trainer/samocta2/__pycache__/train.cpython-311.pyc',
    'trainer/tests/test_train.py',
    'trainer/.pytest_cache/v/cache/nodeids',
    'trainer/samocta2.egg-info/PKG-INFO',
    'node_modules/three/build/three.module.js',
    '.venv/bin/python',
    '.tools/code-server/index.js',
    'docs/architecture.md',
    'bench/run.ts',
    'scripts/test.sh',
    'demo/synth-1.nii.gz',
    'test-results/e2e/layer-view.png',
    'tsconfig.base.json',
  ]);
  assert.deepEqual(listed, [
    'README.md',
    'dist/extension.js',
    'dist/webview/codicon.css',
    'dist/webview/codicon.ttf',
    'dist/webview/main.js',
    'dist/webview/ort/ort-wasm-simd-threaded.wasm',
    'media/logo.png',
    'models/sam2-tiny/README.md',
    'models/sam2-tiny/image_encoder.onnx',
    'models/sam2-tiny/manifest.json',
    'package.json',
    'trainer/samocta2/train.py',
  ]);
});

test('the .vsix ships the trainer the fine-tune task runs: its package, pyproject.toml and configs only', () => {
  // The real trainer folder, with whatever caches, tests and build leftovers it has now.
  const trainer = filesBelow('trainer');
  const listed = vsixListing(trainer).filter((f) => f.startsWith('trainer/'));
  const wanted = trainer
    .filter(
      (f) =>
        (f.startsWith('trainer/samocta2/') && /\.(py|yaml)$/.test(f)) ||
        /^trainer\/configs\/[^/]+\.yaml$/.test(f) ||
        f === 'trainer/pyproject.toml' ||
        f === 'trainer/README.md',
    )
    .sort();
  assert.deepEqual(listed, wanted);
  // What running and installing it needs (trainerEnvironment.ts puts trainer/ on PYTHONPATH;
  // the preflight's fix is `pip install -e <extension>/trainer`).
  for (const needed of [
    'trainer/pyproject.toml',
    'trainer/samocta2/__main__.py',
    'trainer/samocta2/cli.py',
    'trainer/samocta2/probe.py',
    'trainer/samocta2/export/bundle.py',
    'trainer/samocta2/configs/sam2.1_hiera_nano.yaml',
  ]) {
    assert.ok(listed.includes(needed), `${needed} is shipped`);
  }
  for (const file of listed) {
    assert.doesNotMatch(file, /__pycache__|\.pyc$|^trainer\/tests\/|egg-info|pytest_cache/);
  }
  // And packaging stages the trainer for vsce to filter.
  const packaging = readFileSync(new URL('scripts/package-vsix.mjs', root), 'utf8');
  assert.match(packaging, /'trainer',/);
});

test('fine-tuning is off in untrusted workspaces, and says so; the run report is not', () => {
  const trust = manifest.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.match(
    trust.description ?? '',
    /fine-tuning and the other samocta2-\* tasks run Python and are disabled/,
  );
  assert.deepEqual(trust.restrictedConfigurations, ['samOcta2.pythonPath']);
  const command = (id: string) => contributes.commands.find((c) => c.command === id);
  assert.equal(command('samOcta2.fineTune')?.enablement, 'isWorkspaceTrusted');
  // Every task type runs the trainer: none may be offered in an untrusted workspace.
  assert.ok(contributes.taskDefinitions.some((t) => t.type === 'samocta2-finetune'));
  for (const task of contributes.taskDefinitions) {
    assert.match(task.type, /^samocta2-/);
    assert.equal(task.when, 'isWorkspaceTrusted', task.type);
  }
  // The report only reads files and runs no script: it stays available.
  const report = command('samOcta2.showRunReport');
  assert.ok(report);
  assert.equal(report.enablement, undefined);
  assert.equal(report.title, 'Show Fine-tune Run Report');
});
