import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
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
  icon: string;
  repository: { type: string; url: string };
  capabilities: {
    virtualWorkspaces: { supported: boolean | 'limited'; description?: string };
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
    commands: { command: string; title: string; category?: string; enablement?: string }[];
    keybindings: { command: string; key: string; when?: string }[];
    walkthroughs: {
      id: string;
      steps: { id: string; description: string; media: { markdown?: string } }[];
    }[];
    taskDefinitions: { type: string; when?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default: unknown; enum?: string[] }> };
  };
}

const root = new URL('../../', import.meta.url);
const manifestText = readFileSync(new URL('package.json', root), 'utf8');
const manifest = JSON.parse(manifestText) as Manifest;
const { contributes } = manifest;
const nls = JSON.parse(readFileSync(new URL('package.nls.json', root), 'utf8')) as Record<
  string,
  string
>;

/** A manifest string as VS Code shows it: `%key%` replaced from package.nls.json. */
function localized(text: string): string {
  const key = /^%(.+)%$/.exec(text)?.[1];
  if (key === undefined) return text;
  assert.ok(key in nls, `package.nls.json has ${key}`);
  return nls[key]!;
}

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
    // "Fine-tune SAM-OCTA2" names the extension itself, as users search for it (issue 16).
    if (c.command !== 'samOcta2.fineTune') assert.equal(localized(c.category ?? ''), 'SAM-OCTA2');
    assert.ok(localized(c.title).length > 0);
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
    localized(trust.description ?? ''),
    /fine-tuning and the other samocta2-\* tasks run Python and are disabled/,
  );
  assert.deepEqual(trust.restrictedConfigurations, ['samOcta2.pythonPath']);
  const command = (id: string) => contributes.commands.find((c) => c.command === id);
  assert.equal(command('samOcta2.fineTune')?.enablement, 'isWorkspaceTrusted && !virtualWorkspace');
  // Every task type runs the trainer: none may be offered in an untrusted workspace.
  assert.ok(contributes.taskDefinitions.some((t) => t.type === 'samocta2-finetune'));
  for (const task of contributes.taskDefinitions) {
    assert.match(task.type, /^samocta2-/);
    assert.equal(task.when, 'isWorkspaceTrusted && !virtualWorkspace', task.type);
  }
  // The report only reads files and runs no script: it stays available.
  const report = command('samOcta2.showRunReport');
  assert.ok(report);
  assert.equal(report.enablement, undefined);
  assert.equal(localized(report.title), 'Show Fine-tune Run Report');
});

test('issue 16: every %key% in package.json is in package.nls.json, and every entry is used', () => {
  const used = [...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  assert.ok(used.length > 30, `${used.length} localized strings`);
  for (const key of used) assert.ok(key in nls, `package.nls.json lacks ${key}`);
  assert.deepEqual(
    Object.keys(nls).filter((k) => !used.includes(k)),
    [],
    'unused nls entries',
  );
  // Commands and settings go through it, not literal English.
  for (const c of contributes.commands) assert.match(c.title, /^%.+%$/, c.command);
  for (const [key, p] of Object.entries(contributes.configuration.properties)) {
    const text = p as { description?: string; markdownDescription?: string };
    assert.match(text.description ?? text.markdownDescription ?? '', /^%.+%$/, key);
  }
  const listing = readFileSync(new URL('.vscodeignore', root), 'utf8');
  assert.match(listing, /^!package\.nls\.json$/m, 'the .vsix ships the strings');
});

test('issue 16: layer and view keys are commands with keybindings scoped to the volume editor', () => {
  const editorOnly = "activeCustomEditorId == 'samOcta2.volume'";
  // activeCustomEditorId holds wherever the focus is: the keys stay the Explorer's, the
  // panel's, an input's and the Quick Open's there (test/e2e/volumeEditor.test.ts).
  const focusedEditor = `${editorOnly} && !inputFocus && !inQuickOpen && !sideBarFocus && !panelFocus && !auxiliaryBarFocus && !notificationFocus`;
  const commands = new Map(contributes.commands.map((c) => [c.command, c]));
  const bound = new Map<string, string>();
  for (const binding of contributes.keybindings) {
    assert.equal(binding.when, focusedEditor, `${binding.key} is scoped to the volume editor`);
    assert.ok(commands.has(binding.command), `${binding.key}: ${binding.command} is contributed`);
    bound.set(binding.key, binding.command);
  }
  assert.deepEqual(Object.fromEntries([...bound].sort()), {
    '1': 'samOcta2.showLayerView',
    '2': 'samOcta2.show3dView',
    '3': 'samOcta2.showProjectionView',
    'alt+d': 'samOcta2.sparseListMarkDone',
    'alt+n': 'samOcta2.sparseListNext',
    down: 'samOcta2.nextLayer',
    end: 'samOcta2.lastLayer',
    home: 'samOcta2.firstLayer',
    pagedown: 'samOcta2.nextLayer',
    pageup: 'samOcta2.previousLayer',
    up: 'samOcta2.previousLayer',
  });
  // The palette offers them only where they work.
  const palette = new Map(contributes.menus.commandPalette?.map((m) => [m.command, m.when]));
  for (const command of new Set(bound.values())) assert.equal(palette.get(command), editorOnly);
  assert.match(localized(commands.get('samOcta2.previousLayer')!.title), /surface/);
});

test('issue 16: a Get Started walkthrough from opening a volume to fine-tuning, its links contributed', () => {
  const [walkthrough] = contributes.walkthroughs;
  assert.ok(walkthrough);
  assert.deepEqual(
    walkthrough.steps.map((s) => s.id),
    ['open', 'click', 'propagate', 'save', 'finetune'],
  );
  const commands = new Set(contributes.commands.map((c) => c.command));
  for (const step of walkthrough.steps) {
    const media = step.media.markdown;
    assert.ok(media && existsSync(new URL(media, root)), `${step.id}: ${String(media)}`);
    for (const [, command] of localized(step.description).matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(
        commands.has(command!) || command!.startsWith('workbench.'),
        `${step.id} links ${command}`,
      );
    }
  }
});

test('issue 16: icon, LICENSE, CHANGELOG, repository and virtual workspaces are declared', () => {
  const icon = readFileSync(new URL(manifest.icon, root));
  assert.deepEqual([...icon.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');
  const view = new DataView(icon.buffer, icon.byteOffset);
  assert.deepEqual(
    [view.getUint32(16), view.getUint32(20)],
    [128, 128],
    '128×128, as the Marketplace wants',
  );
  assert.match(readFileSync(new URL('LICENSE', root), 'utf8'), /^MIT License/);
  assert.match(readFileSync(new URL('CHANGELOG.md', root), 'utf8'), /^# Changelog/);
  assert.match(manifest.repository.url, /^https:\/\/.+\.git$/);
  const packaging = readFileSync(new URL('scripts/package-vsix.mjs', root), 'utf8');
  assert.doesNotMatch(packaging, /--skip-license|--allow-missing-repository/);
  const virtual = manifest.capabilities.virtualWorkspaces;
  assert.equal(virtual.supported, 'limited');
  assert.match(localized(virtual.description ?? ''), /fine-tuning.*disabled/);
  for (const id of ['samOcta2.fineTune', 'samOcta2.importOcta500', 'samOcta2.addSam21Model']) {
    const command = contributes.commands.find((c) => c.command === id);
    assert.match(command?.enablement ?? '', /!virtualWorkspace/, id);
  }
});

test('issue 16: the fine-tune command is "Fine-tune SAM-OCTA2" in the UI and the docs', () => {
  const command = contributes.commands.find((c) => c.command === 'samOcta2.fineTune');
  assert.equal(localized(command!.title), 'Fine-tune SAM-OCTA2');
  assert.equal(command!.category, undefined, 'no "SAM-OCTA2:" in front of it');
  const docs = ['README.md', ...readdirSync(new URL('docs/', root)).map((f) => `docs/${f}`)];
  for (const file of docs.filter((f) => f.endsWith('.md'))) {
    assert.doesNotMatch(readFileSync(new URL(file, root), 'utf8'), /SAM-OCTA2: Fine-tune\b/, file);
  }
  assert.match(readFileSync(new URL('README.md', root), 'utf8'), /\*\*Fine-tune SAM-OCTA2\*\*/);
});
