import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cropAndDownsample } from '../../../../src/core/mesh/maskBlocks';
import { surfaceNets, type Dims3, type TriangleMesh } from '../../../../src/core/mesh/surfaceNets';

function ball(dims: Dims3, centre: Dims3, r: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++)
        if (Math.hypot(x - centre[0], y - centre[1], z - centre[2]) <= r)
          m[x + nx * (y + ny * z)] = 1;
  return m;
}

/** Every undirected edge is used by exactly two triangles, once in each direction. */
function assertClosedAndOriented(mesh: TriangleMesh): void {
  const directed = new Map<string, number>();
  const { indices } = mesh;
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = indices[t + e];
      const b = indices[t + ((e + 1) % 3)];
      const key = `${a},${b}`;
      directed.set(key, (directed.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of directed) {
    assert.equal(n, 1, `directed edge ${key} used ${n} times`);
    const [a, b] = key.split(',');
    assert.equal(directed.get(`${b},${a}`), 1, `edge ${key} has no opposite`);
  }
}

/** Signed volume by the divergence theorem: > 0 when the normals point outwards. */
function signedVolume(mesh: TriangleMesh): number {
  const p = mesh.positions;
  let v = 0;
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const [a, b, c] = [0, 1, 2].map((k) => 3 * mesh.indices[t + k]);
    v +=
      p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) -
      p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) +
      p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c]);
  }
  return v / 6;
}

describe('surfaceNets', () => {
  it('gives no triangles for an empty mask', () => {
    const mesh = surfaceNets(new Uint8Array(27), [3, 3, 3]);
    assert.equal(mesh.indices.length, 0);
    assert.equal(mesh.positions.length, 0);
  });

  it('wraps a single voxel in a closed, outward surface around it', () => {
    const m = new Uint8Array(27);
    m[13] = 1;
    const mesh = surfaceNets(m, [3, 3, 3]);
    assert.equal(mesh.indices.length / 3, 12, 'six faces, two triangles each');
    assertClosedAndOriented(mesh);
    assert.ok(signedVolume(mesh) > 0);
    for (let i = 0; i < mesh.positions.length; i++) {
      assert.ok(Math.abs(mesh.positions[i] - 1) <= 0.5 + 1e-6, 'vertices hug voxel (1,1,1)');
    }
  });

  it('closes a ball and encloses about its volume', () => {
    const dims: Dims3 = [24, 20, 22];
    const r = 7;
    const mesh = surfaceNets(ball(dims, [11, 9, 10], r), dims);
    assertClosedAndOriented(mesh);
    const v = signedVolume(mesh);
    const exact = (4 / 3) * Math.PI * r ** 3;
    assert.ok(Math.abs(v - exact) / exact < 0.15, `volume ${v.toFixed(0)} vs ${exact.toFixed(0)}`);
  });

  it('closes an object that touches the volume border', () => {
    const dims: Dims3 = [5, 4, 3];
    const m = new Uint8Array(60).fill(1);
    m[7] = 0;
    const mesh = surfaceNets(m, dims);
    assertClosedAndOriented(mesh);
    assert.ok(signedVolume(mesh) > 0);
  });

  it('rejects a mask of the wrong size', () => {
    assert.throws(() => surfaceNets(new Uint8Array(5), [2, 2, 2]), /holds 5 voxels/);
  });
});

describe('cropAndDownsample', () => {
  it('crops to the inside box and keeps thin structures when downsampling', () => {
    const dims: Dims3 = [40, 30, 20];
    const m = new Uint8Array(40 * 30 * 20);
    for (let x = 5; x < 35; x++) m[x + 40 * (12 + 30 * 7)] = 1; // a one-voxel line
    const full = cropAndDownsample(m, dims, 1e6);
    assert.deepEqual(full?.dims, [30, 1, 1]);
    assert.deepEqual(full?.origin, [5, 12, 7]);
    assert.equal(full?.factor, 1);
    const small = cropAndDownsample(m, dims, 10);
    assert.ok(small && small.factor === 3);
    assert.deepEqual(small.dims, [10, 1, 1]);
    assert.ok(
      small.mask.every((v) => v === 1),
      'every block of the line stays inside',
    );
    assert.equal(cropAndDownsample(new Uint8Array(8), [2, 2, 2], 10), null);
  });
});
