/**
 * The vessel-region annotation as the webview holds it (issue 6): a mask per layer along the
 * view's current depth axis (rows × cols bytes, 1 inside; layers without region voxels absent),
 * the annotated layers and the axis they run along (the host's, which may differ from the
 * view's). Applies the host's whole-volume label edits and converts to and from run lengths.
 */
import type { LabelEdit } from '../../core/labels/labelEdit';
import { encodeRuns, forEachInsideRun } from '../../core/labels/maskRuns';
import { layerAxes } from '../../core/volume/layers';
import type { Axis } from '../../core/volume/volume';

export class RegionLayers {
  private masks = new Map<number, Uint8Array>();
  /** Axis of the annotated layers (the host's). */
  axis: Axis = 2;
  layers: readonly number[] = [];
  /** False until the host sent `regions`. */
  loaded = false;

  constructor(
    readonly dims: readonly [number, number, number],
    /** The view's depth axis: the one masks are kept along. */
    private viewAxis: Axis,
  ) {}

  get layerAxis(): Axis {
    return this.viewAxis;
  }

  get layerSize(): number {
    const [across, down] = layerAxes(this.viewAxis);
    return this.dims[across] * this.dims[down];
  }

  /** The layer's mask along the view axis, or undefined when it has no region voxels. */
  mask(layer: number): Uint8Array | undefined {
    return this.masks.get(layer);
  }

  /** Region pixels on the layer. */
  area(layer: number): number {
    const mask = this.masks.get(layer);
    let n = 0;
    if (mask) for (let i = 0; i < mask.length; i++) n += mask[i] ?? 0;
    return n;
  }

  /** Region pixels per layer, layers without any left out. */
  areas(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const layer of [...this.masks.keys()].sort((a, b) => a - b)) {
      const n = this.area(layer);
      if (n > 0) out[layer] = n;
    }
    return out;
  }

  /** The layer's mask, created empty when absent (to paint into). */
  ensureMask(layer: number): Uint8Array {
    let mask = this.masks.get(layer);
    if (!mask) this.masks.set(layer, (mask = new Uint8Array(this.layerSize)));
    return mask;
  }

  /** Drops the layer's mask when it has no voxels left. */
  prune(layer: number): void {
    const mask = this.masks.get(layer);
    if (mask && !mask.some((v) => v !== 0)) this.masks.delete(layer);
  }

  /** True when the annotation runs along the view axis or no layer is annotated yet. */
  get paintable(): boolean {
    return this.layers.length === 0 || this.axis === this.viewAxis;
  }

  isAnnotated(layer: number): boolean {
    return this.axis === this.viewAxis && this.layers.includes(layer);
  }

  setRuns(runs: Uint32Array): void {
    const masks = new Map<number, Uint8Array>();
    const where = voxelToLayer(this.dims, this.viewAxis);
    const size = this.layerSize;
    const [nx, ny, nz] = this.dims;
    forEachInsideRun(runs, nx * ny * nz, (start, end) => {
      for (let n = start; n < end; n++) {
        const [layer, pixel] = where(n);
        let mask = masks.get(layer);
        if (!mask) masks.set(layer, (mask = new Uint8Array(size)));
        mask[pixel] = 1;
      }
    });
    this.masks = masks;
  }

  toRuns(): Uint32Array {
    const [nx, ny, nz] = this.dims;
    const where = voxelToLayer(this.dims, this.viewAxis);
    return encodeRuns(nx * ny * nz, (n) => {
      const [layer, pixel] = where(n);
      return this.masks.get(layer)?.[pixel] === 1;
    });
  }

  /** The view's depth axis changed: re-slice the masks. */
  setViewAxis(axis: Axis): void {
    if (axis === this.viewAxis) return;
    const runs = this.toRuns();
    this.viewAxis = axis;
    this.setRuns(runs);
  }

  /** A whole-volume edit from the host: apply (`redo`) or revert (`undo`). Returns its layers. */
  applyEdit(edit: LabelEdit, direction: 'undo' | 'redo'): Set<number> {
    const where = voxelToLayer(this.dims, this.viewAxis);
    const touched = new Set<number>();
    const { indices, before, after } = edit;
    for (let n = 0; n < indices.length; n++) {
      const value = direction === 'undo' ? before[n] : typeof after === 'number' ? after : after[n];
      const [layer, pixel] = where(indices[n] ?? 0);
      const inside = value !== 0 ? 1 : 0;
      if (inside === 0 && !this.masks.has(layer)) continue;
      this.ensureMask(layer)[pixel] = inside;
      touched.add(layer);
    }
    for (const layer of touched) this.prune(layer);
    return touched;
  }
}

/** Voxel index (NIfTI order) → [layer, pixel] along a depth axis (pixel = x + width · y). */
export function voxelToLayer(
  dims: readonly [number, number, number],
  axis: Axis,
): (n: number) => [number, number] {
  const [nx, ny] = dims;
  const [across, down] = layerAxes(axis);
  const width = dims[across];
  return (n) => {
    const ijk = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    return [ijk[axis] ?? 0, (ijk[across] ?? 0) + width * (ijk[down] ?? 0)];
  };
}
