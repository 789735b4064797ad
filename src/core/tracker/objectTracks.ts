/**
 * Several objects on one volume, each tracked on its own (docs/model-bundle.md 5.6): an
 * object's prompts, its latest per-layer masks, and whether they still follow from the prompts.
 * Any prompt change re-conditions: the next propagation reruns that object from its prompts,
 * reusing the shared feature cache. This is the model the webview and the CLI drive; the
 * document (undo, save) keeps the objects' states through `snapshot`-style accessors.
 */
import type { PromptShape } from './promptShapes';
import type { SamTracker } from './tracker';
import type {
  LayerPrompt,
  ObjectKind,
  PromptPoint,
  TrackedFrame,
  TrackOptions,
  TrackResult,
} from './trackTypes';

export interface TrackObject {
  /** 1-based; also the object's value in a label volume. */
  readonly id: number;
  name: string;
  kind: ObjectKind;
  /** Layer -> points in click order. */
  readonly prompts: Map<number, PromptPoint[]>;
  /** Layer -> scribbles, boxes and lassos in drawing order. */
  readonly shapes: Map<number, PromptShape[]>;
  /** Layer -> the latest mask result of that layer. */
  readonly frames: Map<number, TrackedFrame>;
  /** false after a prompt change until the next propagation finishes. */
  upToDate: boolean;
}

export class ObjectTracks {
  private readonly objects = new Map<number, TrackObject>();
  private nextId = 1;

  constructor(private readonly tracker: SamTracker) {}

  list(): TrackObject[] {
    return [...this.objects.values()];
  }

  get(id: number): TrackObject {
    const object = this.objects.get(id);
    if (!object)
      throw new RangeError(
        `No object ${id} (objects: ${[...this.objects.keys()].join(', ') || 'none'}).`,
      );
    return object;
  }

  add(name: string, kind: ObjectKind, id = this.nextId): TrackObject {
    if (!Number.isInteger(id) || id < 1 || id > 65535 || this.objects.has(id)) {
      throw new RangeError(`Object id ${id} is taken or outside 1–65535.`);
    }
    const object: TrackObject = {
      id,
      name,
      kind,
      prompts: new Map(),
      shapes: new Map(),
      frames: new Map(),
      upToDate: true,
    };
    this.objects.set(id, object);
    this.nextId = Math.max(this.nextId, id + 1);
    return object;
  }

  remove(id: number): void {
    this.get(id);
    this.objects.delete(id);
  }

  /** Adds a click; returns the prompted layer's mask decoded alone, for immediate display. */
  async addPoint(id: number, layer: number, point: PromptPoint): Promise<TrackedFrame> {
    const object = this.get(id);
    const points = [...(object.prompts.get(layer) ?? []), point];
    object.prompts.set(layer, points);
    return this.previewAfterChange(object, layer);
  }

  /** Adds a drawn shape; returns the prompted layer's mask decoded alone, as addPoint does. */
  async addShape(id: number, layer: number, shape: PromptShape): Promise<TrackedFrame> {
    const object = this.get(id);
    object.shapes.set(layer, [...(object.shapes.get(layer) ?? []), shape]);
    return this.previewAfterChange(object, layer);
  }

  /** Replaces a drawn shape (moved or reshaped); returns the layer's new preview. */
  async replaceShape(
    id: number,
    layer: number,
    index: number,
    shape: PromptShape,
  ): Promise<TrackedFrame> {
    const object = this.get(id);
    this.shapeList(object, layer, index)[index] = shape;
    return this.previewAfterChange(object, layer);
  }

  removeShape(id: number, layer: number, index: number): void {
    const object = this.get(id);
    const shapes = this.shapeList(object, layer, index);
    shapes.splice(index, 1);
    if (shapes.length === 0) object.shapes.delete(layer);
    this.invalidate(object);
  }

  removePoint(id: number, layer: number, index: number): void {
    const object = this.get(id);
    const points = object.prompts.get(layer);
    if (!points || index < 0 || index >= points.length) {
      throw new RangeError(`Object ${id} has no point ${index} on layer ${layer}.`);
    }
    points.splice(index, 1);
    if (points.length === 0) object.prompts.delete(layer);
    this.invalidate(object);
  }

  clearLayer(id: number, layer: number): void {
    const object = this.get(id);
    object.prompts.delete(layer);
    object.shapes.delete(layer);
    this.invalidate(object);
  }

  /** Each prompted layer's clicks and shapes, by layer; `shapes` only where a layer has some. */
  promptsOf(id: number): LayerPrompt[] {
    const object = this.get(id);
    const layers = [...new Set([...object.prompts.keys(), ...object.shapes.keys()])];
    return layers
      .sort((a, b) => a - b)
      .map((layer) => {
        const points = [...(object.prompts.get(layer) ?? [])];
        const shapes = object.shapes.get(layer);
        return shapes ? { layer, points, shapes: [...shapes] } : { layer, points };
      });
  }

  /**
   * Tracks the object from all its prompts. Layers are replaced as they come in (onFrame), so
   * a cancelled propagation leaves the finished layers updated and the object not up to date.
   */
  async propagate(id: number, options: TrackOptions = {}): Promise<TrackResult> {
    const object = this.get(id);
    const result = await this.tracker.track(this.promptsOf(id), {
      kind: object.kind,
      ...options,
      onFrame: (frame) => {
        object.frames.set(frame.layer, frame);
        options.onFrame?.(frame);
      },
    });
    for (const [layer, frame] of result.frames) object.frames.set(layer, frame);
    object.upToDate = options.range === undefined && (options.direction ?? 'both') === 'both';
    return result;
  }

  /**
   * Labels of one layer, rows x cols: each object's id where its mask is set; where objects
   * overlap, the later-added one wins.
   */
  labelLayer(layer: number, out?: Uint16Array): Uint16Array {
    const { rows, cols } = this.tracker.layers;
    const labels = out ?? new Uint16Array(rows * cols);
    labels.fill(0);
    for (const object of this.objects.values()) {
      const mask = object.frames.get(layer)?.mask;
      if (!mask) continue;
      for (let i = 0; i < mask.length; i++) if (mask[i]) labels[i] = object.id;
    }
    return labels;
  }

  private async previewAfterChange(object: TrackObject, layer: number): Promise<TrackedFrame> {
    this.invalidate(object);
    const preview = await this.tracker.previewLayer(
      layer,
      object.prompts.get(layer) ?? [],
      object.shapes.get(layer) ?? [],
    );
    object.frames.set(layer, preview);
    return preview;
  }

  private shapeList(object: TrackObject, layer: number, index: number): PromptShape[] {
    const shapes = object.shapes.get(layer);
    if (!shapes || !Number.isInteger(index) || index < 0 || index >= shapes.length) {
      throw new RangeError(`Object ${object.id} has no shape ${index} on layer ${layer}.`);
    }
    return shapes;
  }

  /** Masks of layers not re-tracked since the prompts changed would be stale: drop them. */
  private invalidate(object: TrackObject): void {
    object.upToDate = false;
    object.frames.clear();
  }
}
