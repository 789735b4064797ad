/**
 * The 3D view's texture: the volume windowed to 0..255 and, when it exceeds the GPU's side limit
 * or the memory budget, block-mean downsampled by one integer factor on all axes. The layer and
 * projection views always use the full-resolution volume; only the 3D view sees this.
 */
import { applyWindowToUint8, smallIntRange, type ValueWindow } from './window';
import type { Volume, VoxelArray } from './volume';

export interface Texture3D {
  /** Texture size along i, j, k (same axis order as the volume). */
  dims: [number, number, number];
  /** One byte per texel, i fastest. */
  data: Uint8Array;
  /** Source voxels per texel along each axis; 1 when not downsampled. */
  factor: number;
  downsampled: boolean;
}

export interface TextureLimits {
  /** Largest texture side (WebGL2 MAX_3D_TEXTURE_SIZE, typically 2048). */
  maxSide: number;
  /** Largest texture in bytes. */
  maxBytes: number;
}

/** The smallest integer factor f with every ceil(dim / f) ≤ maxSide and their product ≤ maxBytes. */
export function textureFactor(
  dims: readonly [number, number, number],
  limits: TextureLimits,
): number {
  const fits = (f: number): boolean => {
    const [a, b, c] = dims.map((d) => Math.ceil(d / f));
    return (
      a <= limits.maxSide &&
      b <= limits.maxSide &&
      c <= limits.maxSide &&
      a * b * c <= limits.maxBytes
    );
  };
  let f = 1;
  while (!fits(f)) {
    if (f >= Math.max(...dims)) return f;
    f++;
  }
  return f;
}

export function buildTexture3D(
  volume: Volume,
  window: ValueWindow,
  limits: TextureLimits,
): Texture3D {
  const [nx, ny, nz] = volume.dims;
  const f = textureFactor(volume.dims, limits);
  const tx = Math.ceil(nx / f);
  const ty = Math.ceil(ny / f);
  const tz = Math.ceil(nz / f);
  const src = volume.data;
  const data = new Uint8Array(tx * ty * tz);

  if (f === 1) {
    applyWindowToUint8(src, window, data);
    return { dims: [tx, ty, tz], data, factor: 1, downsampled: false };
  }

  // Sum windowed values per texel over one texel slab of k at a time, then divide by block size.
  const toLevel = windowLevels(src, window);
  const texelOfI = Int32Array.from({ length: nx }, (_, i) => Math.floor(i / f));
  const row = new Float32Array(nx);
  const slab = new Float32Array(tx * ty);
  for (let oz = 0; oz < tz; oz++) {
    slab.fill(0);
    const k1 = Math.min(nz, (oz + 1) * f);
    for (let k = oz * f; k < k1; k++) {
      for (let j = 0; j < ny; j++) {
        toLevel(nx * (j + ny * k), row);
        const base = Math.floor(j / f) * tx;
        for (let i = 0; i < nx; i++) slab[base + texelOfI[i]] += row[i];
      }
    }
    const bz = k1 - oz * f;
    for (let oy = 0; oy < ty; oy++) {
      const by = Math.min(ny, (oy + 1) * f) - oy * f;
      for (let ox = 0; ox < tx; ox++) {
        const bx = Math.min(nx, (ox + 1) * f) - ox * f;
        data[ox + tx * (oy + ty * oz)] = toByte(slab[ox + tx * oy] / (bx * by * bz));
      }
    }
  }
  return { dims: [tx, ty, tz], data, factor: f, downsampled: true };
}

/**
 * Returns a function writing the windowed levels (0..255, unrounded) of one row of voxels: a
 * lookup table for 8/16-bit data, arithmetic otherwise.
 */
function windowLevels(src: VoxelArray, w: ValueWindow): (start: number, row: Float32Array) => void {
  const range = w.max - w.min;
  const scale = range > 0 ? 255 / range : 0;
  const level = (v: number): number => {
    const x = (v - w.min) * scale;
    return x > 0 ? (x < 255 ? x : 255) : 0;
  };
  const small = smallIntRange(src);
  if (small) {
    const lut = Float32Array.from({ length: small.size }, (_, v) => level(v + small.base));
    const base = small.base;
    return (start, row) => {
      for (let i = 0; i < row.length; i++) row[i] = lut[src[start + i] - base];
    };
  }
  return (start, row) => {
    for (let i = 0; i < row.length; i++) row[i] = level(src[start + i]);
  };
}

function toByte(v: number): number {
  return v > 0 ? (v < 255 ? v + 0.5 : 255) : 0;
}
