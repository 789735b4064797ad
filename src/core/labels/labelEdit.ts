/**
 * Undoable label edits. An edit records only the voxels it changed (Uint32 indices, old values,
 * new values) so undo stacks and backups stay small; the operations (brush, fill, clear) apply
 * their change and return its record, applyEdit redoes it and revertEdit undoes it.
 */
import type { Axis } from '../volume/volume';
import { checkSameDims, LabelError, type LabelVolume } from './labelVolume';

export type LabelEditKind = 'paint' | 'erase' | 'fill' | 'clear' | 'replace' | 'merged';

export interface LabelEdit {
  readonly kind: LabelEditKind;
  /** Dims of the label volume it was made on; applying it elsewhere is refused. */
  readonly dims: readonly [number, number, number];
  /** The layer it was made on (for redrawing), or null when it may span layers. */
  readonly layer: { readonly axis: Axis; readonly index: number } | null;
  /** Changed voxels, each once. */
  readonly indices: Uint32Array;
  readonly before: Uint16Array;
  /** The new value of every changed voxel (one number when they all got the same one). */
  readonly after: number | Uint16Array;
}

export function applyEdit(labels: LabelVolume, edit: LabelEdit): void {
  checkSameDims(edit.dims, labels.dims);
  const { indices, after } = edit;
  const data = labels.data;
  if (typeof after === 'number') {
    for (let n = 0; n < indices.length; n++) data[indices[n]] = after;
  } else {
    for (let n = 0; n < indices.length; n++) data[indices[n]] = after[n];
  }
}

export function revertEdit(labels: LabelVolume, edit: LabelEdit): void {
  checkSameDims(edit.dims, labels.dims);
  const { indices, before } = edit;
  const data = labels.data;
  for (let n = 0; n < indices.length; n++) data[indices[n]] = before[n];
}

export function editSize(edit: LabelEdit): number {
  return edit.indices.length;
}

/**
 * One edit with the effect of `edits` applied in order (a brush stroke made of many dabs):
 * each voxel keeps its first old value and its last new value; voxels that end where they
 * started drop out. Returns null when nothing changes overall.
 */
export function mergeEdits(edits: readonly LabelEdit[]): LabelEdit | null {
  if (edits.length === 0) return null;
  const dims = edits[0].dims;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const edit of edits) {
    checkSameDims(edit.dims, dims);
    for (let n = 0; n < edit.indices.length; n++) {
      const index = edit.indices[n];
      if (!first.has(index)) first.set(index, edit.before[n]);
      last.set(index, typeof edit.after === 'number' ? edit.after : edit.after[n]);
    }
  }
  const recorder = new EditRecorder();
  for (const [index, before] of first) {
    const after = last.get(index) as number;
    if (after !== before) recorder.add(index, before, after);
  }
  const layer = edits.every((e) => sameLayer(e.layer, edits[0].layer)) ? edits[0].layer : null;
  const kinds = new Set(edits.map((e) => e.kind));
  const kind = kinds.size === 1 ? edits[0].kind : 'merged';
  return recorder.finish(kind, dims, layer);
}

function sameLayer(a: LabelEdit['layer'], b: LabelEdit['layer']): boolean {
  return a === b || (a !== null && b !== null && a.axis === b.axis && a.index === b.index);
}

/** Collects changes in growing typed arrays; finish() packs them into an edit (or null). */
export class EditRecorder {
  private indices = new Uint32Array(256);
  private before = new Uint16Array(256);
  private after = new Uint16Array(256);
  private count = 0;
  private uniform: number | null = null;
  private mixed = false;

  add(index: number, before: number, after: number): void {
    if (this.count === this.indices.length) this.grow();
    this.indices[this.count] = index;
    this.before[this.count] = before;
    this.after[this.count] = after;
    this.count++;
    if (this.uniform === null) this.uniform = after;
    else if (this.uniform !== after) this.mixed = true;
  }

  finish(
    kind: LabelEditKind,
    dims: readonly [number, number, number],
    layer: LabelEdit['layer'],
  ): LabelEdit | null {
    if (this.count === 0) return null;
    const n = this.count;
    return {
      kind,
      dims: [dims[0], dims[1], dims[2]],
      layer: layer === null ? null : { axis: layer.axis, index: layer.index },
      indices: this.indices.slice(0, n),
      before: this.before.slice(0, n),
      after: this.mixed ? this.after.slice(0, n) : (this.uniform as number),
    };
  }

  private grow(): void {
    const size = this.indices.length * 2;
    if (size > 2 ** 32) throw new LabelError('An edit cannot change more than 2^32 voxels.');
    const indices = new Uint32Array(size);
    const before = new Uint16Array(size);
    const after = new Uint16Array(size);
    indices.set(this.indices);
    before.set(this.before);
    after.set(this.after);
    this.indices = indices;
    this.before = before;
    this.after = after;
  }
}
