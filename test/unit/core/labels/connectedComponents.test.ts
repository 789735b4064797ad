import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  labelComponents,
  type Connectivity,
} from '../../../../src/core/labels/connectedComponents';
import { seededRandom } from '../../../fixtures/randomVolume';

/** Brute force: breadth-first search from each unlabelled pixel in raster order. */
function bruteForce(mask: Uint8Array, width: number, height: number, connectivity: Connectivity) {
  const labels = new Int32Array(width * height);
  const steps =
    connectivity === 4
      ? [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]
      : [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ];
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    labels[start] = ++count;
    const queue = [start];
    while (queue.length) {
      const p = queue.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      for (const [dx, dy] of steps) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = nx + width * ny;
        if (mask[q] && !labels[q]) {
          labels[q] = count;
          queue.push(q);
        }
      }
    }
  }
  return { labels, count };
}

test('labelComponents matches a brute-force search, 4 and 8 connectivity', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const random = seededRandom(seed);
    const width = 5 + Math.floor(random() * 40);
    const height = 1 + Math.floor(random() * 40);
    const density = 0.2 + 0.5 * random();
    const mask = Uint8Array.from({ length: width * height }, () => (random() < density ? 1 : 0));
    for (const connectivity of [4, 8] as const) {
      const got = labelComponents(mask, width, height, connectivity);
      const want = bruteForce(mask, width, height, connectivity);
      assert.equal(got.count, want.count, `seed ${seed}, ${connectivity}`);
      assert.deepEqual(got.labels, want.labels, `seed ${seed}, ${connectivity}`);
    }
  }
});

test('a diagonal staircase is one vessel with 8-connectivity, many with 4; 8 is the default', () => {
  const mask = new Uint8Array(25);
  for (let n = 0; n < 5; n++) mask[n + 5 * n] = 255;
  assert.equal(labelComponents(mask, 5, 5, 4).count, 5);
  assert.equal(labelComponents(mask, 5, 5, 8).count, 1);
  assert.equal(labelComponents(mask, 5, 5).count, 1);
});

test('a U shape joins in the second pass; a checkerboard is the worst case', () => {
  const u = ['1.1', '1.1', '111'].join('');
  const mask = Uint8Array.from(u, (c) => (c === '1' ? 1 : 0));
  const { labels, count } = labelComponents(mask, 3, 3, 4);
  assert.equal(count, 1);
  assert.deepEqual(Array.from(labels), [1, 0, 1, 1, 0, 1, 1, 1, 1]);
  const board = Uint8Array.from({ length: 49 }, (_, p) => (((p % 7) + Math.floor(p / 7)) % 2) ^ 1);
  assert.equal(labelComponents(board, 7, 7, 4).count, 25);
  assert.equal(labelComponents(board, 7, 7, 8).count, 1);
});

test('bad input gets clear errors', () => {
  assert.throws(() => labelComponents(new Uint8Array(5), 2, 2), /needs 4/);
  assert.throws(() => labelComponents(new Uint8Array(4), 2, 2, 6 as Connectivity), /4 or 8/);
});
