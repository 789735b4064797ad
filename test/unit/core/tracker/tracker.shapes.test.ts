/**
 * Drawn prompts in the tracker (issue 20), on the parity bundle and vectors: a box reaches the
 * decoder as corners 2/3 (not as two clicks), a corner outside the layer is clamped, a scribble
 * equals its resampled points sent as clicks, shapes alone prompt a track, and ObjectTracks
 * adds, moves and removes shapes with re-conditioning as for clicks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObjectTracks } from '../../../../src/core/tracker/objectTracks';
import {
  alongPath,
  SCRIBBLE_POINTS,
  type PromptShape,
} from '../../../../src/core/tracker/promptShapes';
import { SamTracker } from '../../../../src/core/tracker/tracker';
import { caseLayers, loadVectors, withParityBundle } from '../../../fixtures/parityVectors';

const vectors = loadVectors();
const twoPrompts = vectors.cases.find((c) => c.name === 'two-prompts')!;

test('a box is sent as corners, clamped to the layer; a scribble as its resampled points', () =>
  withParityBundle(async (bundle) => {
    const layers = caseLayers(twoPrompts);
    const tracker = new SamTracker(bundle, layers);
    const { rows, cols } = layers;
    const box: PromptShape = { kind: 'box', from: { x: 10, y: 8 }, to: { x: 40, y: 30 } };
    const asBox = await tracker.previewLayer(2, [], [box]);
    const asClicks = await tracker.previewLayer(2, [
      { x: 10, y: 8, positive: true },
      { x: 40, y: 30, positive: true },
    ]);
    // The random-weight parity model finds no object here (masks all -1024), so the object
    // score, which every prompt token reaches, tells the prompts apart.
    assert.notEqual(asBox.score, asClicks.score, 'labels 2/3, not two positive clicks');
    const past: PromptShape = {
      kind: 'box',
      from: { x: 10, y: 8 },
      to: { x: cols + 50, y: rows + 9 },
    };
    const clamped: PromptShape = {
      kind: 'box',
      from: { x: 10, y: 8 },
      to: { x: cols - 1, y: rows - 1 },
    };
    const decoded = async (...args: Parameters<SamTracker['previewLayer']>) => {
      const frame = await tracker.previewLayer(...args);
      return [frame.score, frame.lowRes];
    };
    assert.deepEqual(await decoded(2, [], [past]), await decoded(2, [], [clamped]));
    const path = [
      { x: 5, y: 5 },
      { x: 30, y: 12 },
      { x: 50, y: 40 },
    ];
    const scribble = await tracker.previewLayer(
      2,
      [],
      [{ kind: 'scribble', path, positive: true }],
    );
    const points = alongPath(path, SCRIBBLE_POINTS).map((p) => ({ ...p, positive: true }));
    assert.deepEqual(scribble.lowRes, (await tracker.previewLayer(2, points)).lowRes);
    // Shapes alone prompt a track; a lasso sent as a mask input (the measured alternative)
    // prompts one with no point at all.
    const tracked = await tracker.track([{ layer: 2, points: [], shapes: [box] }]);
    assert.equal(tracked.frames.size, layers.count);
    const lasso: PromptShape = {
      kind: 'lasso',
      path: [path[0]!, path[1]!, path[2]!, { x: 5, y: 40 }],
    };
    const byMask = new SamTracker(bundle, layers, { shapeEncoding: 'mask', cache: tracker.cache });
    const masked = await byMask.previewLayer(2, [], [lasso]);
    assert.notEqual(masked.score, (await tracker.previewLayer(2, [], [lasso])).score);
  }));

test('ObjectTracks adds, moves and removes shapes; each change re-conditions the object', () =>
  withParityBundle(async (bundle) => {
    const store = new ObjectTracks(new SamTracker(bundle, caseLayers(twoPrompts)));
    const faz = store.add('faz', 'faz');
    const box: PromptShape = { kind: 'box', from: { x: 10, y: 8 }, to: { x: 40, y: 30 } };
    await store.addShape(faz.id, 3, box);
    await store.addPoint(faz.id, 5, { x: 20, y: 20, positive: true });
    assert.deepEqual(store.promptsOf(faz.id), [
      { layer: 3, points: [], shapes: [box] },
      { layer: 5, points: [{ x: 20, y: 20, positive: true }] },
    ]);
    await store.propagate(faz.id);
    assert.ok(faz.upToDate);
    const moved: PromptShape = { kind: 'box', from: { x: 12, y: 8 }, to: { x: 42, y: 30 } };
    await store.replaceShape(faz.id, 3, 0, moved);
    assert.equal(faz.upToDate, false);
    assert.deepEqual([...faz.frames.keys()], [3], 'stale layers dropped, the layer previewed');
    assert.deepEqual(store.promptsOf(faz.id)[0]!.shapes, [moved]);
    store.removeShape(faz.id, 3, 0);
    assert.deepEqual(
      store.promptsOf(faz.id).map((p) => p.layer),
      [5],
    );
    assert.throws(() => store.removeShape(faz.id, 3, 0), /no shape 0 on layer 3/);
  }));
