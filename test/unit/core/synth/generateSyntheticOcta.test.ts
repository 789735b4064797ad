import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  generateSyntheticOcta,
  type SynthResult,
} from '../../../../src/core/synth/generateSyntheticOcta';
import { resolveSynthOptions, SynthOptionsError } from '../../../../src/core/synth/synthOptions';
import { innermostPixel } from '../../../../src/core/synth/vesselPoints';

const SMALL: [number, number, number] = [64, 64, 48];
const MEDIUM: [number, number, number] = [128, 128, 192];

/** Generated once and shared: the label checks below all read the same volume. */
let medium: SynthResult | undefined;
function mediumVolume(): SynthResult {
  medium ??= generateSyntheticOcta({ seed: 7, size: MEDIUM });
  return medium;
}

/** Labels of the connected components of a 2D mask (4- or 8-connected). */
function components(mask: ArrayLike<number>, nx: number, ny: number, eight: boolean): Int32Array {
  const label = new Int32Array(nx * ny);
  const steps = eight
    ? [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
        [1, 1],
        [1, -1],
        [-1, 1],
        [-1, -1],
      ]
    : [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ];
  let next = 0;
  for (let start = 0; start < nx * ny; start++) {
    if (!mask[start] || label[start]) continue;
    label[start] = ++next;
    const stack = [start];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      const i = at % nx;
      const j = (at - i) / nx;
      for (const [di, dj] of steps) {
        const ii = i + di;
        const jj = j + dj;
        const n = ii + nx * jj;
        if (ii >= 0 && jj >= 0 && ii < nx && jj < ny && mask[n] && !label[n]) {
          label[n] = next;
          stack.push(n);
        }
      }
    }
  }
  return label;
}

test('same seed and size give identical bytes; another seed gives another volume', () => {
  const a = generateSyntheticOcta({ seed: 3, size: SMALL });
  const b = generateSyntheticOcta({ seed: 3, size: SMALL });
  const c = generateSyntheticOcta({ seed: 4, size: SMALL });
  assert.deepEqual(a.volume.data, b.volume.data);
  assert.deepEqual(a.vesselInstances.data, b.vesselInstances.data);
  assert.deepEqual(a.faz3d.data, b.faz3d.data);
  assert.deepEqual(a.meta, b.meta);
  assert.notDeepEqual(a.volume.data, c.volume.data);
  assert.notDeepEqual(a.vesselInstances.data, c.vesselInstances.data);
});

test('volumes and labels have the asked size, types and OCTA-500 3M spacing', () => {
  const r = generateSyntheticOcta({ seed: 1, size: SMALL });
  assert.deepEqual([...r.volume.dims], SMALL);
  assert.equal(r.volume.type, 'uint8');
  assert.equal(r.vesselInstances.type, 'uint16');
  assert.equal(r.faz3d.type, 'uint8');
  assert.deepEqual([...r.enfaceRv.dims], [64, 64, 1]);
  assert.deepEqual([...r.enfaceFaz.dims], [64, 64, 1]);
  assert.deepEqual([...r.volume.spacingMm], [3 / 64, 3 / 64, 2 / 48]);
  assert.deepEqual(resolveSynthOptions({ seed: 0 }).spacingMm, [3 / 304, 3 / 304, 2 / 640]);
});

test('vessel voxels are brighter than the tissue around them at the same depths', () => {
  const { volume, vesselInstances, meta } = mediumVolume();
  const [nx, ny] = volume.dims;
  const [k0, k1] = [Math.floor(meta.retina.ilmRangeK[0]), Math.ceil(meta.retina.atFoveaK.opl)];
  let vesselSum = 0;
  let vesselCount = 0;
  let otherSum = 0;
  let otherCount = 0;
  for (let index = nx * ny * k0; index < nx * ny * (k1 + 1); index++) {
    if (vesselInstances.data[index] !== 0) {
      vesselSum += volume.data[index];
      vesselCount++;
    } else {
      otherSum += volume.data[index];
      otherCount++;
    }
  }
  assert.ok(vesselCount > 1000, `vessel voxels: ${vesselCount}`);
  const ratio = vesselSum / vesselCount / (otherSum / otherCount);
  assert.ok(ratio > 2.5, `vessel/background brightness ratio ${ratio.toFixed(2)}`);
});

test('the FAZ holds no vessel voxels and is dark where capillaries lie elsewhere', () => {
  const { volume, vesselInstances, faz3d, meta } = mediumVolume();
  const [nx, ny] = volume.dims;
  let fazVoxels = 0;
  let fazSum = 0;
  for (let index = 0; index < faz3d.data.length; index++) {
    if (!faz3d.data[index]) continue;
    fazVoxels++;
    fazSum += volume.data[index];
    assert.equal(vesselInstances.data[index], 0, `vessel voxel inside the FAZ at ${index}`);
  }
  assert.ok(fazVoxels > 0 && meta.faz.layers !== null);
  // A ring just outside the FAZ over the same layers holds the capillaries the FAZ lacks.
  const [ci, cj] = meta.faz.centreVoxel;
  const r = meta.faz.meanRadiusVoxels;
  let ringSum = 0;
  let ringCount = 0;
  for (let k = meta.faz.layers[0]; k <= meta.faz.layers[1]; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const d = Math.hypot(i - ci, j - cj);
        const index = i + nx * (j + ny * k);
        if (d > 1.6 * r && d < 2.2 * r && faz3d.data[index] === 0) {
          ringSum += volume.data[index];
          ringCount++;
        }
      }
    }
  }
  const contrast = ringSum / ringCount / (fazSum / fazVoxels);
  assert.ok(contrast > 1.3, `ring/FAZ brightness ratio ${contrast.toFixed(2)}`);
});

test('en-face RV is the projection of the 3D instances; en-face FAZ the FAZ footprint', () => {
  const { vesselInstances, faz3d, enfaceRv, enfaceFaz, volume } = mediumVolume();
  const [nx, ny, nz] = volume.dims;
  for (let col = 0; col < nx * ny; col++) {
    let vessel = 0;
    let faz = 0;
    for (let k = 0; k < nz; k++) {
      if (vesselInstances.data[col + nx * ny * k]) vessel = 1;
      if (faz3d.data[col + nx * ny * k]) faz = 1;
    }
    assert.equal(enfaceRv.data[col], vessel, `RV at column ${col}`);
    assert.equal(enfaceFaz.data[col], faz, `FAZ at column ${col}`);
  }
});

test('each vessel id is exactly one connected component of the en-face RV', () => {
  for (const size of [MEDIUM, SMALL]) {
    const r = size === MEDIUM ? mediumVolume() : generateSyntheticOcta({ seed: 11, size });
    const [nx, ny, nz] = r.volume.dims;
    const footprint = new Uint16Array(nx * ny);
    for (let k = 0; k < nz; k++) {
      for (let col = 0; col < nx * ny; col++) {
        const id = r.vesselInstances.data[col + nx * ny * k];
        if (id) footprint[col] = id;
      }
    }
    const ids = new Set(footprint);
    ids.delete(0);
    assert.equal(ids.size, r.meta.vesselCount);
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: ids.size }, (_, n) => n + 1),
    );
    assert.ok(r.meta.vesselCount >= 4, `vessels: ${r.meta.vesselCount}`);
    for (const eight of [false, true]) {
      const cc = components(r.enfaceRv.data, nx, ny, eight);
      const idOfComponent = new Map<number, number>();
      const componentOfId = new Map<number, number>();
      for (let col = 0; col < nx * ny; col++) {
        if (!cc[col]) continue;
        const id = footprint[col];
        assert.equal(idOfComponent.get(cc[col]) ?? id, id, `component ${cc[col]} holds two ids`);
        assert.equal(
          componentOfId.get(id) ?? cc[col],
          cc[col],
          `id ${id} is split (eight=${eight})`,
        );
        idOfComponent.set(cc[col], id);
        componentOfId.set(id, cc[col]);
      }
    }
  }
});

test('meta gives each vessel its layers and a point inside it', () => {
  const { vesselInstances, volume, meta } = mediumVolume();
  const [nx, ny] = volume.dims;
  assert.equal(meta.vessels.length, meta.vesselCount);
  for (const v of meta.vessels) {
    const [i, j, k] = v.point;
    assert.equal(vesselInstances.data[i + nx * (j + ny * k)], v.id, `point of vessel ${v.id}`);
    assert.ok(v.layers[0] <= v.bestLayer && v.bestLayer <= v.layers[1]);
    assert.ok(v.enfacePixels > 0 && v.voxels >= v.enfacePixels);
  }
  const v = meta.vessels[0];
  assert.equal(innermostPixel(vesselInstances.data as Uint16Array, volume.dims, v.id, 0), null);
});

test('a window of layers holds those layers of the whole volume, placed at their depth', () => {
  const whole = mediumVolume();
  const [first, last] = [70, 109];
  const part = generateSyntheticOcta({ seed: 7, size: MEDIUM, layers: [first, last] });
  const nxy = MEDIUM[0] * MEDIUM[1];
  const slice = (v: SynthResult['volume']) => v.data.slice(first * nxy, (last + 1) * nxy);
  assert.deepEqual([...part.volume.dims], [MEDIUM[0], MEDIUM[1], last - first + 1]);
  assert.deepEqual(part.volume.data, slice(whole.volume));
  assert.deepEqual(part.vesselInstances.data, slice(whole.vesselInstances));
  assert.deepEqual(part.faz3d.data, slice(whole.faz3d));
  assert.deepEqual(part.enfaceRv.data, whole.enfaceRv.data);
  const dz = part.volume.spacingMm[2];
  assert.equal(part.volume.affine[11], first * dz);
  assert.equal(part.enfaceRv.affine[11], 0);

  // Every depth in the meta is of the window.
  const { meta } = part;
  assert.deepEqual(meta.keptLayers, [first, last]);
  assert.deepEqual(whole.meta.keptLayers, [0, MEDIUM[2] - 1]);
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-3;
  assert.ok(near(meta.retina.atFoveaK.ilm, whole.meta.retina.atFoveaK.ilm - first));
  assert.ok(near(meta.retina.bmRangeK[1], whole.meta.retina.bmRangeK[1] - first));
  assert.ok(whole.meta.faz.layers && meta.faz.layers);
  assert.deepEqual(meta.faz.layers, [
    Math.max(whole.meta.faz.layers[0], first) - first,
    Math.min(whole.meta.faz.layers[1], last) - first,
  ]);
  assert.ok(meta.vessels.length > 0);
  for (const v of meta.vessels) {
    const w = whole.meta.vessels.find((x) => x.id === v.id);
    assert.ok(w, `vessel ${v.id} is in the whole volume`);
    assert.deepEqual(v.layers, [
      Math.max(w.layers[0], first) - first,
      Math.min(w.layers[1], last) - first,
    ]);
    const [i, j, k] = v.point;
    assert.equal(part.vesselInstances.data[i + MEDIUM[0] * (j + MEDIUM[1] * k)], v.id);
  }
});

test('bad options are refused with what is supported', () => {
  const bad: [object, RegExp][] = [
    [{ seed: 1.5 }, /Seed must be an integer/],
    [{ seed: 1, size: [4, 64, 64] }, /between 8 and 2048/],
    [{ seed: 1, size: [64, 64, 4096] }, /between 8 and 2048/],
    [{ seed: 1, size: [2048, 2048, 64] }, /at most 134217728/],
    [{ seed: 1, size: [64.5, 64, 64] }, /whole numbers/],
    [{ seed: 1, slab: [0.6, 0.4] }, /Slab must be two depth fractions/],
    [{ seed: 1, size: [32, 32, 24], layers: [5, 24] }, /0 ≤ FIRST ≤ LAST < 24/],
    [{ seed: 1, size: [32, 32, 24], layers: [9, 4] }, /0 ≤ FIRST ≤ LAST < 24/],
    [{ seed: 1, size: [32, 32, 24], layers: [1.5, 4] }, /Layers must be FIRST,LAST/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => generateSyntheticOcta(options as { seed: number }),
      (e: unknown) => e instanceof SynthOptionsError && message.test(e.message),
      JSON.stringify(options),
    );
  }
});
