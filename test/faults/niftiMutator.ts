/**
 * The fault suite's seeded NIfTI mutator. Each case is a valid base file (NIfTI-1/2, either byte
 * order, several datatypes, raw or gzip) changed in one way: header fields, voxel bytes,
 * truncation, offsets, dims, datatypes, scaling, and the gzip body, header and trailer. With
 * every case comes what the changed file *describes*: the header values it now holds, so an
 * independent decoder (niftiOracle.ts) says which voxels a correct reader must return, or that
 * the file must be refused. "Accepted but not what the file describes" is the silent wrong
 * answer the suite exists to catch.
 */
import { gzipSync } from 'node:zlib';
import { Random, splitmix32 } from '../../src/core/synth/random';
import type { VoxelType } from '../../src/core/volume/volume';
import { BYTES_PER_VOXEL, DATATYPE_CODES, makeNifti } from '../fixtures/makeNifti';

/** What a header says about the voxels: enough to decode them independently. */
export interface Described {
  version: 1 | 2;
  littleEndian: boolean;
  dims: [number, number, number];
  type: VoxelType;
  voxOffset: number;
  /** null: no scaling. */
  scaling: { slope: number; inter: number } | null;
}

export interface MutationCase {
  /** e.g. 'scaling', 'gzip-trailer-crc'. */
  mutation: string;
  /** The file as handed to the reader. */
  bytes: Uint8Array;
  /** The uncompressed file the header and voxels are read from (before any gzip damage). */
  plain: Uint8Array;
  /** What the file describes, or 'error' when a correct reader must refuse it. */
  expect: Described | 'error';
  /** True when the mutation may change which voxels the file holds (not only damage them). */
  changesContent: boolean;
  /** The unmutated file's description and plain bytes, for "identical" classification. */
  base: { described: Described; plain: Uint8Array };
}

interface Base {
  described: Described;
  plain: Uint8Array;
}

const BASE_SPECS: { version: 1 | 2; le: boolean; type: VoxelType }[] = [
  { version: 1, le: true, type: 'uint8' },
  { version: 1, le: false, type: 'int16' },
  { version: 2, le: true, type: 'float32' },
  { version: 2, le: false, type: 'uint16' },
  { version: 1, le: true, type: 'float64' },
  { version: 1, le: true, type: 'int32' },
];

/** Small enough to track in a fraction of a second; 6 layers for the tracker's memory. */
export const BASE_DIMS: [number, number, number] = [20, 16, 6];

export function makeBases(seed: number): Base[] {
  const random = new Random(splitmix32(seed));
  const count = BASE_DIMS[0] * BASE_DIMS[1] * BASE_DIMS[2];
  return BASE_SPECS.map(({ version, le, type }) => {
    const values = Array.from({ length: count }, (_, idx) => {
      const blob = Math.hypot((idx % 20) - 10, (((idx / 20) | 0) % 16) - 8) < 5 ? 90 : 10;
      const v = blob + Math.floor(random.next() * 40);
      return type.startsWith('float') ? v + 0.25 : v;
    });
    const plain = makeNifti({ version, littleEndian: le, type, dims3: BASE_DIMS, values });
    return {
      plain,
      described: {
        version,
        littleEndian: le,
        dims: [...BASE_DIMS],
        type,
        voxOffset: version === 1 ? 352 : 544,
        scaling: null,
      },
    };
  });
}

type HeaderMutation = (
  plain: Uint8Array,
  d: Described,
  r: Random,
) => { plain: Uint8Array; expect: Described | 'error'; changesContent: boolean };

const F1 = {
  dim: 40,
  datatype: 70,
  bitpix: 72,
  pixdim: 76,
  voxOffset: 108,
  slope: 112,
  inter: 116,
};
const F2 = {
  dim: 16,
  datatype: 12,
  bitpix: 14,
  pixdim: 104,
  voxOffset: 168,
  slope: 176,
  inter: 184,
};
const fields = (d: Described) => (d.version === 1 ? F1 : F2);

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function setDim(b: Uint8Array, d: Described, index: number, value: number): void {
  const at = fields(d).dim + index * (d.version === 1 ? 2 : 8);
  if (d.version === 1) view(b).setInt16(at, value, d.littleEndian);
  else view(b).setBigInt64(at, BigInt(value), d.littleEndian);
}

function setFloat(b: Uint8Array, d: Described, at: number, value: number): void {
  if (d.version === 1) view(b).setFloat32(at, value, d.littleEndian);
  else view(b).setFloat64(at, value, d.littleEndian);
}

function pick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r.next() * items.length)];
}

function int(r: Random, below: number): number {
  return Math.floor(r.next() * below);
}

/** Byte ranges that carry no voxel meaning: descrip, aux_file, intent_name, cal_max/min. */
const NEUTRAL_RANGES: Record<1 | 2, [number, number][]> = {
  1: [
    [148, 228],
    [228, 252],
    [328, 344],
    [124, 132],
  ],
  2: [
    [240, 320],
    [320, 344],
    [508, 524],
    [192, 208],
  ],
};

const HEADER_MUTATIONS: Record<string, HeaderMutation> = {
  'neutral-field': (plain, d, r) => {
    const b = plain.slice();
    const [from, to] = pick(r, NEUTRAL_RANGES[d.version]);
    for (let n = 1 + int(r, 8); n > 0; n--) b[from + int(r, to - from)] = int(r, 256);
    return { plain: b, expect: d, changesContent: false };
  },
  geometry: (plain, d, r) => {
    const b = plain.slice();
    const axis = 1 + int(r, 3);
    setFloat(b, d, fields(d).pixdim + axis * (d.version === 1 ? 4 : 8), pick(r, [0.01, 3, -2, 0]));
    return { plain: b, expect: d, changesContent: false };
  },
  'dim4-overstated': (plain, d, r) => {
    const b = plain.slice();
    setDim(b, d, 0, 4);
    setDim(b, d, 4, pick(r, [2, 7, 1000]));
    return { plain: b, expect: d, changesContent: false };
  },
  dims: (plain, d, r) => {
    const b = plain.slice();
    const axis = int(r, 3);
    const value = pick(r, [0, -3, 1, Math.max(1, d.dims[axis] >> 1), d.dims[axis] + 1, 30000]);
    setDim(b, d, axis + 1, value);
    const dims = [...d.dims] as [number, number, number];
    dims[axis] = value;
    return { plain: b, expect: value < 1 ? 'error' : { ...d, dims }, changesContent: true };
  },
  'dim0-rank': (plain, d, r) => {
    const b = plain.slice();
    const rank = pick(r, [0, 1, 2, 8, -1]);
    setDim(b, d, 0, rank);
    return { plain: b, expect: 'error', changesContent: false };
  },
  datatype: (plain, d, r) => {
    const b = plain.slice();
    const type = pick(r, Object.keys(DATATYPE_CODES) as VoxelType[]);
    view(b).setInt16(fields(d).datatype, DATATYPE_CODES[type], d.littleEndian);
    if (r.next() < 0.5) {
      view(b).setInt16(fields(d).bitpix, BYTES_PER_VOXEL[type] * 8, d.littleEndian);
    }
    return { plain: b, expect: { ...d, type }, changesContent: true };
  },
  'datatype-unsupported': (plain, d, r) => {
    const b = plain.slice();
    view(b).setInt16(
      fields(d).datatype,
      pick(r, [0, 1, 32, 128, 1024, 1536, 3, 7777]),
      d.littleEndian,
    );
    return { plain: b, expect: 'error', changesContent: false };
  },
  'vox-offset': (plain, d, r) => {
    const b = plain.slice();
    const header = d.version === 1 ? 348 : 540;
    const offset = pick(r, [
      0,
      100,
      header,
      header + 1,
      header + 3,
      d.voxOffset + 8,
      d.voxOffset + 64,
      1e7,
    ]);
    if (d.version === 1) view(b).setFloat32(fields(d).voxOffset, offset, d.littleEndian);
    else view(b).setBigInt64(fields(d).voxOffset, BigInt(offset), d.littleEndian);
    return {
      plain: b,
      expect: offset < header + 4 ? 'error' : { ...d, voxOffset: offset },
      changesContent: true,
    };
  },
  scaling: (plain, d, r) => {
    const b = plain.slice();
    const slope = pick(r, [2, -1, 0.5, 1e-30, 1e38, 3.4e38]);
    const inter = pick(r, [0, 10, -5]);
    setFloat(b, d, fields(d).slope, slope);
    setFloat(b, d, fields(d).inter, inter);
    const stored = { slope: Math.fround(slope), inter: Math.fround(inter) };
    const scaling = d.version === 1 ? stored : { slope, inter };
    return { plain: b, expect: { ...d, scaling }, changesContent: true };
  },
  'voxel-bytes': (plain, d, r) => {
    const b = plain.slice();
    for (let n = 1 + int(r, 4); n > 0; n--)
      b[d.voxOffset + int(r, b.length - d.voxOffset)] ^= 1 << int(r, 8);
    return { plain: b, expect: d, changesContent: true };
  },
  truncation: (plain, _d, r) => {
    const cut = int(r, plain.length);
    return { plain: plain.slice(0, cut), expect: 'error', changesContent: false };
  },
  'trailing-bytes': (plain, d, r) => {
    const b = new Uint8Array(plain.length + 1 + int(r, 300));
    b.set(plain);
    for (let i = plain.length; i < b.length; i++) b[i] = int(r, 256);
    return { plain: b, expect: d, changesContent: false };
  },
  magic: (plain, d, r) => {
    const b = plain.slice();
    const at = d.version === 1 ? 344 + int(r, 3) : 4 + int(r, 3);
    b[at] ^= 0x20 | (1 << int(r, 5));
    return { plain: b, expect: 'error', changesContent: false };
  },
};

type GzipDamage = (
  gz: Uint8Array,
  r: Random,
  plain: Uint8Array,
) => { bytes: Uint8Array; fatal: boolean };

const GZIP_DAMAGE: Record<string, GzipDamage> = {
  // The CRC covers the decompressed bytes: a body flip must fail, or leave them unchanged.
  'gzip-body': (gz, r) => {
    const b = gz.slice();
    b[10 + int(r, b.length - 18)] ^= 1 << int(r, 8);
    return { bytes: b, fatal: false };
  },
  'gzip-trailer-crc': (gz, r) => {
    const b = gz.slice();
    b[b.length - 8 + int(r, 4)] ^= 1 << int(r, 8);
    return { bytes: b, fatal: true };
  },
  'gzip-trailer-isize': (gz, r) => {
    const b = gz.slice();
    b[b.length - 4 + int(r, 4)] ^= 1 << int(r, 8);
    return { bytes: b, fatal: true };
  },
  'gzip-truncated': (gz, r) => ({ bytes: gz.slice(0, 20 + int(r, gz.length - 20)), fatal: true }),
  // MTIME, XFL and OS carry no data: the file reads the same.
  'gzip-header-mtime': (gz, r) => {
    const b = gz.slice();
    b[4 + int(r, 6)] ^= 1 << int(r, 8);
    return { bytes: b, fatal: false };
  },
  'gzip-two-members': (_gz, r, plain) => {
    const split = int(r, plain.length + 1);
    const joined = Buffer.concat([
      gzipSync(plain.subarray(0, split)),
      gzipSync(plain.subarray(split)),
    ]);
    return { bytes: new Uint8Array(joined), fatal: false };
  },
  'gzip-trailing-garbage': (gz, r) => {
    const b = new Uint8Array(gz.length + 1 + int(r, 40));
    b.set(gz);
    for (let i = gz.length; i < b.length; i++) b[i] = int(r, 256);
    return { bytes: b, fatal: false };
  },
};

export const MUTATION_NAMES = [...Object.keys(HEADER_MUTATIONS), ...Object.keys(GZIP_DAMAGE)];

/** `count` cases from `seed`: every mutation kind in turn, over every base, raw or gzip. */
export function* mutationCases(seed: number, count: number): Generator<MutationCase> {
  const bases = makeBases(seed);
  const random = new Random(splitmix32(seed ^ 0x5eed));
  const headerNames = Object.keys(HEADER_MUTATIONS);
  const gzipNames = Object.keys(GZIP_DAMAGE);
  for (let n = 0; n < count; n++) {
    const base = bases[n % bases.length];
    const kinds = headerNames.length + gzipNames.length;
    const kind = Math.floor(n / bases.length) % kinds;
    if (kind < headerNames.length) {
      const name = headerNames[kind];
      const out = HEADER_MUTATIONS[name](base.plain, base.described, random);
      const gzip = random.next() < 0.4;
      yield {
        mutation: name + (gzip ? ' (gzip)' : ''),
        bytes: gzip
          ? new Uint8Array(gzipSync(out.plain, { level: pick(random, [0, 1, 6]) }))
          : out.plain,
        plain: out.plain,
        expect: out.expect,
        changesContent: out.changesContent,
        base,
      };
    } else {
      const name = gzipNames[kind - headerNames.length];
      const gz = new Uint8Array(gzipSync(base.plain, { level: pick(random, [0, 1, 6, 9]) }));
      const out = GZIP_DAMAGE[name](gz, random, base.plain);
      yield {
        mutation: name,
        bytes: out.bytes,
        plain: base.plain,
        expect: out.fatal ? 'error' : base.described,
        changesContent: false,
        base,
      };
    }
  }
}
