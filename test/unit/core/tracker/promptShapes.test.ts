/**
 * Drawn prompts (issue 20): how a scribble, a box and a lasso become model points, and the
 * sidecar that saves them (version 2) while still reading version 1 files.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alongPath,
  insidePolygon,
  labelledPoints,
  movedShape,
  polygonContains,
  POINT_LABEL,
  rasterizePolygon,
  SCRIBBLE_POINTS,
  shapeMask,
  shapePoints,
  type PromptShape,
} from '../../../../src/core/tracker/promptShapes';
import {
  parseSegmentationSidecar,
  segmentationSidecar,
  SIDECAR_VERSION,
} from '../../../../src/core/tracker/segmentationSidecar';

test('a scribble becomes points evenly spaced by length, ends included', () => {
  // An L: 30 px right then 10 px down, with a lingering cluster of vertices near the start.
  const path = [
    { x: 0, y: 0 },
    { x: 0.1, y: 0 },
    { x: 0.2, y: 0 },
    { x: 30, y: 0 },
    { x: 30, y: 10 },
  ];
  const points = alongPath(path, 5);
  assert.deepEqual(
    points.map((p) => [+p.x.toFixed(6), +p.y.toFixed(6)]),
    [
      [0, 0],
      [10, 0],
      [20, 0],
      [30, 0],
      [30, 10],
    ],
  );
  const scribble: PromptShape = { kind: 'scribble', path, positive: false };
  const model = shapePoints(scribble);
  assert.equal(model.length, SCRIBBLE_POINTS);
  assert.ok(model.every((p) => p.label === POINT_LABEL.negative));
  assert.deepEqual(alongPath([{ x: 3, y: 4 }], 8), [{ x: 3, y: 4 }], 'a dot is one point');
});

test('a box becomes its top-left (label 2) and bottom-right (label 3) corners', () => {
  const box: PromptShape = { kind: 'box', from: { x: 40, y: 5 }, to: { x: 10, y: 25 } };
  assert.deepEqual(shapePoints(box), [
    { x: 10, y: 5, label: 2 },
    { x: 40, y: 25, label: 3 },
  ]);
  const all = labelledPoints([{ x: 1, y: 2, positive: true }], [box]);
  assert.deepEqual(
    all.map((p) => p.label),
    [1, 2, 3],
    'clicks first, then the shapes',
  );
  assert.deepEqual(movedShape(box, 2, -1), {
    kind: 'box',
    from: { x: 42, y: 4 },
    to: { x: 12, y: 24 },
  });
});

test('a lasso becomes spread points inside it, also when it is concave', () => {
  // A U shape: the vertex centroid lies in the notch, outside the polygon.
  const u = [
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 30 },
    { x: 20, y: 30 },
    { x: 20, y: 0 },
    { x: 30, y: 0 },
    { x: 30, y: 40 },
    { x: 0, y: 40 },
  ];
  assert.equal(polygonContains(u, 15, 10), false);
  const inside = insidePolygon(u, 5);
  assert.equal(inside.length, 5);
  assert.ok(inside.every((p) => polygonContains(u, p.x, p.y)));
  const lasso = shapePoints({ kind: 'lasso', path: u });
  assert.ok(lasso.every((p) => p.label === POINT_LABEL.positive));
  const mask = rasterizePolygon(u, 50, 50);
  assert.equal(mask[10 * 50 + 15], 0, 'the notch is outside');
  assert.equal(mask[35 * 50 + 15], 1);
});

test('the mask alternative: a stroke drawn a few pixels wide, a negative scribble left out', () => {
  const mask = shapeMask(
    [
      {
        kind: 'scribble',
        path: [
          { x: 5, y: 10 },
          { x: 25, y: 10 },
        ],
        positive: true,
      },
      {
        kind: 'scribble',
        path: [
          { x: 5, y: 30 },
          { x: 25, y: 30 },
        ],
        positive: false,
      },
    ],
    40,
    40,
  )!;
  assert.equal(mask[10 * 40 + 15], 1);
  assert.equal(mask[12 * 40 + 15], 1);
  assert.equal(mask[14 * 40 + 15], 0);
  assert.equal(mask[30 * 40 + 15], 0);
  assert.equal(
    shapeMask([{ kind: 'box', from: { x: 0, y: 0 }, to: { x: 5, y: 5 } }], 9, 9),
    undefined,
  );
});

const v1 = JSON.stringify({
  format: 'samocta2-segmentation',
  format_version: 1,
  volume: 'scan.nii.gz',
  model: 'samocta2-nano',
  axis: 2,
  objects: [
    {
      id: 1,
      name: 'vessel',
      kind: 'vessel',
      prompts: [{ layer: 3, points: [{ x: 4, y: 5, positive: true }] }],
    },
  ],
});

test('a version 1 sidecar (clicks only, saved before shapes) still reads, as version 2', () => {
  const read = parseSegmentationSidecar(v1, 'old.seg.json');
  assert.equal(read.format_version, SIDECAR_VERSION);
  assert.deepEqual(read.objects[0].prompts, [
    { layer: 3, points: [{ x: 4, y: 5, positive: true }] },
  ]);
});

test('shapes are saved and read back; a bad shape is refused with where it is', () => {
  const shapes: PromptShape[] = [
    {
      kind: 'scribble',
      path: [
        { x: 1, y: 1 },
        { x: 9, y: 4 },
      ],
      positive: true,
    },
    { kind: 'box', from: { x: 2, y: 3 }, to: { x: 20, y: 30 } },
    {
      kind: 'lasso',
      path: [
        { x: 0, y: 0 },
        { x: 9, y: 0 },
        { x: 4, y: 8 },
      ],
    },
  ];
  const saved = segmentationSidecar({
    volume: 'scan.nii.gz',
    model: null,
    axis: 2,
    objects: [{ id: 2, name: 'faz', kind: 'faz', prompts: [{ layer: 7, points: [], shapes }] }],
  });
  const text = JSON.stringify(saved);
  assert.equal(saved.format_version, 2);
  assert.deepEqual(parseSegmentationSidecar(text, 'a.seg.json'), saved);
  const broken = text.replace('"kind":"lasso"', '"kind":"circle"');
  assert.throws(
    () => parseSegmentationSidecar(broken, 'b.seg.json'),
    /b\.seg\.json: object 2, layer 7: unknown shape kind "circle".*version 1 or 2/,
  );
  const shortLasso = JSON.stringify({
    ...saved,
    objects: [
      {
        ...saved.objects[0],
        prompts: [{ layer: 7, points: [], shapes: [{ kind: 'lasso', path: [{ x: 0, y: 0 }] }] }],
      },
    ],
  });
  assert.throws(() => parseSegmentationSidecar(shortLasso, 'c.json'), /at least 3/);
  assert.throws(
    () =>
      parseSegmentationSidecar(v1.replace('"format_version":1', '"format_version":3'), 'd.json'),
    /format_version is 3/,
  );
});
