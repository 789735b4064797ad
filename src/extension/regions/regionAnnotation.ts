/**
 * The "vessel region" annotation of the sparse workflow (issue 6) as the host document holds it:
 * a binary region mask over the volume (a LabelVolume, allocated on the first region voxel, so a
 * volume nobody annotates costs nothing), the annotated layers and the depth axis they run
 * along. Every change is a RegionChange that is applied here and can be undone and redone; the
 * document puts it on VS Code's edit stack. Pure bookkeeping: no vscode, no I/O.
 */
import { applyEdit, revertEdit, type LabelEdit } from '../../core/labels/labelEdit';
import { createLabelVolume, type LabelVolume } from '../../core/labels/labelVolume';
import { replaceLayerLabel, clearLayer } from '../../core/labels/layerEdits';
import { layerMask, layerVoxels } from '../../core/labels/layerVoxels';
import { encodeRuns } from '../../core/labels/maskRuns';
import type { Axis } from '../../core/volume/volume';
import { REGION_LABEL } from '../../core/sparse/sparseConstants';

export type Dims = readonly [number, number, number];

/** Which layers are annotated, along which axis. */
export interface RegionLayers {
  readonly axis: Axis;
  /** Ascending, each once. */
  readonly layers: readonly number[];
}

/** One undoable change: voxels (or none) and the annotated layers before and after. */
export interface RegionChange {
  /** For the Edit menu, e.g. "Paint region on layer 12". */
  readonly label: string;
  readonly edit: LabelEdit | null;
  readonly before: RegionLayers;
  readonly after: RegionLayers;
}

export class RegionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegionError';
  }
}

export class RegionAnnotation {
  private labels: LabelVolume | null;
  private state: RegionLayers;

  /** `labels`: region voxels (non-zero = inside), or null for none yet. */
  constructor(
    readonly dims: Dims,
    axis: Axis,
    layers: readonly number[] = [],
    labels: LabelVolume | null = null,
  ) {
    if (labels) checkDims(labels.dims, dims);
    this.labels = labels;
    this.state = { axis, layers: normalizeLayers(layers, dims, axis) };
  }

  get axis(): Axis {
    return this.state.axis;
  }

  /** Annotated layers along `axis`, ascending. */
  get annotatedLayers(): readonly number[] {
    return this.state.layers;
  }

  get layerState(): RegionLayers {
    return this.state;
  }

  /** True when any voxel is inside the region. */
  get hasRegionVoxels(): boolean {
    return this.labels !== null && this.labels.data.some((v) => v !== 0);
  }

  /** True when there is something to save: region voxels or annotated layers. */
  get isEmpty(): boolean {
    return this.state.layers.length === 0 && !this.hasRegionVoxels;
  }

  /** The region labels, 0 or REGION_LABEL (files are normalized when read). */
  get labelVolume(): LabelVolume | null {
    return this.labels;
  }

  /** Layer `index` along `axis` as rows × cols bytes, 1 inside the region. */
  layerMask(index: number, axis: Axis = this.state.axis): Uint8Array {
    const { width, height } = layerVoxels(this.dims, axis, index);
    return this.labels ? layerMask(this.labels, axis, index) : new Uint8Array(width * height);
  }

  /** The region over the whole volume as run lengths (RegionsMessage.mask). */
  toRuns(): Uint32Array {
    const data = this.labels?.data;
    const count = this.dims[0] * this.dims[1] * this.dims[2];
    return data ? encodeRuns(count, (n) => data[n] !== 0) : Uint32Array.of(count);
  }

  /**
   * A stroke made in an editor, whose voxels are still to be applied here; its layer joins the
   * annotated layers. Along an axis other than the annotation's it is refused while layers are
   * annotated (they would change meaning); with none annotated, the annotation takes its axis.
   */
  fromEdit(label: string, edit: LabelEdit): RegionChange {
    checkDims(edit.dims, this.dims);
    if (!edit.layer) throw new RegionError('A region edit must name the layer it was made on.');
    const value = typeof edit.after === 'number' ? [edit.after] : Array.from(edit.after);
    if (value.some((v) => v !== 0 && v !== REGION_LABEL)) {
      throw new RegionError(`Region edits set voxels to 0 or ${REGION_LABEL} only.`);
    }
    const { axis, index } = edit.layer;
    const after = this.withLayer(axis, index, true);
    const change = { label, edit, before: this.state, after };
    this.apply(change, 'redo');
    return change;
  }

  /** Marks a layer annotated or not; null when it already is / is not. */
  markAnnotated(
    index: number,
    annotated: boolean,
    axis: Axis = this.state.axis,
  ): RegionChange | null {
    layerVoxels(this.dims, axis, index);
    const after = this.withLayer(axis, index, annotated);
    if (after === this.state) return null;
    const label = `${annotated ? 'Mark' : 'Unmark'} layer ${index} as annotated`;
    const change = { label, edit: null, before: this.state, after };
    this.apply(change, 'redo');
    return change;
  }

  /**
   * The layer's region becomes `mask` (rows × cols, non-zero inside) and the layer is annotated:
   * accepting or correcting a prediction. An empty mask records "no vessels visible here".
   */
  setLayer(index: number, mask: ArrayLike<number>, label?: string): RegionChange | null {
    const axis = this.state.axis;
    const labels = this.ensureLabels();
    const empty = !Array.prototype.some.call(mask, (v: number) => v !== 0);
    const edit = empty
      ? clearLayer(labels, axis, index)
      : replaceLayerLabel(labels, axis, index, mask, REGION_LABEL);
    const after = this.withLayer(axis, index, true);
    if (!edit && after === this.state) return null;
    if (edit) revertEdit(labels, edit);
    const change: RegionChange = {
      label: label ?? `Set region of layer ${index}`,
      edit,
      before: this.state,
      after,
    };
    this.apply(change, 'redo');
    return change;
  }

  /** Redo (apply) or undo (revert) a change made earlier on this annotation. */
  apply(change: RegionChange, direction: 'undo' | 'redo'): void {
    if (change.edit) {
      const labels = this.ensureLabels();
      if (direction === 'redo') applyEdit(labels, change.edit);
      else revertEdit(labels, change.edit);
    }
    this.state = direction === 'redo' ? change.after : change.before;
  }

  private ensureLabels(): LabelVolume {
    this.labels ??= createLabelVolume(this.dims);
    return this.labels;
  }

  /** The state with `index` in or out; the same object when nothing changes. */
  private withLayer(axis: Axis, index: number, annotated: boolean): RegionLayers {
    if (axis !== this.state.axis) {
      if (this.state.layers.length > 0) {
        throw new RegionError(
          `The annotated layers run along axis ${'ijk'[this.state.axis]}; this edit was made ` +
            `along ${'ijk'[axis]}. Switch the depth axis to ${'ijk'[this.state.axis]} to ` +
            `annotate regions.`,
        );
      }
      return { axis, layers: annotated ? [index] : [] };
    }
    const has = this.state.layers.includes(index);
    if (has === annotated) return this.state;
    const layers = annotated
      ? [...this.state.layers, index].sort((a, b) => a - b)
      : this.state.layers.filter((l) => l !== index);
    return { axis, layers };
  }
}

function checkDims(a: Dims, b: Dims): void {
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new RegionError(
      `Region dims ${a.join('×')} do not match the volume's ${b.join('×')}; a region ` +
        `annotation must have the volume's shape.`,
    );
  }
}

/** Ascending unique layers; each must exist along `axis`. */
export function normalizeLayers(layers: readonly number[], dims: Dims, axis: Axis): number[] {
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= dims[axis]) {
      throw new RegionError(
        `Annotated layer ${String(l)} is outside 0..${dims[axis] - 1} along axis ${'ijk'[axis]}.`,
      );
    }
  }
  return [...new Set(layers)].sort((a, b) => a - b);
}
