import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { writeNifti } from '../../../../src/core/nifti/writeNifti';
import { allocateVoxels, type Volume, type VoxelType } from '../../../../src/core/volume/volume';

// nifti-reader-js exports ESM only; a dynamic import loads it from this CommonJS-compiled test.
const niftiReader = import('nifti-reader-js');

/** 30° about z, a flipped third axis and a translation: exercises qfac and the quaternion. */
const OBLIQUE = (() => {
  const c = Math.cos(Math.PI / 6);
  const s = Math.sin(Math.PI / 6);
  const [dx, dy, dz] = [0.5, 0.75, 2];
  return [c * dx, -s * dy, 0, 10, s * dx, c * dy, 0, -20, 0, 0, -dz, 5, 0, 0, 0, 1];
})();

function makeVolume(type: VoxelType, dims: [number, number, number], affine?: number[]): Volume {
  const n = dims[0] * dims[1] * dims[2];
  const data = allocateVoxels(type, n);
  for (let v = 0; v < n; v++) {
    data[v] = type.startsWith('float')
      ? ((v * 37) % 101) - 50.25
      : ((v * 37) % 101) - (type.startsWith('u') ? 0 : 50);
  }
  const spacingMm: [number, number, number] = [0.5, 0.75, 2];
  return {
    dims,
    spacingMm,
    affine: affine ?? [0.5, 0, 0, 0, 0, 0.75, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1],
    type,
    data,
  };
}

test('header fields: vox_offset 352, mm units, sform and qform codes, intent, description', async () => {
  const nifti = await niftiReader;
  const bytes = writeNifti(makeVolume('uint16', [3, 3, 2]), {
    intent: 'label',
    description: 'labels ü',
  });
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.equal(view.getInt32(0, true), 348);
  assert.equal(view.getFloat32(108, true), 352);
  assert.equal(bytes[123], 2, 'xyzt_units = mm');
  assert.equal(view.getInt16(252, true), 1, 'qform_code');
  assert.equal(view.getInt16(254, true), 1, 'sform_code');
  assert.equal(view.getInt16(68, true), 1002, 'NIFTI_INTENT_LABEL');
  assert.equal(bytes.length, 352 + 3 * 3 * 2 * 2);
  const header = nifti.readHeader(bytes.buffer as ArrayBuffer) as InstanceType<typeof nifti.NIFTI1>;
  assert.equal(header.description, 'labels ?');
  assert.equal(header.datatypeCode, 512);
});

test('nifti-reader-js reads the gzipped file and its voxels', async () => {
  const nifti = await niftiReader;
  const volume = makeVolume('int16', [6, 5, 4]);
  const bytes = writeNifti(volume, { gzip: true });
  const buffer = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  assert.ok(nifti.isCompressed(buffer));
  const raw = nifti.decompress(buffer) as ArrayBuffer;
  assert.ok(nifti.isNIFTI1(raw));
  const header = nifti.readHeader(raw) as InstanceType<typeof nifti.NIFTI1>;
  assert.deepEqual(header.dims.slice(0, 4), [3, 6, 5, 4]);
  const image = new Int16Array(nifti.readImage(header, raw));
  assert.deepEqual(Array.from(image), Array.from(volume.data));
});

test('an oblique, left-handed affine is kept in the sform and matched by the qform', async () => {
  const nifti = await niftiReader;
  const bytes = writeNifti(makeVolume('float32', [4, 4, 4], OBLIQUE));
  const header = nifti.readHeader(bytes.buffer as ArrayBuffer) as InstanceType<typeof nifti.NIFTI1>;
  assert.equal(header.sform_code, 1);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      assert.ok(Math.abs(header.affine[r][c] - OBLIQUE[r * 4 + c]) < 1e-5, `sform[${r}][${c}]`);
    }
  }
  assert.equal(header.pixDims[0], -1, 'qfac');
  const q = header.getQformMat();
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      assert.ok(Math.abs(q[r][c] - OBLIQUE[r * 4 + c]) < 1e-5, `qform[${r}][${c}] = ${q[r][c]}`);
    }
  }
});

test('bad volumes are refused with what is wrong', () => {
  const good = makeVolume('uint8', [2, 2, 2]);
  assert.throws(
    () => writeNifti({ ...good, dims: [2, 2, 3] }),
    /holds 8 voxels but dims 2×2×3 need 12/,
  );
  assert.throws(() => writeNifti({ ...good, dims: [0, 2, 2] }), /dims must be three whole numbers/);
  assert.throws(() => writeNifti({ ...good, type: 'uint16' }), /does not match its Uint8Array/);
  assert.throws(() => writeNifti({ ...good, spacingMm: [1, 0, 1] }), /spacing must be positive/);
  assert.throws(() => writeNifti({ ...good, affine: [1, 0, 0, NaN] }), /affine/);
});

test('nibabel reads what we write (dtype, shape, zooms, affine, qform, voxels)', (t) => {
  const python = resolve('.venv/bin/python');
  if (!existsSync(python)) {
    t.skip('no .venv/bin/python in this checkout: run the README test set-up to install nibabel');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'write-nifti-'));
  try {
    const volume = makeVolume('uint16', [7, 6, 5], OBLIQUE);
    const file = join(dir, 'v.nii.gz');
    writeFileSync(file, writeNifti(volume, { gzip: true, intent: 'label' }));
    const script = [
      'import json, sys, nibabel as nib, numpy as np',
      'img = nib.load(sys.argv[1]); h = img.header; a = np.asarray(img.dataobj)',
      'print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "zooms": [float(z) for z in h.get_zooms()],',
      ' "sform": img.get_sform().tolist(), "qform": img.get_qform().tolist(),',
      ' "codes": [int(h["sform_code"]), int(h["qform_code"])], "intent": int(h["intent_code"]),',
      ' "data": a.flatten(order="F").tolist()}))',
    ].join('\n');
    const run = spawnSync(python, ['-c', script, file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const got = JSON.parse(run.stdout) as {
      dtype: string;
      shape: number[];
      zooms: number[];
      sform: number[][];
      qform: number[][];
      codes: number[];
      intent: number;
      data: number[];
    };
    assert.equal(got.dtype, 'uint16');
    assert.deepEqual(got.shape, [7, 6, 5]);
    got.zooms.forEach((z, n) => assert.ok(Math.abs(z - volume.spacingMm[n]) < 1e-6));
    assert.deepEqual(got.codes, [1, 1]);
    assert.equal(got.intent, 1002);
    for (const m of [got.sform, got.qform]) {
      m.flat().forEach((v, n) => assert.ok(Math.abs(v - OBLIQUE[n]) < 1e-5, `entry ${n}: ${v}`));
    }
    // NIfTI order (i fastest) is numpy's Fortran order.
    assert.deepEqual(got.data, Array.from(volume.data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
