/**
 * The classical baseline's TypeScript port (src/core/tracker/eval/classicalBaseline.ts): its
 * rules on hand-made frames, and the trainer's own answers (test/fixtures/classical/vectors.json,
 * written by test/fixtures/classicalVectors.py from trainer/samocta2/classical.py; the trainer's
 * tests check the file is still what it computes) reproduced on noisy synthetic frames.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  classicalMasks,
  nearestPrompted,
  type ClassicalPrompt,
  type ClassicalTarget,
} from '../../../../../src/core/tracker/eval/classicalBaseline';
import { diceJaccard } from '../../../../../src/core/tracker/eval/layerSequenceEval';
import type { SampledPoint } from '../../../../../src/core/tracker/eval/promptSampling';
import { ROOT } from '../../../../fixtures/parityVectors';
import { unitLayers, unpackedMasks } from '../../../../fixtures/trainerVectors';

const N = 40;

function disc(cy: number, cx: number, r: number): Uint8Array {
  return Uint8Array.from({ length: N * N }, (_, p) =>
    (Math.floor(p / N) - cy) ** 2 + ((p % N) - cx) ** 2 <= r * r ? 1 : 0,
  );
}

function frameOf(mask: Uint8Array, inside: number, outside: number): Float32Array {
  return Float32Array.from(mask, (v) => (v ? inside : outside));
}

function masks(
  frames: Float32Array[],
  prompts: ClassicalPrompt[],
  target: ClassicalTarget,
): Uint8Array[] {
  return classicalMasks(frames, N, N, prompts, target);
}

const dice = (a: Uint8Array, b: Uint8Array): number => diceJaccard(a, b)[0];

test('FAZ: the dark disc holding the positive point; vessels: only the clicked bright component', () => {
  const faz = disc(20, 20, 8);
  const [got] = masks(
    [frameOf(faz, 0.1, 0.7)],
    [
      {
        position: 0,
        points: [
          [20, 20, 1],
          [20, 3, 0],
        ],
      },
    ],
    'faz',
  );
  assert.ok(dice(got, faz) > 0.95, `Dice ${dice(got, faz)}`);

  const frame = new Float32Array(N * N).fill(0.1);
  frame.fill(0.9, 8 * N, 12 * N); // rows 8-11: the clicked vessel
  frame.fill(0.9, 30 * N, 34 * N); // rows 30-33: another vessel
  const [vessel] = masks(
    [frame],
    [
      {
        position: 0,
        points: [
          [15, 10, 1],
          [15, 20, 0],
        ],
      },
    ],
    'rv',
  );
  for (let p = 8 * N; p < 12 * N; p++) assert.equal(vessel[p], 1);
  assert.equal(vessel.subarray(26 * N).some(Boolean), false);
});

test("the side is the target's: a bright disc clicked as FAZ gives nothing, as vessel the disc", () => {
  const bright = disc(20, 20, 8);
  const prompt: ClassicalPrompt[] = [
    {
      position: 0,
      points: [
        [20, 20, 1],
        [20, 3, 0],
      ],
    },
  ];
  const frame = frameOf(bright, 0.9, 0.1);
  assert.equal(masks([frame], prompt, 'faz')[0].some(Boolean), false);
  assert.ok(dice(masks([frame], prompt, 'rv')[0], bright) > 0.95);
});

test('without negative points the median stands in; holes are filled', () => {
  const inner = disc(20, 20, 6);
  const ring = disc(20, 20, 13);
  // Disc 0.8, ring 0.6, background 0.2 (the median): threshold 0.5 takes the ring too;
  // a negative point on the ring (0.6) moves it to 0.7: the disc alone.
  const frame = Float32Array.from(inner, (v, p) => (v ? 0.8 : ring[p] ? 0.6 : 0.2));
  const alone = masks([frame], [{ position: 0, points: [[20, 20, 1]] }], 'rv')[0];
  assert.ok(alone.reduce((s, v) => s + v, 0) > disc(20, 20, 11).reduce((s, v) => s + v, 0));
  const withNegative = masks(
    [frame],
    [
      {
        position: 0,
        points: [
          [20, 20, 1],
          [20, 10, 0],
        ],
      },
    ],
    'rv',
  )[0];
  assert.ok(dice(withNegative, inner) > 0.9);

  const holed = frameOf(disc(20, 20, 12), 0.1, 0.7);
  disc(20, 20, 3).forEach((v, p) => v && (holed[p] = 0.7));
  const filled = masks(
    [holed],
    [
      {
        position: 0,
        points: [
          [20, 12, 1],
          [20, 2, 0],
        ],
      },
    ],
    'faz',
  )[0];
  assert.equal(filled[20 * N + 20], 1);
});

test('nearest prompted frame, ties to the earlier; no prompts: empty; bad target: an error', () => {
  assert.equal(nearestPrompted(2, [1, 3]), 1);
  assert.equal(nearestPrompted(0, [1, 3]), 1);
  assert.equal(nearestPrompted(3, [0, 4]), 4);
  // Frame 1 lies between prompted frames 0 and 2: frame 0's points find the disc there,
  // frame 2's (on the background) would not.
  const frames = [0, 1, 2].map(() => frameOf(disc(20, 20, 7), 0.1, 0.7));
  const got = masks(
    frames,
    [
      {
        position: 2,
        points: [
          [33, 33, 1],
          [38, 38, 0],
        ],
      },
      {
        position: 0,
        points: [
          [20, 20, 1],
          [2, 2, 0],
        ],
      },
    ],
    'faz',
  );
  assert.ok(dice(got[1], disc(20, 20, 7)) > 0.95);
  assert.ok(dice(got[2], disc(20, 20, 7)) < 0.5);
  assert.equal(
    masks(frames, [], 'faz')
      .flatMap((m) => [...m])
      .some(Boolean),
    false,
  );
  assert.throws(() => masks(frames, [], 'vessels' as ClassicalTarget), /rv or faz/);
});

interface VectorCase {
  name: string;
  target: ClassicalTarget;
  shape: [number, number, number];
  frames_u8: string;
  prompts: { position: number; points: SampledPoint[] }[];
  masks_bits: string;
  mask_areas: number[];
}

test("the trainer's classical masks, reproduced (test/fixtures/classical/vectors.json)", () => {
  const file = join(ROOT, 'test/fixtures/classical/vectors.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: VectorCase[] };
  assert.equal(cases.length, 4);
  for (const c of cases) {
    const [t, rows, cols] = c.shape;
    const plane = rows * cols;
    const frames = unitLayers(c.frames_u8, t, plane);
    const wanted = unpackedMasks(c.masks_bits, t, plane);
    const got = classicalMasks(frames, rows, cols, c.prompts, c.target);
    got.forEach((mask, k) => {
      const want = wanted[k];
      assert.equal(
        want.reduce((s, v) => s + v, 0),
        c.mask_areas[k],
      );
      let differ = 0;
      for (let p = 0; p < plane; p++) differ += mask[p] !== want[p] ? 1 : 0;
      // Both round the same float32 smoothing to the same threshold: identical but for a tie.
      assert.ok(differ <= 2, `${c.name} frame ${k}: ${differ} pixels differ`);
      assert.ok(c.mask_areas[k] > 50, `${c.name} frame ${k}: a trivial mask`);
    });
  }
});
