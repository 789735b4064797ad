import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferGeometry, Group, Mesh } from 'three';
import { ObjectSurfaces } from '../../../../src/webview/tracking/objectSurfaces';
import type { TrackedObject } from '../../../../src/webview/tracking/trackedObjects';

/** One inside voxel at layer pixel (x, y) of `layer`, layers along `axis`. */
function oneVoxel(
  axis: 0 | 1 | 2,
  layer: number,
  x: number,
  y: number,
  cols: number,
  rows: number,
): TrackedObject {
  const mask = new Uint8Array(cols * rows);
  mask[x + cols * y] = 1;
  return {
    id: 1,
    name: 'o',
    kind: 'vessel',
    color: '#ff0000',
    axis,
    prompts: [],
    masks: new Map([[layer, mask]]),
  };
}

function centre(root: Group): number[] {
  const mesh = root.children.find((c) => c instanceof Group)?.children[0] as Mesh;
  const p = (mesh.geometry as BufferGeometry).getAttribute('position');
  const c = [0, 0, 0];
  for (let v = 0; v < p.count; v++) for (let a = 0; a < 3; a++) c[a]! += p.getComponent(v, a);
  return c.map((s) => s / p.count);
}

describe('ObjectSurfaces', () => {
  it('places a voxel at its centre in the unit box, for every depth axis', () => {
    const dims: [number, number, number] = [8, 6, 10];
    // (i, j, k) = (5, 2, 7): along k, layer 7 pixel (5, 2); along j, layer 2 pixel (5, 7);
    // along i, layer 5 pixel (j = 2, k = 7).
    const cases = [
      { axis: 2, layer: 7, x: 5, y: 2, cols: 8, rows: 6 },
      { axis: 1, layer: 2, x: 5, y: 7, cols: 8, rows: 10 },
      { axis: 0, layer: 5, x: 2, y: 7, cols: 6, rows: 10 },
    ] as const;
    const expected = [5, 2, 7].map((v, a) => (v + 0.5) / dims[a]! - 0.5);
    for (const c of cases) {
      const root = new Group();
      const surfaces = new ObjectSurfaces(root);
      surfaces.rebuild([oneVoxel(c.axis, c.layer, c.x, c.y, c.cols, c.rows)], {
        dims,
        axis: c.axis,
      });
      assert.deepEqual(surfaces.stats, { surfaces: 1, triangles: 12 });
      centre(root).forEach((v, a) =>
        assert.ok(Math.abs(v - expected[a]!) < 1e-6, `axis ${c.axis}: ${v} vs ${expected[a]}`),
      );
      surfaces.rebuild([], { dims, axis: c.axis });
      assert.equal(surfaces.stats.surfaces, 0);
    }
  });
});
