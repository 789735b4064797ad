import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eraseDisk, paintDisk, paintStroke } from '../../../../src/core/labels/brush';
import { createLabelVolume, type LabelVolume } from '../../../../src/core/labels/labelVolume';
import { layerPixelToVoxel, layerShape } from '../../../../src/core/volume/layers';
import type { Axis } from '../../../../src/core/volume/volume';
import { seededRandom } from '../../../fixtures/randomVolume';

const dims = [13, 11, 9] as const;

function at(labels: LabelVolume, axis: Axis, layer: number, x: number, y: number): number {
  const [i, j, k] = layerPixelToVoxel(axis, layer, x, y);
  return labels.data[i + dims[0] * (j + dims[1] * k)];
}

function randomLabels(seed: number): LabelVolume {
  const labels = createLabelVolume(dims);
  const random = seededRandom(seed);
  for (let v = 0; v < labels.data.length; v++) labels.data[v] = Math.floor(random() * 3);
  return labels;
}

test('paintDisk: exactly the pixels within the radius, on that layer only, any axis', () => {
  for (const axis of [0, 1, 2] as Axis[]) {
    for (const [cx, cy, r] of [
      [5, 4, 3],
      [0.4, 7.6, 2.5],
      [-2, 3, 4],
      [6, 6, 0],
    ]) {
      const labels = randomLabels(axis * 10 + r);
      const before = labels.data.slice();
      paintDisk(labels, axis, 3, cx, cy, r, 7);
      const { width, height } = layerShape(dims, axis);
      const rx = Math.round(cx);
      const ry = Math.round(cy);
      const reach = Math.max(r, 0.5) ** 2;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const inside = (x - rx) ** 2 + (y - ry) ** 2 <= reach;
          const [i, j, k] = layerPixelToVoxel(axis, 3, x, y);
          const v = i + dims[0] * (j + dims[1] * k);
          assert.equal(labels.data[v], inside ? 7 : before[v], `axis ${axis} (${x}, ${y})`);
        }
      }
      let changedElsewhere = 0;
      for (let v = 0; v < before.length; v++) {
        if (labels.data[v] !== before[v] && labels.data[v] !== 7) changedElsewhere++;
      }
      assert.equal(changedElsewhere, 0);
    }
  }
});

test('paintDisk: radius 0 paints one pixel; nothing changed gives null', () => {
  const labels = createLabelVolume(dims);
  const edit = paintDisk(labels, 2, 0, 4, 4, 0, 1);
  assert.equal(edit?.indices.length, 1);
  assert.equal(at(labels, 2, 0, 4, 4), 1);
  assert.equal(paintDisk(labels, 2, 0, 4, 4, 0, 1), null);
  assert.equal(paintDisk(labels, 2, 0, 100, 100, 2, 1), null);
});

test('only: painting over background spares other objects, erasing one label spares others', () => {
  const labels = randomLabels(3);
  const before = labels.data.slice();
  paintDisk(labels, 2, 2, 6, 5, 4, 5, { only: 0 });
  for (let v = 0; v < before.length; v++) {
    if (before[v] !== 0) assert.equal(labels.data[v], before[v]);
    else assert.ok(labels.data[v] === 0 || labels.data[v] === 5);
  }
  const mid = labels.data.slice();
  const edit = eraseDisk(labels, 2, 2, 6, 5, 4, 1);
  assert.equal(edit?.kind, 'erase');
  const { width, height } = layerShape(dims, 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = x + dims[0] * (y + dims[1] * 2);
      const inside = (x - 6) ** 2 + (y - 5) ** 2 <= 16;
      assert.equal(labels.data[v], inside && mid[v] === 1 ? 0 : mid[v], `(${x}, ${y})`);
    }
  }
  assert.ok(Array.from(edit?.before ?? []).every((old) => old === 1));
});

test('eraseDisk without a label clears everything under the brush', () => {
  const labels = randomLabels(4);
  eraseDisk(labels, 1, 5, 6, 4, 2);
  for (let y = 2; y <= 6; y++) {
    for (let x = 4; x <= 8; x++) {
      if ((x - 6) ** 2 + (y - 4) ** 2 <= 4) assert.equal(at(labels, 1, 5, x, y), 0);
    }
  }
});

test('paintStroke: the pixels within the radius of the segment, a gap-free line', () => {
  const labels = createLabelVolume(dims);
  paintStroke(labels, 2, 1, [1, 1], [11, 7], 0, 2);
  const { width, height } = layerShape(dims, 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Brute force: distance to the segment sampled finely.
      let best = Infinity;
      for (let s = 0; s <= 1000; s++) {
        const t = s / 1000;
        best = Math.min(best, Math.hypot(x - (1 + 10 * t), y - (1 + 6 * t)));
      }
      const value = at(labels, 2, 1, x, y);
      if (best <= 0.5 - 1e-3) assert.equal(value, 2, `(${x}, ${y})`);
      if (best > 0.5 + 1e-3) assert.equal(value, 0, `(${x}, ${y})`);
    }
  }
  // One pixel per column along a shallow line, none missing.
  for (let x = 1; x <= 11; x++) {
    let column = 0;
    for (let y = 0; y < height; y++) column += at(labels, 2, 1, x, y) === 2 ? 1 : 0;
    assert.ok(column >= 1, `column ${x}`);
  }
});

test('bad brush input gets clear errors', () => {
  const labels = createLabelVolume(dims);
  assert.throws(() => paintDisk(labels, 2, 0, 1, 1, -1, 1), /radius/);
  assert.throws(() => paintDisk(labels, 2, 0, NaN, 1, 1, 1), /finite/);
  assert.throws(() => paintDisk(labels, 2, 0, 1, 1, 1, 70000), /0\.\.65535/);
  assert.throws(() => paintDisk(labels, 2, 9, 1, 1, 1, 1), /outside 0\.\.8/);
});
