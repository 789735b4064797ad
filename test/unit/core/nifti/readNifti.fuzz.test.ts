/**
 * Seeded fuzzing of the NIfTI reader: thousands of mutated headers and bodies of valid files
 * (byte flips, truncation, hostile dims, datatypes, offsets, scaling, transforms, corrupt gzip).
 * Each must give a consistent volume or a NiftiError — never another exception, never an
 * "Internal reader error" (the reader's last-resort wrapper), never a hang.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { NiftiError } from '../../../../src/core/nifti/niftiError';
import { readNifti } from '../../../../src/core/nifti/readNifti';
import { makeNifti, type NiftiSpec } from '../../../fixtures/makeNifti';
import { seededRandom } from '../../../fixtures/randomVolume';

const CASES_PER_MUTATION = 1000;
const SEED = 20261126;

const BASES: NiftiSpec[] = [
  { version: 1, littleEndian: true, type: 'uint8', dims3: [6, 5, 4] },
  { version: 1, littleEndian: false, type: 'int16', dims3: [5, 4, 3], sclSlope: 0.5, sclInter: -3 },
  {
    version: 1,
    littleEndian: true,
    type: 'float32',
    dims3: [4, 4, 4],
    qformCode: 1,
    quatern: [0, 0, 1],
  },
  {
    version: 2,
    littleEndian: true,
    type: 'float64',
    dim: [4, 3, 3, 2, 3, 1, 1, 1],
    dims3: [3, 3, 2],
    values: Array.from({ length: 54 }, (_, idx) => idx / 3),
  },
  { version: 2, littleEndian: false, type: 'uint32', dims3: [4, 3, 5], sformCode: 2 },
];

/** Header field offsets (byte, width, kind) worth aiming at, per version. */
const FIELDS: Record<
  1 | 2,
  { dim: number[]; datatype: number; voxOffset: number; float: number[]; int: 'i16' | 'i64' }
> = {
  1: {
    dim: [40, 42, 44, 46, 48, 50, 52, 54],
    datatype: 70,
    voxOffset: 108,
    float: [76, 80, 84, 88, 112, 116, 256, 260, 264, 280, 300, 320],
    int: 'i16',
  },
  2: {
    dim: [16, 24, 32, 40, 48, 56, 64, 72],
    datatype: 12,
    voxOffset: 168,
    float: [104, 112, 120, 128, 176, 184, 352, 360, 368, 400, 440, 480],
    int: 'i64',
  },
};

const NASTY_INTS = [
  0,
  -1,
  1,
  2,
  3,
  4,
  5,
  7,
  8,
  32767,
  -32768,
  65535,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 40,
  -(2 ** 53),
];
const NASTY_FLOATS = [
  0,
  -0,
  1,
  -1,
  NaN,
  Infinity,
  -Infinity,
  1e30,
  -1e30,
  1e-40,
  3.5,
  352,
  1e9,
  2 ** 31,
];
const DATATYPES = [
  0, 1, 2, 3, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2304, -1, 32767,
];

type Mutation = (bytes: Uint8Array, version: 1 | 2, le: boolean, r: () => number) => Uint8Array;

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const int = (r: () => number, n: number): number => Math.floor(r() * n);

function setInt(view: DataView, at: number, kind: 'i16' | 'i64', value: number, le: boolean): void {
  if (kind === 'i16') view.setInt16(at, Math.max(-32768, Math.min(32767, value)), le);
  else view.setBigInt64(at, BigInt(Math.trunc(value)), le);
}

const MUTATIONS: Record<string, Mutation> = {
  headerByteFlips: (b, v, _le, r) => {
    const out = b.slice();
    const n = 1 + int(r, 8);
    for (let idx = 0; idx < n; idx++) out[int(r, v === 1 ? 352 : 544)] ^= 1 << int(r, 8);
    return out;
  },
  randomBytesAnywhere: (b, _v, _le, r) => {
    const out = b.slice();
    const n = 1 + int(r, 16);
    for (let idx = 0; idx < n; idx++) out[int(r, out.length)] = int(r, 256);
    return out;
  },
  truncation: (b, _v, _le, r) => b.slice(0, int(r, b.length)),
  dimFields: (b, v, le, r) => {
    const out = b.slice();
    const view = new DataView(out.buffer);
    const n = 1 + int(r, 3);
    for (let idx = 0; idx < n; idx++)
      setInt(view, pick(r, FIELDS[v].dim), FIELDS[v].int, pick(r, NASTY_INTS), le);
    return out;
  },
  datatype: (b, v, le, r) => {
    const out = b.slice();
    new DataView(out.buffer).setInt16(FIELDS[v].datatype, pick(r, DATATYPES), le);
    return out;
  },
  voxOffset: (b, v, le, r) => {
    const out = b.slice();
    const view = new DataView(out.buffer);
    const value = r() < 0.5 ? pick(r, NASTY_FLOATS) : int(r, b.length * 2);
    if (v === 1) view.setFloat32(FIELDS[1].voxOffset, value, le);
    else setInt(view, FIELDS[2].voxOffset, 'i64', Number.isFinite(value) ? value : -1, le);
    return out;
  },
  floatFields: (b, v, le, r) => {
    const out = b.slice();
    const view = new DataView(out.buffer);
    for (let idx = 0; idx < 1 + int(r, 4); idx++) {
      const at = pick(r, FIELDS[v].float);
      if (v === 1) view.setFloat32(at, pick(r, NASTY_FLOATS), le);
      else view.setFloat64(at, pick(r, NASTY_FLOATS), le);
    }
    return out;
  },
  bodyNaNs: (b, v, le, r) => {
    // Re-typed as float with random bit patterns: NaN/Inf voxels and denormals.
    const out = b.slice();
    const view = new DataView(out.buffer);
    view.setInt16(FIELDS[v].datatype, 16, le);
    if (v === 1) view.setInt16(72, 32, le);
    for (let at = v === 1 ? 352 : 544; at + 4 <= out.length; at += 4) {
      if (r() < 0.3) view.setUint32(at, r() < 0.5 ? 0x7fc00000 + int(r, 1000) : 0x7f800000, le);
    }
    return out;
  },
  extensionJunk: (b, v, le, r) => {
    // Extension flag set and vox_offset moved past a junk extension block.
    const hdr = v === 1 ? 348 : 540;
    const out = new Uint8Array(b.length + 64);
    out.set(b.subarray(0, hdr));
    out.set(b.subarray(hdr + 4), hdr + 68);
    out[hdr] = 1;
    for (let at = hdr + 4; at < hdr + 68; at++) out[at] = int(r, 256);
    const view = new DataView(out.buffer);
    if (v === 1) view.setFloat32(108, hdr + 68, le);
    else view.setBigInt64(168, BigInt(hdr + 68), le);
    return out;
  },
  magicAndSize: (b, v, le, r) => {
    const out = b.slice();
    const view = new DataView(out.buffer);
    if (r() < 0.5) view.setInt32(0, pick(r, [348, 540, 0, -1, 349]), r() < 0.5 ? le : !le);
    else out[v === 1 ? 344 + int(r, 4) : 4 + int(r, 8)] = int(r, 256);
    return out;
  },
  randomFile: (_b, _v, _le, r) => Uint8Array.from({ length: int(r, 1200) }, () => int(r, 256)),
};

/** gzip variants: compress the mutated file, then maybe corrupt the stream itself. */
function gzipVariant(bytes: Uint8Array, r: () => number): Uint8Array {
  const gz = new Uint8Array(gzipSync(bytes, { level: pick(r, [0, 1, 6, 9]) }));
  const what = int(r, 4);
  if (what === 0) return gz;
  if (what === 1) return gz.slice(0, int(r, gz.length));
  const out = gz.slice();
  if (what === 2) {
    for (let idx = 0; idx < 1 + int(r, 6); idx++) out[2 + int(r, out.length - 2)] ^= 1 << int(r, 8);
  } else {
    new DataView(out.buffer).setUint32(out.length - 4, pick(r, [0, 1, 0xffffffff, 2 ** 31]), true);
  }
  return out;
}

interface Outcome {
  ok: number;
  errors: number;
}

function check(bytes: Uint8Array, label: string, outcome: Outcome): void {
  let result: ReturnType<typeof readNifti>;
  try {
    result = readNifti(bytes);
  } catch (error) {
    if (!(error instanceof NiftiError)) assert.fail(`${label}: threw ${String(error)}`);
    assert.ok(!error.message.startsWith('Internal reader error'), `${label}: ${error.message}`);
    assert.ok(error.message.length > 10 && error.supported.length > 10, label);
    outcome.errors++;
    return;
  }
  const { dims, spacingMm, affine, data } = result.volume;
  assert.ok(
    dims.every((d) => Number.isSafeInteger(d) && d >= 1),
    `${label}: dims ${dims}`,
  );
  assert.equal(data.length, dims[0] * dims[1] * dims[2], `${label}: data length`);
  assert.ok(
    spacingMm.every((s) => Number.isFinite(s) && s > 0),
    `${label}: spacing ${spacingMm}`,
  );
  assert.equal(affine.length, 16, label);
  assert.ok(affine.every(Number.isFinite), `${label}: affine ${affine}`);
  if (data instanceof Float32Array || data instanceof Float64Array) {
    assert.ok(data.every(Number.isFinite), `${label}: non-finite voxel`);
  }
  outcome.ok++;
}

test(`fuzz: ${Object.keys(MUTATIONS).length} mutations × ${CASES_PER_MUTATION} cases over ${BASES.length} valid files, raw and gzip`, () => {
  const r = seededRandom(SEED);
  const bases = BASES.map((spec) => ({ spec, bytes: makeNifti(spec) }));
  const outcome: Outcome = { ok: 0, errors: 0 };
  let cases = 0;
  for (const [name, mutate] of Object.entries(MUTATIONS)) {
    for (let n = 0; n < CASES_PER_MUTATION; n++) {
      const base = bases[n % bases.length];
      const mutated = mutate(base.bytes, base.spec.version ?? 1, base.spec.littleEndian ?? true, r);
      const gzip = r() < 0.35;
      const bytes = gzip ? gzipVariant(mutated, r) : mutated;
      check(bytes, `${name} #${n}${gzip ? ' (gzip)' : ''}`, outcome);
      cases++;
    }
  }
  console.log(
    `niftiFuzz: ${cases} cases, ${outcome.ok} read, ${outcome.errors} NiftiErrors (seed ${SEED})`,
  );
  // Both outcomes must occur, or the mutations are not reaching the interesting paths.
  assert.ok(outcome.ok > cases * 0.1 && outcome.errors > cases * 0.1, JSON.stringify(outcome));
});
