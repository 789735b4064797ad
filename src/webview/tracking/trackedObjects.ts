/**
 * The tracked objects of the open volume as the webview holds them: name, kind, colour, prompts
 * per layer and a mask per layer (rows x cols bytes along the current depth axis), plus their
 * conversion to and from the host's TrackedObjectState (whole-volume run lengths in NIfTI order).
 */
import { encodeRuns, forEachInsideRun } from '../../core/labels/maskRuns';
import { layerAxes } from '../../core/volume/layers';
import type { PromptShape } from '../../core/tracker/promptShapes';
import type { Axis } from '../../core/volume/volume';
import type {
  LayerPromptInfo,
  PromptPointInfo,
  TrackedObjectState,
} from '../../protocol/editorMessages';
import type { ObjectKind } from '../../core/tracker/trackTypes';

export interface TrackedObject {
  readonly id: number;
  name: string;
  kind: ObjectKind;
  color: string;
  /** Depth axis the prompts' layers run along (masks always follow the current axis). */
  axis: Axis;
  prompts: LayerPromptInfo[];
  /** Layer -> rows x cols mask (1 inside); layers without a mask are absent. */
  masks: Map<number, Uint8Array>;
}

export interface MaskGeometry {
  readonly dims: readonly [number, number, number];
  readonly axis: Axis;
}

/** Distinct on dark and light backgrounds; cycled by object id. */
const PALETTE = ['#ff5a5a', '#3fd16b', '#4aa3ff', '#ffc933', '#d670ff', '#2ed9d9', '#ff8f3f'];

export function colorFor(id: number): string {
  return PALETTE[(id - 1) % PALETTE.length] ?? '#ff5a5a';
}

export function addPoint(
  prompts: readonly LayerPromptInfo[],
  layer: number,
  point: PromptPointInfo,
): LayerPromptInfo[] {
  return withLayer(prompts, layer, (p) => ({ ...p, points: [...p.points, point] }));
}

/** The prompts without `point` on `layer`; a layer left without points or shapes is dropped. */
export function removePoint(
  prompts: readonly LayerPromptInfo[],
  layer: number,
  point: PromptPointInfo,
): LayerPromptInfo[] {
  return withLayer(prompts, layer, (p) => ({ ...p, points: p.points.filter((q) => q !== point) }));
}

export function addShape(
  prompts: readonly LayerPromptInfo[],
  layer: number,
  shape: PromptShape,
): LayerPromptInfo[] {
  return withLayer(prompts, layer, (p) => ({ ...p, shapes: [...(p.shapes ?? []), shape] }));
}

/** The prompts with shape `index` on `layer` replaced (moved), or removed when `shape` is null. */
export function replaceShape(
  prompts: readonly LayerPromptInfo[],
  layer: number,
  index: number,
  shape: PromptShape | null,
): LayerPromptInfo[] {
  return withLayer(prompts, layer, (p) => {
    const shapes = [...(p.shapes ?? [])];
    if (shape) shapes[index] = shape;
    else shapes.splice(index, 1);
    return { ...p, shapes };
  });
}

export function pointsOn(object: TrackedObject, layer: number): readonly PromptPointInfo[] {
  return object.prompts.find((p) => p.layer === layer)?.points ?? [];
}

export function shapesOn(object: TrackedObject, layer: number): readonly PromptShape[] {
  return object.prompts.find((p) => p.layer === layer)?.shapes ?? [];
}

/** A layer prompt copied (its shapes too; `shapes` only where there are some). */
export function copyPrompt(p: LayerPromptInfo): LayerPromptInfo {
  const points = [...p.points];
  return p.shapes?.length
    ? { layer: p.layer, points, shapes: [...p.shapes] }
    : { layer: p.layer, points };
}

/** The prompts with `layer`'s entry changed; an entry left empty is dropped, layers stay sorted. */
function withLayer(
  prompts: readonly LayerPromptInfo[],
  layer: number,
  change: (prompt: LayerPromptInfo) => LayerPromptInfo,
): LayerPromptInfo[] {
  const existing = prompts.find((p) => p.layer === layer) ?? { layer, points: [] };
  const updated = copyPrompt(change(existing));
  const keep = updated.points.length > 0 || (updated.shapes?.length ?? 0) > 0;
  return [...prompts.filter((p) => p.layer !== layer), ...(keep ? [updated] : [])].sort(
    (a, b) => a.layer - b.layer,
  );
}

/** Maps voxel index n (NIfTI order) to (layer, pixel) for a depth axis. */
function voxelToLayer(geo: MaskGeometry): (n: number) => [number, number] {
  const [nx, ny] = geo.dims;
  const [across, down] = layerAxes(geo.axis);
  const width = geo.dims[across];
  return (n) => {
    const ijk = [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))];
    return [ijk[geo.axis] ?? 0, (ijk[across] ?? 0) + width * (ijk[down] ?? 0)];
  };
}

export function toState(object: TrackedObject, geo: MaskGeometry): TrackedObjectState {
  const [nx, ny, nz] = geo.dims;
  const count = nx * ny * nz;
  let runs: Uint32Array;
  if (geo.axis === 2) {
    // Layers along k are contiguous in NIfTI order: whole empty layers are one run.
    const plane = nx * ny;
    runs = encodeRuns(count, (n) => {
      const mask = object.masks.get(Math.floor(n / plane));
      return mask !== undefined && mask[n % plane] === 1;
    });
  } else {
    const where = voxelToLayer(geo);
    runs = encodeRuns(count, (n) => {
      const [layer, pixel] = where(n);
      return object.masks.get(layer)?.[pixel] === 1;
    });
  }
  return {
    id: object.id,
    name: object.name,
    kind: object.kind,
    color: object.color,
    axis: object.axis,
    prompts: object.prompts.map(copyPrompt),
    masks: runs.buffer as ArrayBuffer,
  };
}

export function fromState(state: TrackedObjectState, geo: MaskGeometry): TrackedObject {
  const [nx, ny, nz] = geo.dims;
  const [across, down] = layerAxes(geo.axis);
  const size = geo.dims[across] * geo.dims[down];
  const masks = new Map<number, Uint8Array>();
  const where = voxelToLayer(geo);
  forEachInsideRun(new Uint32Array(state.masks), nx * ny * nz, (start, end) => {
    for (let n = start; n < end; n++) {
      const [layer, pixel] = where(n);
      let mask = masks.get(layer);
      if (!mask) masks.set(layer, (mask = new Uint8Array(size)));
      mask[pixel] = 1;
    }
  });
  return {
    id: state.id,
    name: state.name,
    kind: state.kind,
    color: state.color,
    axis: state.axis,
    prompts: state.prompts.map(copyPrompt),
    masks,
  };
}
