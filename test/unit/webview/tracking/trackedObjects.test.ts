import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachInsideRun } from '../../../../src/core/labels/maskRuns';
import {
  addPoint,
  addShape,
  fromState,
  removePoint,
  replaceShape,
  toState,
  type MaskGeometry,
  type TrackedObject,
} from '../../../../src/webview/tracking/trackedObjects';

const DIMS: [number, number, number] = [5, 4, 3];

function object(masks: Map<number, Uint8Array>): TrackedObject {
  return {
    id: 2,
    name: 'Vessel A',
    kind: 'vessel',
    color: '#3fd16b',
    axis: 2,
    prompts: [{ layer: 1, points: [{ x: 2, y: 1, positive: true }] }],
    masks,
  };
}

describe('tracked object state', () => {
  it('writes masks in NIfTI order and reads them back along every depth axis', () => {
    // A voxel set (i, j, k) with i + j + k even, as per-layer masks along k.
    const inside = (i: number, j: number, k: number): boolean => (i + j + k) % 2 === 0 && k !== 1;
    const along = (axis: 0 | 1 | 2): MaskGeometry => ({ dims: DIMS, axis });
    const masksK = new Map<number, Uint8Array>();
    for (const k of [0, 2]) {
      const m = new Uint8Array(20);
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 5; i++) m[i + 5 * j] = inside(i, j, k) ? 1 : 0;
      masksK.set(k, m);
    }
    const state = toState(object(masksK), along(2));
    assert.equal(state.axis, 2);
    const runs = new Uint32Array(state.masks);
    let count = 0;
    forEachInsideRun(runs, 60, (a, b) => {
      for (let n = a; n < b; n++) {
        const i = n % 5;
        const j = Math.floor(n / 5) % 4;
        const k = Math.floor(n / 20);
        assert.ok(inside(i, j, k), `voxel ${i},${j},${k}`);
        count++;
      }
    });
    assert.equal(count, 20);

    const again = fromState(state, along(2));
    assert.deepEqual([...again.masks.keys()].sort(), [0, 2]);
    assert.deepEqual(again.masks.get(2), masksK.get(2));
    assert.deepEqual(again.prompts, state.prompts);

    // Along i, layer i is a (j across, k down) image of 4 x 3.
    const alongI = fromState(state, along(0));
    assert.equal(alongI.masks.get(1)?.length, 12);
    for (const [i, m] of alongI.masks) {
      for (let k = 0; k < 3; k++)
        for (let j = 0; j < 4; j++) assert.equal(m[j + 4 * k] === 1, inside(i, j, k));
    }
    assert.deepEqual(new Uint32Array(toState(alongI, along(0)).masks), runs);
  });

  it('keeps points per layer in click order', () => {
    let p = addPoint([], 3, { x: 1, y: 1, positive: true });
    p = addPoint(p, 1, { x: 2, y: 2, positive: false });
    p = addPoint(p, 3, { x: 4, y: 0, positive: false });
    assert.deepEqual(
      p.map((l) => [l.layer, l.points.map((q) => q.x)]),
      [
        [1, [2]],
        [3, [1, 4]],
      ],
    );
  });

  it('keeps drawn shapes per layer through edits and the host state (issue 20)', () => {
    const box = { kind: 'box', from: { x: 1, y: 1 }, to: { x: 3, y: 2 } } as const;
    const scribble = { kind: 'scribble', path: [{ x: 0, y: 0 }], positive: false } as const;
    let prompts = addShape([], 2, box);
    prompts = addShape(prompts, 2, scribble);
    prompts = addPoint(prompts, 0, { x: 4, y: 3, positive: true });
    assert.deepEqual(prompts, [
      { layer: 0, points: [{ x: 4, y: 3, positive: true }] },
      { layer: 2, points: [], shapes: [box, scribble] },
    ]);
    const moved = { kind: 'box', from: { x: 2, y: 1 }, to: { x: 4, y: 2 } } as const;
    const edited = replaceShape(prompts, 2, 0, moved);
    assert.deepEqual(edited[1]!.shapes, [moved, scribble]);
    assert.deepEqual(prompts[1]!.shapes, [box, scribble], 'the edit copies, the old state stays');
    const o = { ...object(new Map()), prompts: edited };
    const geo: MaskGeometry = { dims: DIMS, axis: 2 };
    assert.deepEqual(fromState(toState(o, geo), geo).prompts, edited);
    // The last shape of a layer without points takes the layer's entry with it.
    const gone = replaceShape(replaceShape(edited, 2, 0, null), 2, 0, null);
    assert.deepEqual(
      gone.map((p) => p.layer),
      [0],
    );
    assert.deepEqual(
      removePoint(edited, 0, edited[0]!.points[0]!).map((p) => p.layer),
      [2],
    );
  });
});
