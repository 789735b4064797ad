/**
 * FAZ labels: en face, the zone inside the rim; in 3D, that zone over the depths where the
 * capillary plexuses lie (from just above the superficial plexus to just below the deep one), as
 * OCTA-500's 3D FAZ marks the avascular zone only where capillaries would otherwise be.
 */
import type { FazShape } from './fazShape';
import { fazDistance } from './fazShape';
import type { ColumnMaps } from './retinaGeometry';

export interface FazLabels {
  enface: Uint8Array;
  volume: Uint8Array;
  /** First and last layer (k) holding FAZ voxels, or null if none. */
  layers: [number, number] | null;
  enfacePixels: number;
}

export function fazLabels(
  faz: FazShape,
  columns: ColumnMaps,
  dims: readonly [number, number, number],
  spacingMm: readonly [number, number, number],
  /** Half-thickness of a plexus band, voxels: the FAZ reaches this far above SVP and below DCP. */
  bandVoxels: number,
): FazLabels {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const enface = new Uint8Array(nxy);
  const volume = new Uint8Array(nxy * nz);
  let first = nz;
  let last = -1;
  let enfacePixels = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      if (fazDistance(faz, i * spacingMm[0], j * spacingMm[1]) > 0) continue;
      const col = i + nx * j;
      enface[col] = 1;
      enfacePixels++;
      const k0 = Math.max(0, Math.ceil(columns.svp[col] - bandVoxels));
      const k1 = Math.min(nz - 1, Math.floor(columns.dcp[col] + bandVoxels));
      for (let k = k0; k <= k1; k++) volume[col + nxy * k] = 1;
      if (k0 <= k1) {
        first = Math.min(first, k0);
        last = Math.max(last, k1);
      }
    }
  }
  return { enface, volume, layers: last >= first ? [first, last] : null, enfacePixels };
}
