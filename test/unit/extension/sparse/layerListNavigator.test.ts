/**
 * Working through a dataset layer list (src/extension/sparse/layerListNavigator.ts) under the
 * vscode mock: done is read from the open editors and the regions sidecars, the next open item's
 * volume is opened on its layer, marking done annotates the layer and goes on, bad lists are refused.
 */
import { recorded, resetMock } from '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import * as vscode from 'vscode';
import type { Axis } from '../../../../src/core/volume/volume';
import type { SparseListItemMessage } from '../../../../src/protocol/editorMessages';
import type { RegionsLayer } from '../../../../src/extension/regions/regionsLayer';
import {
  LayerListNavigator,
  type LayerListTarget,
} from '../../../../src/extension/sparse/layerListNavigator';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** /data/sparse/todo.json over /data/{train/a,val/b}.nii.gz; b's layer 4 is annotated on disk. */
function setup() {
  const files = new Map<string, Uint8Array>([
    [
      '/data/sparse/todo.json',
      encode({
        format: 'samocta2.sparse-layer-list',
        version: 1,
        kind: 'annotate',
        dataset: '..',
        items: [
          { volume: 'val/b.nii.gz', axis: 'k', layer: 4 },
          { volume: 'train/a.nii.gz', axis: 'k', layer: 7 },
          { volume: 'val/b.nii.gz', axis: 'k', layer: 2 },
        ],
      }),
    ],
    ['/data/val/b.regions.json', encode({ axis: 'k', layers: [4] })],
  ]);
  const opened: string[] = [];
  const shown: { path: string; message: SparseListItemMessage }[] = [];
  const targets = new Map<string, LayerListTarget & { annotated: Set<number> }>();
  const navigator = new LayerListNavigator({
    targetsOf: (uri) => {
      const target = targets.get(uri.path);
      return target ? [target] : [];
    },
    open: async (uri) => {
      opened.push(uri.path);
      if (targets.has(uri.path)) return;
      const onDisk = files.get(uri.path.replace(/\.nii\.gz$/, '.regions.json'));
      const annotated = new Set<number>(
        onDisk ? (JSON.parse(new TextDecoder().decode(onDisk)) as { layers: number[] }).layers : [],
      );
      const regions = {
        get axis(): Axis {
          return 2;
        },
        get annotatedLayers() {
          return [...annotated].sort((x, y) => x - y);
        },
        markAnnotated: (layer: number, on: boolean) => {
          if (on) annotated.add(layer);
          return true;
        },
      } as unknown as RegionsLayer;
      targets.set(uri.path, {
        uri,
        annotated,
        regionsReady: async () => regions,
        showListItem: (message) => shown.push({ path: uri.path, message }),
      });
    },
    readFile: async (uri) => {
      const data = files.get(uri.path);
      if (!data) throw new Error(`ENOENT ${uri.path}`);
      return data;
    },
    log: { warn: () => undefined } as unknown as vscode.LogOutputChannel,
  });
  return { files, opened, shown, targets, navigator };
}

beforeEach(() => resetMock());

test('opening a list goes to its first item not annotated, on its volume and layer', async () => {
  const { opened, shown, navigator } = setup();
  await navigator.open(vscode.Uri.file('/data/sparse/todo.json'));
  assert.deepEqual(opened, ['/data/train/a.nii.gz']);
  assert.equal(shown.length, 1);
  assert.equal(shown[0]!.message.layer, 7);
  assert.equal(shown[0]!.message.axis, 2);
  assert.match(shown[0]!.message.text, /item 2 of 3 \(1 done\)/);
});

test('mark done annotates the shown layer in its document and goes to the next open item', async () => {
  const { opened, shown, targets, navigator } = setup();
  await navigator.open(vscode.Uri.file('/data/sparse/todo.json'));
  await navigator.markDone();
  assert.deepEqual([...targets.get('/data/train/a.nii.gz')!.annotated], [7]);
  assert.deepEqual(opened, ['/data/train/a.nii.gz', '/data/val/b.nii.gz']);
  assert.equal(shown.at(-1)!.message.layer, 2);
  assert.match(shown.at(-1)!.message.text, /item 3 of 3 \(2 done\)/);
  // Done is read from the open documents now: the last item marked, everything is done.
  await navigator.markDone();
  assert.equal(shown.length, 2);
  assert.match(recorded.infos.at(-1)!, /Every layer .* is done \(3 of 3\)/);
});

test('next without a list, and a file that is not a list, are clear errors', async () => {
  const { files, navigator } = setup();
  await assert.rejects(navigator.next(), /No sparse layer list is open/);
  files.set('/data/other.json', encode({ format: 'samocta2.sparse-regions', layers: [] }));
  await assert.rejects(
    navigator.open(vscode.Uri.file('/data/other.json')),
    /\/data\/other.json is not a usable sparse layer list: not a sparse layer list/,
  );
});
