import {
  Memento,
  TabInputCustom,
  TabInputText,
  Uri,
  configurationEmitter,
  createPanel,
  recorded,
  resetMock,
  window,
} from '../../support/vscodeMock';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { activate } from '../../../src/extension/extension';
import type { VolumeDocument } from '../../../src/extension/volumeDocument';
import { makeNifti } from '../../fixtures/makeNifti';

interface Contributions {
  customEditors: { viewType: string }[];
  commands: { command: string }[];
}
const contributes = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    contributes: Contributions;
  }
).contributes;

function activateWithFakeContext(): { subscriptions: { dispose(): unknown }[] } {
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file('/ext'),
    workspaceState: new Memento(),
  };
  activate(context as unknown as vscode.ExtensionContext);
  return context;
}

interface ProviderLike {
  openCustomDocument(uri: unknown, ctx: unknown, token: unknown): Promise<VolumeDocument>;
  resolveCustomEditor(doc: VolumeDocument, panel: unknown, token: unknown): Promise<void>;
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** Waits until the panel got the volume or an error (the load runs zlib on the thread pool). */
async function loaded(panel: { posted: unknown[] }): Promise<void> {
  const done = () =>
    panel.posted.some((m) => ['volumeData', 'loadError'].includes((m as { type: string }).type));
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), `no volume or error posted: ${JSON.stringify(panel.posted)}`);
}

beforeEach(() => resetMock());

test('activate registers the volume editor, every contributed command and the output channel', () => {
  activateWithFakeContext();
  assert.deepEqual(
    recorded.customEditors.map((e) => e.viewType),
    contributes.customEditors.map((e) => e.viewType),
  );
  assert.deepEqual(recorded.customEditors[0]!.options, {
    webviewOptions: { retainContextWhenHidden: true },
    supportsMultipleEditorsPerDocument: true,
  });
  assert.deepEqual(
    [...recorded.commands.keys()].sort(),
    contributes.commands.map((c) => c.command).sort(),
  );
  assert.deepEqual(recorded.outputChannels, ['SAM-OCTA2']);
});

test('everything activate creates is disposed with the extension', () => {
  const context = activateWithFakeContext();
  assert.ok(recorded.createdDisposables >= 5);
  for (const d of context.subscriptions) d.dispose();
  assert.equal(recorded.disposedDisposables, recorded.createdDisposables);
  assert.equal(recorded.commands.size, 0);
});

test('openWithViewer opens the given file with the volume editor', async () => {
  activateWithFakeContext();
  const uri = Uri.file('/ws/eye.nii.gz');
  await recorded.commands.get('samOcta2.openWithViewer')!(uri);
  assert.deepEqual(recorded.executed, [['vscode.openWith', uri, 'samOcta2.volume']]);
});

test('the editor gets the CSP page, reads the file and answers ready with header and voxels', async () => {
  activateWithFakeContext();
  const values = Array.from({ length: 24 }, (_, i) => i * 10);
  recorded.files.set('/ws/eye.nii.gz', makeNifti({ dims3: [2, 3, 4], values, gzip: true }));
  recorded.configuration['samOcta2.depthAxis'] = 'k';
  const provider = recorded.customEditors[0]!.provider as ProviderLike;
  const doc = await provider.openCustomDocument(Uri.file('/ws/eye.nii.gz'), {}, {});
  const panel = createPanel();
  await provider.resolveCustomEditor(doc, panel, {});

  assert.match(panel.webview.html, /Content-Security-Policy/);
  assert.match(panel.webview.html, /src="[^"]*\/webview\/ext\/dist\/webview\/main\.js"/);
  const options = panel.webview.options as { enableScripts: boolean; localResourceRoots: Uri[] };
  assert.equal(options.enableScripts, true);
  assert.deepEqual(
    options.localResourceRoots.map((u) => u.path),
    ['/ext/dist/webview', '/ext/media', '/ext/models'],
  );

  panel.receive({ type: 'ready' });
  await loaded(panel);
  const posted = panel.posted as { type: string; [k: string]: unknown }[];
  assert.equal(posted[0]!.type, 'init');
  assert.equal((posted[0]!.settings as { depthAxis: unknown }).depthAxis, 2);
  const header = posted.find((m) => m.type === 'volumeHeader')?.header as { dims: number[] };
  assert.deepEqual(header.dims, [2, 3, 4]);
  const data = posted.find((m) => m.type === 'volumeData')?.buffer;
  assert.ok(data instanceof ArrayBuffer);
  assert.deepEqual([...new Uint8Array(data)], values);
  // Then the (empty) segmentation, the (empty) vessel regions and en-face RV, the sparse panel's
  // state (issue 6), and the model list (none under this fake /ext).
  assert.deepEqual(
    posted.slice(-6).map((m) => m.type),
    ['volumeData', 'segmentation', 'regions', 'enfaceRv', 'sparseState', 'models'],
  );

  configurationEmitter.fire({ affectsConfiguration: (s) => s === 'samOcta2' });
  assert.equal(posted.at(-1)!.type, 'settingsChanged');
  configurationEmitter.fire({ affectsConfiguration: () => false });
  assert.equal(posted.filter((m) => m.type === 'settingsChanged').length, 1);
});

test('a bad file gives a loadError in its editor while another editor loads fine', async () => {
  activateWithFakeContext();
  recorded.files.set('/ws/bad.nii', new TextEncoder().encode('not a volume'.repeat(50)));
  recorded.files.set('/ws/good.nii', makeNifti({ dims3: [2, 2, 2] }));
  const provider = recorded.customEditors[0]!.provider as ProviderLike;
  const panels = [];
  for (const name of ['bad.nii', 'good.nii']) {
    const doc = await provider.openCustomDocument(Uri.file(`/ws/${name}`), {}, {});
    const panel = createPanel();
    await provider.resolveCustomEditor(doc, panel, {});
    panel.receive({ type: 'ready' });
    panels.push(panel);
  }
  for (const panel of panels) await loaded(panel);
  const [bad, good] = panels.map((p) => p.posted as { type: string; message?: string }[]);
  assert.equal(bad!.at(-1)!.type, 'loadError');
  assert.match(bad!.at(-1)!.message!, /^bad\.nii: /);
  assert.ok(good!.some((m) => m.type === 'volumeData'));
  assert.ok(!good!.some((m) => m.type === 'loadError'));
});

test('volume files VS Code opened as text before activation are moved to the volume editor', async () => {
  const volume = {
    input: new TabInputText(Uri.file('/ws/eye.nii.gz')),
    isPreview: false,
    isActive: true,
  };
  const text = {
    input: new TabInputText(Uri.file('/ws/notes.txt')),
    isPreview: false,
    isActive: false,
  };
  const custom = {
    input: new TabInputCustom(Uri.file('/ws/b.nii'), 'samOcta2.volume'),
    isPreview: true,
    isActive: false,
  };
  window.tabGroups.all = [{ viewColumn: 2, tabs: [volume, text, custom] }];
  activateWithFakeContext();
  await flush();
  assert.deepEqual(recorded.executed, [
    [
      'vscode.openWith',
      volume.input.uri,
      'samOcta2.volume',
      { viewColumn: 2, preview: false, preserveFocus: false },
    ],
  ]);
  assert.deepEqual(recorded.closedTabs, [volume]);
});

test('issue 16: the layer and view commands reach the active volume editor only, which knows they are bound', async () => {
  activateWithFakeContext();
  recorded.files.set('/ws/eye.nii.gz', makeNifti({ dims3: [2, 2, 3], gzip: true }));
  const provider = recorded.customEditors[0]!.provider as ProviderLike;
  const doc = await provider.openCustomDocument(Uri.file('/ws/eye.nii.gz'), {}, {});
  const [front, back] = [createPanel(), createPanel()];
  await provider.resolveCustomEditor(doc, front, {});
  await provider.resolveCustomEditor(doc, back, {});
  back.setActive(false);
  front.receive({ type: 'ready' });
  await loaded(front);
  const init = front.posted.find((m) => (m as { type: string }).type === 'init');
  assert.equal(
    (init as { hostKeys?: boolean }).hostKeys,
    true,
    'the webview leaves the keys to them',
  );

  const keys = (panel: { posted: unknown[] }) =>
    panel.posted.filter((m) => (m as { type: string }).type === 'editorKey');
  await recorded.commands.get('samOcta2.nextLayer')!();
  await recorded.commands.get('samOcta2.firstLayer')!();
  await recorded.commands.get('samOcta2.show3dView')!();
  assert.deepEqual(keys(front), [
    { type: 'editorKey', key: { layer: 'next' } },
    { type: 'editorKey', key: { layer: 'first' } },
    { type: 'editorKey', key: { view: '3d' } },
  ]);
  assert.deepEqual(keys(back), [], 'not the editor in the background');
});
