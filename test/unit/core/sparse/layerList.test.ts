/** The dataset layer lists the trainer writes (docs/sparse-annotation.md §6): parsing and stepping. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LayerListError,
  nextOpenItem,
  parseLayerList,
  type LayerListItem,
} from '../../../../src/core/sparse/layerList';

const LIST = JSON.stringify({
  format: 'samocta2.sparse-layer-list',
  version: 1,
  kind: 'review',
  dataset: '..',
  seed: 0,
  items: [
    { volume: 'train/a.nii.gz', axis: 'k', layer: 3, doubt: 0.5 },
    { volume: 'val/b.nii.gz', axis: 'j', layer: 0 },
    { volume: 'train/a.nii.gz', axis: 'k', layer: 9 },
  ],
});

test('a list written by the trainer parses with its axes, layers and doubt', () => {
  const list = parseLayerList(LIST);
  assert.equal(list.kind, 'review');
  assert.equal(list.dataset, '..');
  assert.deepEqual(list.items, [
    { volume: 'train/a.nii.gz', axis: 2, layer: 3, doubt: 0.5 },
    { volume: 'val/b.nii.gz', axis: 1, layer: 0 },
    { volume: 'train/a.nii.gz', axis: 2, layer: 9 },
  ]);
});

test('bad lists are refused with what is wrong', () => {
  const bad = (change: Record<string, unknown>) =>
    JSON.stringify({ ...(JSON.parse(LIST) as object), ...change });
  assert.throws(() => parseLayerList('{'), /not JSON/);
  assert.throws(() => parseLayerList(bad({ format: 'other' })), /not a sparse layer list/);
  assert.throws(() => parseLayerList(bad({ version: 2 })), /version 2/);
  assert.throws(() => parseLayerList(bad({ kind: 'paint' })), /"kind"/);
  for (const item of [
    { volume: 'a.nii.gz', axis: 'x', layer: 1 },
    { volume: 'a.nii.gz', axis: 'k', layer: -1 },
    { volume: 'a.nii.gz', axis: 'k', layer: 1.5 },
    { volume: '../outside.nii.gz', axis: 'k', layer: 1 },
    { axis: 'k', layer: 1 },
  ]) {
    assert.throws(() => parseLayerList(bad({ items: [item] })), LayerListError);
  }
});

test('the next open item skips done ones and wraps around; -1 when all are done', () => {
  const list = parseLayerList(LIST);
  const done = new Set<LayerListItem>([list.items[0]!]);
  const isDone = (item: LayerListItem) => done.has(item);
  assert.equal(nextOpenItem(list, isDone), 1);
  assert.equal(nextOpenItem(list, isDone, 1), 2);
  assert.equal(nextOpenItem(list, isDone, 2), 1);
  done.add(list.items[1]!).add(list.items[2]!);
  assert.equal(nextOpenItem(list, isDone), -1);
  assert.equal(
    nextOpenItem(parseLayerList(JSON.stringify({ ...JSON.parse(LIST), items: [] })), isDone),
    -1,
  );
});
