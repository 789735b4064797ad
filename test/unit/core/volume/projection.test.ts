import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerPixelToVoxel, layerShape } from '../../../../src/core/volume/layers';
import { projectRange, type ProjectionMode } from '../../../../src/core/volume/projection';
import type { Axis, Volume } from '../../../../src/core/volume/volume';
import { randomVolume, voxel } from '../../../fixtures/randomVolume';

/** Projection by definition: visit every voxel of the range for every pixel. */
function bruteForce(
  volume: Volume,
  axis: Axis,
  first: number,
  last: number,
  mode: ProjectionMode,
): number[] {
  const { width, height } = layerShape(volume.dims, axis);
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const values: number[] = [];
      for (let index = first; index <= last; index++)
        values.push(voxel(volume, ...layerPixelToVoxel(axis, index, x, y)));
      out.push(
        mode === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length,
      );
    }
  }
  return out;
}

function assertClose(actual: Float32Array, expected: number[], label: string): void {
  assert.equal(actual.length, expected.length, label);
  expected.forEach((e, idx) =>
    assert.ok(
      Math.abs(actual[idx] - e) <= 1e-5 * Math.max(1, Math.abs(e)),
      `${label} [${idx}]: ${actual[idx]} vs ${e}`,
    ),
  );
}

for (const type of ['uint8', 'int16', 'float32'] as const) {
  test(`mean and max match brute force on every axis and several ranges (${type})`, () => {
    const volume = randomVolume(
      [6, 5, 7],
      21,
      type,
      (r) => Math.round((r() - 0.4) * 300) / (type === 'float32' ? 7 : 1),
    );
    for (const axis of [0, 1, 2] as const) {
      const last = volume.dims[axis] - 1;
      for (const [from, to] of [
        [0, last],
        [1, 3],
        [2, 2],
        [last, 0],
      ]) {
        for (const mode of ['mean', 'max'] as const) {
          const expected = bruteForce(volume, axis, Math.min(from, to), Math.max(from, to), mode);
          assertClose(
            projectRange(volume, axis, from, to, mode),
            expected,
            `${type} axis ${axis} ${from}..${to} ${mode}`,
          );
        }
      }
    }
  });
}

test('ranges are clamped to the volume', () => {
  const volume = randomVolume([4, 4, 5], 5);
  for (const mode of ['mean', 'max'] as const) {
    assertClose(
      projectRange(volume, 2, -10, 100, mode),
      bruteForce(volume, 2, 0, 4, mode),
      `${mode} clamp`,
    );
    assertClose(
      projectRange(volume, 2, 7, 9, mode),
      bruteForce(volume, 2, 4, 4, mode),
      `${mode} past end`,
    );
    assertClose(
      projectRange(volume, 2, -Infinity, Infinity, mode),
      bruteForce(volume, 2, 0, 4, mode),
      `${mode} infinite`,
    );
  }
});

test('a mean over many large values keeps float32 precision', () => {
  const volume = randomVolume([2, 2, 640], 9, 'uint32', () => 4_000_000_001);
  const mean = projectRange(volume, 2, 0, 639, 'mean');
  assert.deepEqual(Array.from(mean), Array(4).fill(Math.fround(4_000_000_001)));
});
