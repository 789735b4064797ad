/**
 * The loading messages: the volume opens once header and voxels are both here, whichever came
 * first; progress shows only until a volume is shown; a preview only before; settings and load
 * errors reach the target.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  EditorSettings,
  ToWebviewMessage,
  VolumeHeaderInfo,
} from '../../../src/protocol/editorMessages';
import { MessageTable } from '../../../src/webview/messageTable';
import type { ViewportNotices } from '../../../src/webview/viewportNotices';
import { registerVolumeLoading } from '../../../src/webview/volumeLoading';

const HEADER: VolumeHeaderInfo = {
  fileName: 'eye.nii.gz',
  dims: [2, 2, 2],
  spacingMm: [1, 1, 1],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
  type: 'uint8',
  notices: [],
  niftiVersion: 1,
};
const SETTINGS: EditorSettings = {
  depthAxis: 'auto',
  windowPercentiles: [1, 99],
  max3dTextureMB: 64,
  embeddingCacheMiB: 512,
};

/** A table with the loading handlers over a target and notices that record what they get. */
function loading() {
  const events: string[] = [];
  const opened: { header: VolumeHeaderInfo; buffer: ArrayBuffer }[] = [];
  const target = {
    loaded: false,
    applySettings: (s: EditorSettings) => events.push(`settings ${s.max3dTextureMB}`),
    preview: (header: VolumeHeaderInfo, layers: number, buffer: ArrayBuffer) =>
      events.push(`preview ${layers} ${header.dims.join('x')} ${buffer.byteLength}`),
    open: (header: VolumeHeaderInfo, buffer: ArrayBuffer) => {
      opened.push({ header, buffer });
      target.loaded = true;
    },
    fail: (message: string, supported: string) => events.push(`fail ${message} / ${supported}`),
  };
  const notices = {
    progress: (fraction: number, stage: string) => events.push(`progress ${fraction} ${stage}`),
  } as unknown as ViewportNotices;
  const table = new MessageTable();
  registerVolumeLoading(table, target, notices);
  const send = (m: ToWebviewMessage) => table.dispatch(m);
  return { events, opened, send };
}

test('header then voxels opens the volume once, with both', () => {
  const { opened, send } = loading();
  const buffer = new ArrayBuffer(8);
  send({ type: 'volumeHeader', header: HEADER });
  assert.equal(opened.length, 0);
  send({ type: 'volumeData', buffer });
  assert.equal(opened.length, 1);
  assert.equal(opened[0]!.header, HEADER);
  assert.equal(opened[0]!.buffer, buffer);
});

test('voxels before the header wait for it, and open only once', () => {
  const { opened, send } = loading();
  const buffer = new ArrayBuffer(8);
  send({ type: 'volumeData', buffer });
  assert.equal(opened.length, 0);
  send({ type: 'volumeHeader', header: HEADER });
  assert.equal(opened.length, 1);
  assert.equal(opened[0]!.buffer, buffer);
  // A second header (a re-send) does not open the earlier voxels again.
  send({ type: 'volumeHeader', header: HEADER });
  assert.equal(opened.length, 1);
});

test('progress shows until a volume is shown; settings and errors reach the target', () => {
  const { events, send } = loading();
  send({ type: 'init', settings: SETTINGS });
  send({ type: 'loadProgress', fraction: 0.5, stage: 'Reading' });
  send({ type: 'volumeHeader', header: HEADER });
  send({ type: 'volumeData', buffer: new ArrayBuffer(8) });
  send({ type: 'loadProgress', fraction: 0.9, stage: 'Reading again' });
  send({ type: 'settingsChanged', settings: { ...SETTINGS, max3dTextureMB: 128 } });
  send({ type: 'loadError', message: 'bad', supported: 'NIfTI' });
  assert.deepEqual(events, [
    'settings 64',
    'progress 0.5 Reading',
    'progress -1 Receiving voxels…',
    'settings 128',
    'fail bad / NIfTI',
  ]);
});

test('a preview reaches the target while loading, and not once a volume is shown', () => {
  const { events, opened, send } = loading();
  send({ type: 'volumePreview', header: HEADER, layers: 1, buffer: new ArrayBuffer(4) });
  send({ type: 'volumeHeader', header: HEADER });
  send({ type: 'volumeData', buffer: new ArrayBuffer(8) });
  send({ type: 'volumePreview', header: HEADER, layers: 1, buffer: new ArrayBuffer(4) });
  assert.equal(opened.length, 1);
  assert.deepEqual(
    events.filter((e) => e.startsWith('preview')),
    ['preview 1 2x2x2 4'],
  );
});
