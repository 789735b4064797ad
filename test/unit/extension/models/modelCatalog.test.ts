import {
  Memento,
  Uri,
  createPanel,
  recorded,
  resetMock,
  workspace,
} from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import { activate } from '../../../../src/extension/extension';
import {
  listModels,
  readModelFiles,
  readModelPaths,
} from '../../../../src/extension/models/modelCatalog';
import type { VolumeEditorProvider } from '../../../../src/extension/volumeEditorProvider';

const MANIFEST = readFileSync(
  new URL('../../../../models/samocta2-nano/manifest.json', import.meta.url),
  'utf8',
);
const GRAPHS = [
  'image_encoder.onnx',
  'mask_decoder.onnx',
  'memory_encoder.onnx',
  'memory_attention.onnx',
];
const fs = workspace.fs as unknown as vscode.FileSystem;
const uri = (path: string) => Uri.file(path) as unknown as vscode.Uri;

/** A bundle folder in the mock file system: the real nano manifest with stand-in graphs. */
function bundle(folder: string, name = 'samocta2-nano', missing?: string): void {
  const manifest = JSON.parse(MANIFEST) as { name: string };
  manifest.name = name;
  recorded.files.set(`${folder}/manifest.json`, new TextEncoder().encode(JSON.stringify(manifest)));
  GRAPHS.forEach((file, i) => {
    if (file !== missing) recorded.files.set(`${folder}/${file}`, Uint8Array.of(i, i, i));
  });
}

beforeEach(() => resetMock());

test('models are the shipped bundles, then each modelPaths folder: a bundle or a folder of them', async () => {
  bundle('/ext/models/samocta2-nano');
  bundle('/user/one', 'mine');
  bundle('/user/many/b', 'second');
  bundle('/user/many/a', 'first');
  recorded.files.set('/user/many/notes.txt', new Uint8Array(1));
  const warnings: string[] = [];
  const models = await listModels(
    fs,
    uri('/ext/models'),
    ['/user/one', '/user/many', '/user/nothing'],
    (w) => warnings.push(w),
  );
  assert.deepEqual(
    models.map((m) => [m.name, m.size, m.source]),
    [
      ['samocta2-nano', 'nano', 'extension'],
      ['mine', 'nano', '/user/one'],
      ['first', 'nano', '/user/many'],
      ['second', 'nano', '/user/many'],
    ],
  );
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /\/user\/nothing holds no model bundle/);
});

test('a folder whose manifest is broken is skipped with a warning naming it', async () => {
  recorded.files.set('/user/bad/manifest.json', new TextEncoder().encode('{"format": "x"}'));
  const warnings: string[] = [];
  const models = await listModels(fs, uri('/ext/models'), ['/user/bad'], (w) => warnings.push(w));
  assert.deepEqual(models, []);
  assert.match(warnings[0]!, /\/user\/bad: manifest\.json: format is "x"/);
});

test('the setting is read as a list of folder paths; anything else is no folders', () => {
  assert.deepEqual(readModelPaths(['/a', 3, '', '/b']), ['/a', '/b']);
  assert.deepEqual(readModelPaths('/a'), []);
  assert.deepEqual(readModelPaths(undefined), []);
});

test('a bundle is sent as its manifest and graph files; a missing graph is an error naming it', async () => {
  bundle('/m/ok');
  bundle('/m/broken', 'broken', 'memory_encoder.onnx');
  const [ok, broken] = await listModels(fs, uri('/ext/models'), ['/m/ok', '/m/broken'], () => {});
  const files = await readModelFiles(fs, ok!);
  assert.equal(files.type, 'modelFiles');
  if (files.type !== 'modelFiles') return;
  assert.deepEqual(Object.keys(files.files).sort(), ['manifest.json', ...GRAPHS].sort());
  assert.deepEqual([...new Uint8Array(files.files['mask_decoder.onnx']!)], [1, 1, 1]);
  const error = await readModelFiles(fs, broken!);
  assert.equal(error.type, 'modelError');
  assert.match((error as { message: string }).message, /^memory_encoder\.onnx: missing from/);
});

test('an editor gets the model list, loads the picked model, and shows its status', async () => {
  bundle('/ext/models/samocta2-nano');
  bundle('/user/one', 'mine');
  recorded.configuration['samOcta2.modelPaths'] = ['/user/one'];
  recorded.files.set(
    '/ws/eye.nii',
    writeNifti({
      dims: [2, 2, 2],
      spacingMm: [1, 1, 1],
      affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
      type: 'uint8',
      data: new Uint8Array(8),
    }),
  );
  activate({
    subscriptions: [],
    extensionUri: Uri.file('/ext'),
    workspaceState: new Memento(),
  } as unknown as vscode.ExtensionContext);
  const provider = recorded.customEditors[0]!.provider as VolumeEditorProvider;
  const document = await provider.openCustomDocument(
    uri('/ws/eye.nii'),
    { untitledDocumentData: undefined, backupId: undefined },
    {} as vscode.CancellationToken,
  );
  const panel = createPanel();
  await provider.resolveCustomEditor(
    document,
    panel as unknown as vscode.WebviewPanel,
    {} as vscode.CancellationToken,
  );
  const posted = panel.posted as { type: string; [key: string]: unknown }[];
  const waitFor = async (type: string, count = 1) => {
    for (let i = 0; i < 300 && posted.filter((m) => m.type === type).length < count; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const found = posted.filter((m) => m.type === type);
    assert.ok(found.length >= count, `no ${type} posted: ${posted.map((m) => m.type)}`);
    return found.at(-1)!;
  };
  panel.receive({ type: 'ready' });
  const list = await waitFor('models');
  assert.deepEqual(
    (list.models as { name: string }[]).map((m) => m.name),
    ['samocta2-nano', 'mine'],
  );
  assert.equal(list.selected, 'file:///ext/models/samocta2-nano', 'the shipped model by default');

  panel.receive({ type: 'selectModel', id: 'file:///user/one' });
  const files = await waitFor('modelFiles');
  assert.equal(files.name, 'mine');

  panel.receive({ type: 'trackingStatus', model: 'mine', backend: 'webgpu', note: null });
  const item = recorded.statusBarItems.find((i) => i.id === 'samOcta2.model')!;
  assert.equal(item.text, '$(hubot) mine · webgpu');
  assert.equal(item.command, 'samOcta2.selectModel');
  assert.equal(item.visible, true);
  panel.setActive(false);
  assert.equal(item.visible, false, 'hidden while another editor is active');
  panel.setActive(true);
  assert.equal(item.text, '$(hubot) mine · webgpu', 'shown again with the last status');
  assert.equal(item.visible, true);

  let offered: { label: string; description: string; detail: string }[] = [];
  const pick = async (name: string) => {
    recorded.quickPick = (items) => {
      offered = items as typeof offered;
      return offered.find((i) => i.label.endsWith(name));
    };
    await recorded.commands.get('samOcta2.selectModel')!();
  };
  await pick('mine');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(
    posted.filter((m) => m.type === 'models').length,
    1,
    're-picking the running model sends nothing (a reload would cancel a propagation)',
  );
  // The picker shows each bundle's measured real-data Dice and warns on demos (issue 16, item 6).
  const nano = offered.find((i) => i.label.endsWith('samocta2-nano'))!;
  assert.equal(nano.label, '$(warning) samocta2-nano');
  assert.match(nano.description, /^nano · real-data Dice: RV 0\.\d\d/);
  assert.match(nano.detail, /^Demo model: a nano demo model/);
  await pick('samocta2-nano');
  const picked = await waitFor('models', 2);
  assert.equal(
    picked.selected,
    'file:///ext/models/samocta2-nano',
    'the picker switches the active editor',
  );
});
