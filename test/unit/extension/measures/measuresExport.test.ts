/**
 * "Export Measures…" on the host (issue 19): the command asks the editor in front, the export
 * writes CSV and JSON through the CLI's formatter with the document's model and segmentation
 * name, a cancelled dialog writes nothing, and a malformed or mismatched message is refused
 * with a message instead of a file.
 */
import { Uri, createPanel, recorded, resetMock, window } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { formatMeasures, measuresReport } from '../../../../src/core/measure/measureExport';
import { measureSegmentedVolume } from '../../../../src/core/measure/measureReport';
import { LayerStatusBar } from '../../../../src/extension/layerStatusBar';
import { ModelStatusBar } from '../../../../src/extension/models/modelStatusBar';
import { DEFAULT_SETTINGS } from '../../../../src/extension/settings';
import type { VolumeDocument } from '../../../../src/extension/volumeDocument';
import {
  isFromWebviewMessage,
  VolumeEditorSession,
} from '../../../../src/extension/volumeEditorSession';
import { exportMeasures } from '../../../../src/extension/measures/measuresExport';
import {
  EXPORT_MEASURES_COMMAND,
  registerExportMeasures,
} from '../../../../src/extension/measures/registerExportMeasures';
import { ellipseMask } from '../../../fixtures/measureShapes';

const DIMS: [number, number, number] = [64, 64, 4];
const PIXEL = 3 / 64;

function measured(volume = 'scan.nii.gz') {
  const labels = new Uint16Array(DIMS[0] * DIMS[1] * DIMS[2]);
  ellipseMask(64, 64, 10, 8, [32, 30]).forEach((v, p) => v && (labels[p + 64 * 64] = 1));
  return measureSegmentedVolume({
    volume,
    segmentation: 'scan.seg.nii.gz',
    source: { dims: DIMS, spacingMm: [PIXEL, PIXEL, 0.003] },
    labels: { dims: DIMS, data: labels },
    axis: 2,
    model: null,
    objects: [{ id: 1, name: 'FAZ', kind: 'faz', prompts: [{ layer: 1, points: [] }] }],
    faz: 1,
    vessels: [],
  });
}

const source = {
  uri: Uri.file('/data/scan.nii.gz') as unknown as vscode.Uri,
  fileName: 'scan.nii.gz',
  model: 'nano',
};
const text = (path: string): string => new TextDecoder().decode(recorded.files.get(path));

beforeEach(() => resetMock());

test('writes the CSV and the JSON beside the picked name, with the model of the document', async () => {
  let asked: { defaultUri?: Uri } | undefined;
  recorded.saveDialog = (options) => {
    asked = options as { defaultUri?: Uri };
    return Uri.file('/out/cohort-a.csv');
  };
  const m = measured();
  const written = await exportMeasures(source, m);
  assert.equal(asked?.defaultUri?.path, '/data/scan.measures.csv');
  assert.deepEqual(
    [written?.csv.path, written?.json.path],
    ['/out/cohort-a.csv', '/out/cohort-a.json'],
  );
  const expected = measuresReport([{ ...m, model: 'nano', segmentation: 'scan.seg.nii.gz' }]);
  assert.equal(text('/out/cohort-a.csv'), formatMeasures(expected, 'csv'));
  const json = JSON.parse(text('/out/cohort-a.json'));
  assert.equal(json.volumes[0].model, 'nano');
  assert.equal(json.volumes[0].volume, 'scan.nii.gz');
  assert.equal(json.volumes[0].objects[0].name, 'FAZ');
  assert.ok(text('/out/cohort-a.csv').split('\n')[0]!.includes('area_mm2'));
});

test('a cancelled dialog writes nothing; measures of another file are refused', async () => {
  assert.equal(await exportMeasures(source, measured()), null);
  assert.equal(recorded.files.size, 0);
  recorded.saveDialog = () => Uri.file('/out/x.csv');
  await assert.rejects(
    exportMeasures(source, measured('other.nii')),
    /the measures are of other\.nii, not of scan\.nii\.gz/,
  );
  assert.equal(recorded.files.size, 0);
});

test('the command asks the editor in front, or says what to do without one', async () => {
  let front: { requestMeasuresExport(): void } | undefined = undefined;
  let asked = 0;
  registerExportMeasures(() => front);
  const run = recorded.commands.get(EXPORT_MEASURES_COMMAND)!;
  await run();
  assert.equal(asked, 0);
  assert.match(
    recorded.errors.at(-1) ?? '',
    /open a \.nii or \.nii\.gz in the SAM-OCTA2 Volume editor/,
  );
  front = { requestMeasuresExport: () => asked++ };
  await run();
  assert.equal(asked, 1);
});

test('the webview messages are checked: a malformed export or copy is not taken', () => {
  assert.ok(isFromWebviewMessage({ type: 'exportMeasures', measured: measured() }));
  assert.ok(!isFromWebviewMessage({ type: 'exportMeasures', measured: { volume: 'a' } }));
  assert.ok(!isFromWebviewMessage({ type: 'exportMeasures' }));
  assert.ok(isFromWebviewMessage({ type: 'copyText', text: 'a\tb', what: '2 rows' }));
  assert.ok(!isFromWebviewMessage({ type: 'copyText', text: 3, what: 'x' }));
});

/** An editor session on a document that records `nano` as the model of its masks. */
function session() {
  const panel = createPanel();
  const document = {
    uri: Uri.file('/data/scan.nii.gz'),
    fileName: 'scan.nii.gz',
    layers: [],
    segmentation: { model: 'nano' },
  } as unknown as VolumeDocument;
  const log = window.createOutputChannel('SAM-OCTA2') as unknown as vscode.LogOutputChannel;
  const editor = new VolumeEditorSession(document, panel as unknown as vscode.WebviewPanel, {
    log,
    statusBar: new LayerStatusBar(),
    settings: () => DEFAULT_SETTINGS,
    modelStatusBar: new ModelStatusBar(),
    models: async () => [],
    preferredModel: () => undefined,
  });
  return { panel, editor };
}

const settle = async (): Promise<void> => {
  for (let n = 0; n < 20; n++) await new Promise((r) => setImmediate(r));
};

test('the session: the command asks its webview; its answer is written; Copy as TSV reaches the clipboard', async () => {
  const { panel, editor } = session();
  editor.requestMeasuresExport();
  assert.deepEqual(panel.posted.at(-1), { type: 'requestMeasuresExport' });
  recorded.saveDialog = () => Uri.file('/data/scan.measures.csv');
  panel.receive({ type: 'exportMeasures', measured: measured() });
  await settle();
  assert.equal(JSON.parse(text('/data/scan.measures.json')).volumes[0].model, 'nano');
  assert.match(recorded.infos.at(-1) ?? '', /wrote scan\.measures\.csv and scan\.measures\.json/);
  panel.receive({ type: 'copyText', text: 'a\tb\n', what: '1 row of measures' });
  await settle();
  assert.equal(recorded.clipboard, 'a\tb\n');
  assert.match(recorded.infos.at(-1) ?? '', /copied 1 row of measures/);
  // Measures of another volume (a stale message): an error, no file.
  recorded.files.clear();
  panel.receive({ type: 'exportMeasures', measured: measured('other.nii.gz') });
  await settle();
  assert.equal(recorded.files.size, 0);
  assert.match(recorded.errors.at(-1) ?? '', /Measures not exported: the measures are of other/);
  editor.dispose();
});
