import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdit } from '../../../../src/core/labels/labelEdit';
import { createLabelVolume } from '../../../../src/core/labels/labelVolume';
import { layerMask } from '../../../../src/core/labels/layerVoxels';
import {
  LayerStroke,
  clearMask,
  fillLayer,
  revertInto,
  toVolumeEdit,
} from '../../../../src/webview/brush/layerStroke';
import { RegionLayers } from '../../../../src/webview/brush/regionLayers';
import { stepRadius, clampRadius } from '../../../../src/webview/brush/brushTools';

const W = 8;
const H = 6;

function rows(mask: Uint8Array): string[] {
  const out: string[] = [];
  for (let y = 0; y < H; y++) out.push([...mask.subarray(y * W, (y + 1) * W)].join(''));
  return out;
}

test('a stroke is one edit covering every dab, and erasing takes pixels back', () => {
  const mask = new Uint8Array(W * H);
  const stroke = new LayerStroke(mask, W, H, false, 1);
  assert.ok(stroke.to(1, 1));
  assert.ok(stroke.to(6, 1), 'a fast move leaves no gap');
  assert.equal(stroke.to(6, 1), false, 'nothing new under the brush');
  const edit = stroke.finish()!;
  assert.deepEqual(rows(mask).slice(0, 3), ['01111110', '11111111', '01111110']);
  assert.equal(
    edit.indices.length,
    mask.reduce((a, b) => a + b, 0),
  );
  const eraser = new LayerStroke(mask, W, H, true, 0.5);
  eraser.to(3, 1);
  const erased = eraser.finish()!;
  assert.equal(erased.after, 0);
  assert.deepEqual([...erased.indices], [11]);
  revertInto(mask, erased);
  assert.equal(mask[11], 1);
});

test('fill covers the 4-connected area inside an outline; clear empties the layer', () => {
  const mask = new Uint8Array(W * H);
  // A closed box outline from (1,1) to (5,4).
  for (let x = 1; x <= 5; x++) mask[x + W] = mask[x + 4 * W] = 1;
  for (let y = 1; y <= 4; y++) mask[1 + y * W] = mask[5 + y * W] = 1;
  const fill = fillLayer(mask, W, H, 3, 2)!;
  assert.equal(fill.indices.length, 6, 'the 3×2 inside only');
  assert.equal(fillLayer(mask, W, H, 3, 2), null, 'inside already');
  const clear = clearMask(mask, W, H)!;
  assert.ok(mask.every((v) => v === 0));
  assert.equal(clear.indices.length, 5 * 4);
  assert.equal(clearMask(mask, W, H), null);
});

test('toVolumeEdit addresses the same pixels in the volume along any axis', () => {
  const dims: [number, number, number] = [4, 5, 6];
  for (const axis of [0, 1, 2] as const) {
    const [w, h] = axis === 0 ? [5, 6] : axis === 1 ? [4, 6] : [4, 5];
    const mask = new Uint8Array(w * h);
    const stroke = new LayerStroke(mask, w, h, false, 1);
    stroke.to(1, 2);
    const labels = createLabelVolume(dims);
    applyEdit(labels, toVolumeEdit(stroke.finish()!, dims, axis, 2));
    assert.deepEqual([...layerMask(labels, axis, 2)], [...mask], `axis ${axis}`);
    assert.equal(
      labels.data.reduce((a, b) => a + b, 0),
      mask.reduce((a, b) => a + b, 0),
    );
  }
});

test("RegionLayers applies the host's edits, re-slices on an axis change, and round trips runs", () => {
  const dims: [number, number, number] = [4, 5, 6];
  const labels = createLabelVolume(dims);
  const mask = new Uint8Array(20);
  const stroke = new LayerStroke(mask, 4, 5, false, 1);
  stroke.to(2, 2);
  const edit = toVolumeEdit(stroke.finish()!, dims, 2, 3);
  applyEdit(labels, edit);
  const regions = new RegionLayers(dims, 2);
  assert.deepEqual([...regions.applyEdit(edit, 'redo')], [3]);
  assert.deepEqual([...regions.mask(3)!], [...mask]);
  regions.setViewAxis(0);
  assert.deepEqual([...regions.mask(2)!], [...layerMask(labels, 0, 2)]);
  regions.setViewAxis(2);
  const runs = regions.toRuns();
  const copy = new RegionLayers(dims, 2);
  copy.setRuns(runs);
  assert.deepEqual([...copy.mask(3)!], [...mask]);
  copy.applyEdit(edit, 'undo');
  assert.equal(copy.mask(3), undefined, 'an emptied layer is dropped');
});

test('radius steps stay within bounds', () => {
  assert.equal(stepRadius(6, 1), 7);
  assert.equal(stepRadius(20, -1), 17);
  assert.equal(stepRadius(1, -1), 1);
  assert.equal(stepRadius(100, 1), 100);
  assert.equal(clampRadius(Number.NaN), 6);
});
