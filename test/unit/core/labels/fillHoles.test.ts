import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillHoles } from '../../../../src/core/labels/fillHoles';

function grid(text: string): { mask: Uint8Array; width: number; height: number } {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim());
  const width = lines[0].length;
  const mask = Uint8Array.from(lines.join(''), (c) => (c === '#' ? 1 : 0));
  return { mask, width, height: lines.length };
}

function show(mask: Uint8Array, width: number): string {
  const rows: string[] = [];
  for (let p = 0; p < mask.length; p += width)
    rows.push([...mask.subarray(p, p + width)].map((v) => (v ? '#' : '.')).join(''));
  return rows.join('\n');
}

test('fillHoles fills enclosed background and keeps background that reaches the border', () => {
  const { mask, width, height } = grid(`
    ..........
    .#####....
    .#...#....
    .#.#.#..##
    .#####..#.
    ........##
  `);
  const want = grid(`
    ..........
    .#####....
    .#####....
    .#####..##
    .#####..#.
    ........##
  `);
  // The right-hand shape is open at the border column: its inside touches the border.
  assert.equal(show(fillHoles(mask, width, height), width), show(want.mask, width));
});

test('fillHoles: a diagonal gap does not let the outside in (4-connected background)', () => {
  const { mask, width, height } = grid(`
    .......
    ..###..
    .#...#.
    .#...#.
    ..###..
    .......
  `);
  const filled = fillHoles(mask, width, height);
  assert.equal(filled[3 * width + 3], 1);
  assert.equal(filled[0], 0);
});

test('fillHoles leaves a mask without holes unchanged and rejects a wrong size', () => {
  const width = 23;
  const height = 17;
  // Vertical stripes touching top and bottom: every background pixel reaches the border.
  const mask = Uint8Array.from({ length: width * height }, (_, p) =>
    (p % width) % 3 === 0 ? 1 : 0,
  );
  assert.deepEqual(fillHoles(mask, width, height), mask);
  assert.throws(() => fillHoles(mask, width + 1, height), /needs/);
});
