import {
  EventEmitter,
  Memento,
  createPanel,
  recorded,
  resetMock,
  window,
} from '../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { LayerStatusBar } from '../../../src/extension/layerStatusBar';
import { ModelStatusBar } from '../../../src/extension/models/modelStatusBar';
import { DEFAULT_SETTINGS } from '../../../src/extension/settings';
import type { VolumeDocument } from '../../../src/extension/volumeDocument';
import { panelLayoutMemory } from '../../../src/extension/panelLayoutMemory';
import { VolumeEditorSession } from '../../../src/extension/volumeEditorSession';
import { SUPPORTED_FILES, VolumeLoadError } from '../../../src/extension/volumeLoadError';
import type {
  LoadProgress,
  LoadedVolume,
  VolumePreview,
} from '../../../src/extension/volumeLoader';

const LOADED: LoadedVolume = {
  volume: {
    dims: [4, 3, 2],
    spacingMm: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    type: 'uint8',
    data: new Uint8Array(24),
  },
  header: {
    fileName: 'v.nii.gz',
    dims: [4, 3, 2],
    spacingMm: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    type: 'uint8',
    notices: [],
    niftiVersion: 1,
  },
  buffer: new ArrayBuffer(24),
  description: '',
};

/** A document whose load the test finishes by hand. */
function fakeDocument() {
  const progress = new EventEmitter<LoadProgress>();
  const previews = new EventEmitter<VolumePreview>();
  let settle: { resolve(v: LoadedVolume): void; reject(e: unknown): void } | undefined;
  const loading = new Promise<LoadedVolume>((resolve, reject) => (settle = { resolve, reject }));
  loading.catch(() => undefined);
  const document = {
    fileName: 'v.nii.gz',
    progress: undefined as LoadProgress | undefined,
    onDidProgress: progress.event,
    preview: undefined as VolumePreview | undefined,
    onDidPreview: previews.event,
    load: () => loading,
    // The annotation layers (tested in volumeDocument.test.ts, regions/regionsLayer.test.ts and
    // enface/enfaceRvLayer.test.ts): one with nothing saved, answered once the volume is loaded.
    layers: [
      {
        key: 'objects',
        problem: undefined,
        onDidApply: new EventEmitter<unknown>().event,
        onDidReplace: new EventEmitter<void>().event,
        fullMessage: () => ({ type: 'segmentation', objects: [] }),
      },
    ],
    ready: async (layer: unknown) => (await loading, layer),
    segmentation: { problem: undefined, model: null },
  };
  return {
    document: document as unknown as VolumeDocument,
    progress,
    /** Fires a preview as the real document does: kept for editors that connect later. */
    firePreview: (p: VolumePreview) => {
      document.preview = p;
      previews.fire(p);
    },
    resolve: (v: LoadedVolume) => settle?.resolve(v),
    reject: (e: unknown) => settle?.reject(e),
  };
}

function setUp() {
  const workspaceState = new Memento();
  const memory = panelLayoutMemory(workspaceState as unknown as vscode.Memento);
  const panel = createPanel();
  const doc = fakeDocument();
  const log = window.createOutputChannel('SAM-OCTA2') as unknown as vscode.LogOutputChannel & {
    lines: string[];
  };
  const statusBar = new LayerStatusBar();
  const session = new VolumeEditorSession(doc.document, panel as unknown as vscode.WebviewPanel, {
    log,
    statusBar,
    settings: () => DEFAULT_SETTINGS,
    modelStatusBar: new ModelStatusBar(),
    models: async () => [],
    preferredModel: () => undefined,
    panelLayout: memory,
  });
  return { panel, doc, log, statusBar, session, workspaceState };
}

const types = (posted: unknown[]): string[] => posted.map((m) => (m as { type: string }).type);
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

beforeEach(() => resetMock());

test('ready is answered by init, progress, then the header and the voxels as one ArrayBuffer', async () => {
  const { panel, doc } = setUp();
  panel.receive({ type: 'ready' });
  doc.progress.fire({ fraction: 0.5, stage: 'Decompressing' });
  doc.resolve(LOADED);
  await flush();
  assert.deepEqual(types(panel.posted), [
    'init',
    'loadProgress',
    'volumeHeader',
    'volumeData',
    'segmentation',
    'models',
  ]);
  assert.deepEqual(panel.posted[0], { type: 'init', settings: DEFAULT_SETTINGS, hostKeys: true });
  assert.deepEqual(panel.posted[1], {
    type: 'loadProgress',
    fraction: 0.5,
    stage: 'Decompressing',
  });
  assert.deepEqual(panel.posted[2], { type: 'volumeHeader', header: LOADED.header });
  const data = panel.posted[3] as { buffer: unknown };
  assert.equal(data.buffer, LOADED.buffer, 'the loaded ArrayBuffer itself, not a copy or JSON');
});

test('a preview of the first layer is posted while loading, also to an editor that connects later', async () => {
  const { panel, doc } = setUp();
  panel.receive({ type: 'ready' });
  const preview: VolumePreview = { header: LOADED.header, layers: 1, buffer: new ArrayBuffer(8) };
  doc.firePreview(preview);
  panel.receive({ type: 'ready' });
  doc.resolve(LOADED);
  await flush();
  const posted = types(panel.posted);
  assert.deepEqual(posted.slice(0, 4), ['init', 'volumePreview', 'init', 'volumePreview']);
  assert.deepEqual(panel.posted[3], { type: 'volumePreview', ...preview });
  // Only the latest ready gets the volume itself.
  assert.deepEqual(posted.slice(4, 6), ['volumeHeader', 'volumeData']);
});

test('every ready (a reloaded webview) gets the volume again', async () => {
  const { panel, doc } = setUp();
  doc.resolve(LOADED);
  panel.receive({ type: 'ready' });
  await flush();
  panel.receive({ type: 'ready' });
  await flush();
  const once = ['init', 'volumeHeader', 'volumeData', 'segmentation', 'models'];
  assert.deepEqual(types(panel.posted), [...once, ...once]);
});

test('only the latest ready gets the volume when two arrive during a load', async () => {
  const { panel, doc } = setUp();
  panel.receive({ type: 'ready' });
  panel.receive({ type: 'ready' });
  doc.resolve(LOADED);
  await flush();
  assert.deepEqual(types(panel.posted), [
    'init',
    'init',
    'volumeHeader',
    'volumeData',
    'segmentation',
    'models',
  ]);
});

test('a load error becomes loadError with what is wrong and what is supported, and is logged', async () => {
  const { panel, doc, log } = setUp();
  panel.receive({ type: 'ready' });
  doc.reject(new VolumeLoadError('v.nii.gz is truncated', 'NIfTI only'));
  await flush();
  assert.deepEqual(panel.posted.at(-1), {
    type: 'loadError',
    message: 'v.nii.gz is truncated',
    supported: 'NIfTI only',
  });
  assert.ok(log.lines.some((l) => l.startsWith('error') && l.includes('truncated')));
});

test('an unexpected failure still reaches the webview as a loadError', async () => {
  const { panel, doc } = setUp();
  panel.receive({ type: 'ready' });
  doc.reject(new Error('EACCES: permission denied'));
  await flush();
  const last = panel.posted.at(-1) as { type: string; message: string; supported: string };
  assert.equal(last.type, 'loadError');
  assert.match(last.message, /v\.nii\.gz could not be opened: Error: EACCES/);
  assert.equal(last.supported, SUPPORTED_FILES);
});

test('status messages drive the status bar while the editor is active', () => {
  const { panel } = setUp();
  const item = recorded.statusBarItems[0]!;
  panel.receive({ type: 'status', layer: 12, layerCount: 48, view: 'layer' });
  assert.equal(item.visible, true);
  assert.equal(item.text, '$(layers) Layer 12 (0–47) · layer view');
  panel.receive({ type: 'status', layer: 47, layerCount: 48, view: '3d' });
  assert.equal(item.text, '$(layers) Layer 47 (0–47) · 3D view');
  panel.setActive(false);
  assert.equal(item.visible, false);
});

test('malformed messages are ignored and logged', () => {
  const { panel, log } = setUp();
  for (const bad of [null, 'ready', { type: 'status', layer: '3' }, { type: 'nope' }]) {
    panel.receive(bad);
  }
  assert.equal(panel.posted.length, 0);
  assert.equal(recorded.statusBarItems[0]!.visible, false);
  assert.equal(log.lines.filter((l) => l.startsWith('warn')).length, 4);
});

test('showError from the webview is shown as an error notification', async () => {
  const { panel } = setUp();
  panel.receive({ type: 'showError', message: 'WebGL2 is not available' });
  await flush();
  assert.deepEqual(recorded.errors, ['SAM-OCTA2: WebGL2 is not available']);
});

test('settings changes are forwarded; a disposed session posts nothing more', async () => {
  const { panel, doc, session } = setUp();
  session.settingsChanged({ ...DEFAULT_SETTINGS, depthAxis: 2 });
  assert.deepEqual(panel.posted.at(-1), {
    type: 'settingsChanged',
    settings: { ...DEFAULT_SETTINGS, depthAxis: 2 },
  });
  panel.receive({ type: 'ready' });
  const before = panel.posted.length;
  session.dispose();
  doc.resolve(LOADED);
  await flush();
  assert.equal(panel.posted.length, before);
});

test('the panel layout the user chose is remembered for the workspace and sent with init', async () => {
  const { panel, doc, workspaceState } = setUp();
  panel.receive({ type: 'ready' });
  doc.resolve(LOADED);
  await flush();
  const init = () => panel.posted.filter((m) => (m as { type: string }).type === 'init').at(-1);
  assert.equal((init() as { panels?: unknown }).panels, undefined, 'nothing chosen: defaults');
  panel.receive({ type: 'panelLayout', panels: { toolRows: false, sparsePanel: 1 } });
  assert.equal(workspaceState.values.size, 0, 'a malformed layout is not stored');
  panel.receive({ type: 'panelLayout', panels: { toolRows: false, sparsePanel: true } });
  panel.receive({ type: 'ready' });
  await flush();
  assert.deepEqual((init() as { panels?: unknown }).panels, { toolRows: false, sparsePanel: true });
});

test('engine requests reach the host engine and its answers come back as engineReply (issue 17)', async () => {
  const { panel, log } = setUp();
  panel.receive({ type: 'engineRequest', message: { type: 'init' } });
  panel.receive({ type: 'engineRequest', message: null });
  assert.equal(log.lines.filter((l) => l.startsWith('warn')).length, 2);
  panel.receive({
    type: 'engineRequest',
    message: { type: 'preview', jobId: 3, objectId: 1, layer: 0, points: [] },
  });
  await flush();
  assert.deepEqual(panel.posted, [
    {
      type: 'engineReply',
      message: { type: 'error', id: 3, message: 'No model is loaded on the host engine.' },
    },
  ]);
});
