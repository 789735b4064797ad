import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doubtScores, reviewOrder } from '../../../../src/core/sparse/doubtScores';
import { dice } from '../../../../src/core/sparse/maskOverlap';
import { seededRandom } from '../../../fixtures/randomVolume';

const width = 12;
const height = 10;

/** A layer of probability `p` inside the box x0..x1 × y0..y1, `q` elsewhere. */
function box(x0: number, x1: number, y0: number, y1: number, p = 0.95, q = 0.02): Float32Array {
  const map = new Float32Array(width * height).fill(q);
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) map[x + width * y] = p;
  return map;
}

test('doubt = ½(1 − mean neighbour Dice) + ½ mean candidate uncertainty, brute force, radius 1 and 2', () => {
  const random = seededRandom(4);
  const maps = Array.from({ length: 6 }, () =>
    Float32Array.from({ length: width * height }, () => random()),
  );
  for (const radius of [1, 2]) {
    const { doubt, disagreement, uncertainty } = doubtScores(maps, width, height, { radius });
    const regions = maps.map((m) => Array.from(m, (v) => (v >= 0.5 ? 1 : 0)));
    for (let layer = 0; layer < maps.length; layer++) {
      const near = [layer - 2, layer - 1, layer + 1, layer + 2].filter(
        (n) => n >= 0 && n < maps.length && Math.abs(n - layer) <= radius,
      );
      const d = near.reduce((s, n) => s + 1 - dice(regions[layer], regions[n]), 0) / near.length;
      const candidates = Array.from(maps[layer]).filter((v) => v >= 0.25);
      const u = candidates.reduce((s, v) => s + 1 - Math.abs(2 * v - 1), 0) / candidates.length;
      assert.ok(Math.abs(disagreement[layer] - d) < 1e-6, `D ${layer}`);
      assert.ok(Math.abs(uncertainty[layer] - u) < 1e-6, `U ${layer}`);
      assert.ok(Math.abs(doubt[layer] - (d + u) / 2) < 1e-6, `doubt ${layer}`);
    }
  }
});

test('a layer that disagrees with its neighbours is reviewed first, a fuzzy one next', () => {
  const maps = [
    box(2, 8, 2, 7),
    box(2, 8, 2, 7),
    box(9, 11, 0, 2), // jumps away
    box(2, 8, 2, 7),
    box(2, 8, 2, 7, 0.6), // same place, undecided
    box(2, 8, 2, 7),
    box(2, 8, 2, 7),
  ];
  const { doubt } = doubtScores(maps, width, height);
  const order = reviewOrder(doubt);
  assert.equal(order[0], 2);
  assert.equal(order.indexOf(4) < order.indexOf(6), true);
  assert.ok(doubt[6] < 0.1, `steady layer ${doubt[6]}`);
});

test('layers without a prediction get NaN and are left out of the review', () => {
  const maps = [box(2, 8, 2, 7), null, box(2, 8, 2, 7), box(2, 8, 2, 7)];
  const { doubt, disagreement } = doubtScores(maps, width, height);
  assert.ok(Number.isNaN(doubt[1]));
  assert.equal(disagreement[0], 0); // its only neighbour has no prediction
  assert.deepEqual(reviewOrder(doubt).sort(), [0, 2, 3]);
});

test('empty predictions agree and are certain; faint speckle is not "uncertain"', () => {
  const maps = [box(0, 0, 0, 0, 0.1, 0.1), box(0, 0, 0, 0, 0.2, 0.1)];
  const { doubt } = doubtScores(maps, width, height);
  assert.deepEqual(Array.from(doubt), [0, 0]);
});

test('byte maps with scale 255 score as their probabilities', () => {
  const random = seededRandom(9);
  const maps = Array.from({ length: 4 }, () =>
    Uint8Array.from({ length: width * height }, () => Math.floor(random() * 256)),
  );
  const asBytes = doubtScores(maps, width, height, { scale: 255 });
  const asProb = doubtScores(
    maps.map((m) => Float32Array.from(m, (v) => v / 255)),
    width,
    height,
  );
  for (let layer = 0; layer < 4; layer++) {
    assert.ok(Math.abs(asBytes.doubt[layer] - asProb.doubt[layer]) < 1e-5);
  }
  assert.throws(() => doubtScores([new Float32Array(3)], width, height), /layer 0 has 3 pixels/);
  assert.throws(() => doubtScores([], width, height, { radius: 0 }), /radius/);
});
