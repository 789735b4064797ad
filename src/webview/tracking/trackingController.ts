/**
 * Point prompts and SAM 2 tracking in the editor: turns clicks and toolbar actions into worker
 * jobs, keeps the objects' prompts and masks, shows them (layer overlay, projection footprint,
 * 3D surfaces), and reports every change to the host as an undoable edit. The host's undo/redo
 * come back as `applyEdit` and put an object into its before/after state.
 */
import type { MessageTable } from '../messageTable';
import type { EditorFeature } from '../editorFeature';
import type { Volume } from '../../core/volume/volume';
import type {
  EditorSettings,
  FromWebviewMessage,
  PromptPointInfo,
  TrackedObjectState,
  TrackingEditKind,
  ViewKind,
} from '../../protocol/editorMessages';
import type { TrackDirectionChoice, WorkerFrame } from '../../protocol/workerMessages';
import {
  addPoint,
  addShape,
  colorFor,
  fromState,
  pointsOn,
  removePoint,
  replaceShape,
  shapesOn,
  toState,
  type MaskGeometry,
  type TrackedObject,
} from './trackedObjects';
import { maskAdvice } from '../../core/tracker/maskAdvice';
import { movedShape, type PromptShape } from '../../core/tracker/promptShapes';
import { layerShape } from '../../core/volume/layers';
import { ModelRunner, type ModelFiles } from './modelRunner';
import { ENGINE_LABELS } from '../../engine/engineChoice';
import { TrackingPanel } from './trackingPanel';
import { TrackingViews, type ViewTargets } from './trackingViews';
import type { TrackingSnapshot } from './trackingSnapshot';

export interface TrackingHost {
  post(message: FromWebviewMessage): void;
  /** Something the views show changed. */
  changed(): void;
  /** The objects or the selection may have changed (the brush's label list follows them). */
  objectsChanged?(): void;
}

export interface TrackingTargets extends ViewTargets {
  /** dist/webview/ URL, where the worker and the wasm are. */
  readonly runtimeBase: string;
}

/** A brush edit of one object's mask on one layer (issue 6); see beginMaskEdit. */
export interface ObjectMaskEdit {
  /** The object's live mask on the layer (rows × cols, 1 inside): change it in place. */
  readonly mask: Uint8Array;
  readonly color: string;
  /** Redraw after changing `mask`. */
  redraw(): void;
  /** Ends the edit: one undoable 'brush' edit when the mask changed. */
  commit(label: string): void;
}

interface Job {
  readonly id: number;
  readonly objectId: number;
  readonly before: TrackedObjectState;
}

export class TrackingController implements EditorFeature {
  readonly panel: TrackingPanel;
  private readonly objects = new Map<number, TrackedObject>();
  private selectedId: number | null = null;
  private readonly runner: ModelRunner;
  /** The catalog id of the model last sent by the host. */
  private modelId: string | null = null;
  private note: string | null = null;
  /** Objects added here and not yet sent to the host (see addObject). */
  private readonly unrecorded = new Set<number>();
  /** The host has listed the model bundles (a `models` message came). */
  private modelsListed = false;
  /** The next step after the last click's mask (core/tracker/maskAdvice), or null. */
  private advice: string | null = null;
  private geo: MaskGeometry | null = null;
  private job: Job | null = null;
  private lastClickMs: number | null = null;
  private clicks: Promise<void> = Promise.resolve();
  private lastTrack: TrackingSnapshot['lastTrack'] = null;
  private readonly errors: string[] = [];
  private readonly views: TrackingViews;

  constructor(
    private readonly host: TrackingHost,
    targets: TrackingTargets,
  ) {
    this.runner = new ModelRunner(targets.runtimeBase, {
      backendChanged: (reason) => this.setStatus(reason),
      post: (message) => host.post(message),
    });
    this.views = new TrackingViews(targets, {
      objects: () => this.objects.values(),
      geometry: () => this.geo,
      changed: () => host.changed(),
    });
    this.panel = new TrackingPanel({
      addObject: () => this.addObject(),
      selectObject: (id) => this.select(id),
      selectRegion: () => {
        this.selectedId = null;
        this.sync();
      },
      renameObject: (name) =>
        this.editSelected('renameObject', 'Rename object', (o) => (o.name = name.trim() || o.name)),
      deleteObject: () => this.deleteSelected(),
      setKind: (kind) => this.editSelected('setKind', 'Change target kind', (o) => (o.kind = kind)),
      propagate: (range, direction) => void this.propagate(range, direction),
      cancel: () => this.cancel(),
      clear: () =>
        this.editSelected('clearObject', 'Clear object', (o) => {
          o.prompts = [];
          o.masks = new Map();
        }),
      opacity: (v) => this.views.setOpacity(v),
    });
    this.sync();
  }

  // ---- host messages ----

  /** The model and object messages. */
  registerMessages(table: MessageTable): void {
    table.on('models', (message) => {
      this.modelsListed = true;
      if (message.selected) this.host.post({ type: 'selectModel', id: message.selected });
      else this.setStatus(message.models.length === 0 ? 'No model bundle found.' : null);
    });
    table.on('modelFiles', (message) => {
      this.modelId = message.id;
      void this.loadModel({ id: message.id, name: message.name, files: { ...message.files } });
    });
    table.on('init', (message) => this.engineSettings(message.settings));
    table.on('settingsChanged', (message) => this.engineSettings(message.settings));
    table.on('engineReply', (message) => this.runner.hostMessage(message.message));
    table.on('modelError', (message) => this.fail(`Model ${message.id}: ${message.message}`));
    table.on('segmentation', (message) => {
      this.objects.clear();
      this.unrecorded.clear();
      for (const s of message.objects) this.restore(s);
      this.selectedId = message.objects[0]?.id ?? null;
      this.masksChanged();
    });
    table.on('applyEdit', (message) => {
      const e = message.edit;
      if (this.job?.objectId === e.objectId) this.cancel();
      const state = message.direction === 'undo' ? e.before : e.after;
      if (state) this.restore(state);
      else this.objects.delete(e.objectId);
      if (!state && this.selectedId === e.objectId) this.selectedId = this.firstId();
      if (state && this.selectedId === null) this.selectedId = state.id;
      this.masksChanged();
    });
  }

  // ---- from the app ----

  settingsApplied(settings: EditorSettings): void {
    this.runner.setCacheBudget(settings.embeddingCacheMiB);
  }

  volumeOpened(volume: Volume, axis: MaskGeometry['axis']): void {
    this.geo = { dims: volume.dims, axis };
    this.objects.clear();
    this.unrecorded.clear();
    this.selectedId = null;
    this.runner.setVolume(volume, axis);
    this.masksChanged();
  }

  axisChanged(volume: Volume, axis: MaskGeometry['axis']): void {
    const old = this.geo;
    if (!old || old.axis === axis) return;
    this.cancel();
    const states = [...this.objects.values()].map((o) => toState(o, old));
    this.geo = { dims: old.dims, axis };
    for (const s of states) this.restore(s);
    this.runner.setVolume(volume, axis);
    this.masksChanged();
  }

  showLayer(layer: number, width: number, height: number, aspect: number): void {
    this.views.showLayer(layer, { width, height, aspect });
  }

  showProjection(from: number, to: number, width: number, height: number, aspect: number): void {
    this.views.showProjection(from, to, { width, height, aspect });
  }

  viewChanged(view: ViewKind): void {
    this.views.viewChanged(view);
  }

  beforeDraw(scale: number): void {
    this.views.beforeDraw(scale);
  }

  /**
   * A point prompt. Clicks are handled one after another, so that each edit's before/after
   * states are its own even when clicks come faster than the decoder.
   */
  click(layer: number, x: number, y: number, negative: boolean): void {
    this.clicks = this.clicks.then(() => this.prompt(layer, { x, y, positive: !negative }));
  }

  /**
   * Removes the prompt point on `layer` nearest to (x, y) of the selected object (the keyboard's
   * Delete, issue 16 item 7), queued like clicks; the layer's mask follows the points left.
   */
  removeNearestPoint(layer: number, x: number, y: number): void {
    this.clicks = this.clicks.then(() => this.unprompt(layer, x, y));
  }

  /**
   * A drawn prompt (issue 20): a scribble, box or lasso on `layer` of the selected object,
   * queued like clicks, shown at once with the layer's new mask, undoable as one edit.
   */
  drawShape(layer: number, shape: PromptShape): void {
    this.clicks = this.clicks.then(async () => {
      const start = this.startPrompt();
      if (!start) return;
      start.object.prompts = addShape(start.object.prompts, layer, shape);
      const what = shape.kind === 'scribble' && !shape.positive ? 'Negative scribble' : shape.kind;
      const label = `${what[0].toUpperCase()}${what.slice(1)} on layer ${layer}`;
      await this.previewAndCommit(start.object, layer, label, start.before);
    });
  }

  /**
   * Moves shape `index` of the selected object on `layer` by (dx, dy) pixels, or deletes it
   * (`move` null); queued like clicks, one undoable edit each.
   */
  editShape(layer: number, index: number, move: { dx: number; dy: number } | null): void {
    this.clicks = this.clicks.then(async () => {
      const object = this.selected();
      const shape = object && shapesOn(object, layer)[index];
      if (!this.geo || !object || !shape || object.axis !== this.geo.axis) return;
      const before = toState(object, this.geo);
      const moved = move && movedShape(shape, move.dx, move.dy);
      object.prompts = replaceShape(object.prompts, layer, index, moved);
      const label = `${moved ? 'Move' : 'Delete'} ${shape.kind} on layer ${layer}`;
      await this.promptsEdited(object, layer, label, before);
    });
  }

  /** Shows the shape being drawn (null: none). */
  draftShape(shape: PromptShape | null): void {
    this.views.setDraft(shape);
  }

  /** The selected object's drawn prompts on a layer (the shape tool picks one to edit). */
  shapesOn(layer: number): readonly PromptShape[] {
    const object = this.selected();
    return object && this.geo && object.axis === this.geo.axis ? shapesOn(object, layer) : [];
  }

  private async prompt(layer: number, point: PromptPointInfo): Promise<void> {
    const start = this.startPrompt();
    if (!start) return;
    start.object.prompts = addPoint(start.object.prompts, layer, point);
    const label = `${point.positive ? 'Positive' : 'Negative'} point on layer ${layer}`;
    await this.previewAndCommit(start.object, layer, label, start.before);
  }

  /** The object a new prompt goes to (added when none is selected) and its state before it. */
  private startPrompt(): { object: TrackedObject; before: TrackedObjectState } | null {
    if (!this.geo) return null;
    if (this.selectedId === null) this.addObject();
    const object = this.selected();
    if (!object) return null;
    const before = toState(object, this.geo);
    if (object.axis !== this.geo.axis) {
      // Prompts along another depth axis mean nothing here: start this object's prompts over.
      object.prompts = [];
      object.axis = this.geo.axis;
    }
    return { object, before };
  }

  private async unprompt(layer: number, x: number, y: number): Promise<void> {
    const object = this.selected();
    if (!this.geo || !object || object.axis !== this.geo.axis) return;
    const points = pointsOn(object, layer);
    if (points.length === 0) {
      this.setStatus(`${object.name} has no point on layer ${layer} to remove.`);
      return;
    }
    const distance = (p: PromptPointInfo) => (p.x - x) ** 2 + (p.y - y) ** 2;
    const nearest = points.reduce((a, b) => (distance(b) < distance(a) ? b : a));
    const before = toState(object, this.geo);
    object.prompts = removePoint(object.prompts, layer, nearest);
    await this.promptsEdited(object, layer, `Remove point on layer ${layer}`, before);
  }

  /**
   * After a prompt on `layer` was removed or changed: the layer's mask for what is left, or, with
   * no prompt left there, no mask (it was the answer to them); one undoable edit either way.
   */
  private async promptsEdited(
    object: TrackedObject,
    layer: number,
    label: string,
    before: TrackedObjectState,
  ): Promise<void> {
    if (pointsOn(object, layer).length > 0 || shapesOn(object, layer).length > 0) {
      await this.previewAndCommit(object, layer, label, before);
      return;
    }
    object.masks.delete(layer);
    this.masksChanged();
    this.views.objectsChanged();
    this.commit('prompt', label, object.id, before);
  }

  /** Shows the layer's mask for the object's points on it, then records the edit. */
  private async previewAndCommit(
    object: TrackedObject,
    layer: number,
    label: string,
    before: TrackedObjectState,
  ): Promise<void> {
    this.views.objectsChanged();
    const client = this.runner.tracker;
    if (!client) {
      this.commit('prompt', label, object.id, before);
      this.setStatus('Pick a model to see masks.');
      return;
    }
    const t0 = performance.now();
    try {
      await client.preview(
        object.id,
        layer,
        pointsOn(object, layer),
        {
          frame: (f) => {
            this.lastClickMs = performance.now() - t0;
            this.applyFrame(f);
          },
        },
        shapesOn(object, layer),
      );
      this.adviseOn(object, layer);
    } catch (e) {
      this.fail((e as Error).message);
    }
    this.commit('prompt', label, object.id, before);
  }

  /** Suggests the next step when the layer's mask is empty, small or in pieces. */
  private adviseOn(object: TrackedObject, layer: number): void {
    if (!this.geo) return;
    const { width, height } = layerShape(this.geo.dims, this.geo.axis);
    const mask = object.masks.get(layer) ?? new Uint8Array(width * height);
    this.advice = maskAdvice(mask, width, height, object.kind);
  }

  snapshot(): TrackingSnapshot {
    return {
      model: this.runner.model,
      backend: this.runner.backend,
      note: this.note,
      busy: this.job !== null,
      selected: this.selectedId,
      objects: [...this.objects.values()].map((o) => ({
        id: o.id,
        name: o.name,
        kind: o.kind,
        prompts: o.prompts.reduce((n, p) => n + p.points.length, 0),
        shapes: o.prompts.flatMap((p) => (p.shapes ?? []).map((s) => `${s.kind}@${p.layer}`)),
        layers: Object.fromEntries([...o.masks].map(([l, m]) => [l, area(m)])),
      })),
      lastClickMs: this.lastClickMs,
      lastTrack: this.lastTrack,
      surfaces: this.views.surfaceStats,
      errors: [...this.errors],
    };
  }

  /** An object's mask on a layer as 0/1 values (tests), or null. */
  mask(objectId: number, layer: number): number[] | null {
    const m = this.objects.get(objectId)?.masks.get(layer);
    return m ? Array.from(m) : null;
  }

  /** The objects with their masks, read-only (the Measures panel measures them). */
  trackedObjects(): Iterable<TrackedObject> {
    return this.objects.values();
  }

  /** The selected object, or null while the vessel region is picked (the brush's target). */
  get selectedObject(): number | null {
    return this.selectedId;
  }

  /** Objects for the brush's colours and edit labels. */
  objectList(): { id: number; name: string; color: string }[] {
    return [...this.objects.values()].map((o) => ({ id: o.id, name: o.name, color: o.color }));
  }

  /**
   * Starts a brush edit of an object's mask on a layer; null when there is no such object or it
   * is being tracked. The `before` state is encoded at commit, so a stroke starts at once.
   */
  beginMaskEdit(objectId: number, layer: number, size: number): ObjectMaskEdit | null {
    const object = this.objects.get(objectId);
    if (!object || !this.geo || this.job?.objectId === objectId) return null;
    const old = object.masks.get(layer);
    const mask = old ? old.slice() : new Uint8Array(size);
    object.masks.set(layer, mask);
    return {
      mask,
      color: object.color,
      redraw: () => this.views.objectsChanged(),
      commit: (label) => {
        const geo = this.geo;
        if (!geo || this.objects.get(objectId) !== object) return;
        const changed = !old ? mask.some((v) => v !== 0) : mask.some((v, n) => v !== old[n]);
        if (!mask.some((v) => v !== 0)) object.masks.delete(layer);
        if (changed) {
          const after = toState(object, geo);
          const now = object.masks.get(layer);
          if (old) object.masks.set(layer, old);
          else object.masks.delete(layer);
          const before = toState(object, geo);
          if (now) object.masks.set(layer, now);
          else object.masks.delete(layer);
          const edit = { kind: 'brush' as const, label, objectId, before, after };
          this.host.post({ type: 'edit', edit });
        }
        this.masksChanged();
      },
    };
  }

  /** Builds the 3D surfaces now (tests; the view builds them lazily). */
  buildSurfaces(): void {
    this.views.buildSurfaces();
  }

  // ---- model and worker ----

  private async loadModel(model: ModelFiles): Promise<void> {
    this.cancel();
    this.setStatus(`Loading model ${model.name}…`);
    try {
      this.setStatus(await this.runner.load(model));
    } catch (e) {
      this.fail(`Cannot load model ${model.name}: ${(e as Error).message}`);
    }
  }

  /** `samOcta2.inferenceEngine` (issue 17): a change reloads the model on the new engine. */
  private engineSettings(settings: EditorSettings): void {
    const changed = this.runner.configure({
      setting: settings.inferenceEngine ?? 'auto',
      hostEngines: settings.hostEngines ?? [],
    });
    if (changed && this.runner.model && this.modelId) {
      this.host.post({ type: 'selectModel', id: this.modelId });
    }
  }

  private async propagate(
    range: [number, number] | null,
    direction: TrackDirectionChoice,
  ): Promise<void> {
    const object = this.selected();
    const client = this.runner.tracker;
    if (!object || !client || !this.geo || this.job) return;
    if (object.prompts.length === 0 || object.axis !== this.geo.axis) {
      this.fail('Click the object on a layer first: propagation starts from prompted layers.');
      return;
    }
    const last = this.geo.dims[this.geo.axis] - 1;
    const r: [number, number] | null = range && [Math.max(0, range[0]), Math.min(last, range[1])];
    const before = toState(object, this.geo);
    const { jobId, done } = client.track(object.id, object.prompts, r, direction, object.kind, {
      frame: (f) => this.applyFrame(f),
      progress: (p) => {
        const eta = Number.isFinite(p.etaMs) ? ` · ETA ${Math.ceil(p.etaMs / 1000)} s` : '';
        this.panel.progress(
          p.done / p.total,
          `${p.done}/${p.total} layers · ${p.layersPerSecond.toFixed(1)} layers/s${eta}`,
        );
      },
    });
    this.job = { id: jobId, objectId: object.id, before };
    this.advice = null;
    this.panel.progress(0, 'Starting…');
    this.sync();
    try {
      const result = await done;
      this.lastTrack = {
        layers: result.layers,
        ms: result.ms,
        layersPerSecond: result.ms > 0 ? (1000 * result.layers) / result.ms : 0,
        cancelled: result.cancelled,
      };
      const s = this.lastTrack;
      this.panel.progress(
        -1,
        `${result.cancelled ? 'Cancelled after' : 'Tracked'} ${s.layers} layers · ${s.layersPerSecond.toFixed(1)} layers/s`,
      );
    } catch (e) {
      this.panel.progress(-1, '');
      this.fail((e as Error).message);
    } finally {
      this.job = null;
      const label = `Propagate ${object.name}`;
      if (this.objects.has(object.id)) this.commit('propagation', label, object.id, before);
      this.sync();
    }
  }

  private cancel(): void {
    if (this.job) this.runner.tracker?.cancel(this.job.id);
  }

  private applyFrame(f: WorkerFrame): void {
    const object = this.objects.get(f.objectId);
    if (!object) return;
    const mask = new Uint8Array(f.mask);
    if (area(mask) > 0) object.masks.set(f.layer, mask);
    else object.masks.delete(f.layer);
    this.masksChanged();
  }

  // ---- objects and edits ----

  private addObject(): void {
    if (!this.geo) return;
    const id = this.firstFreeId();
    const object: TrackedObject = {
      id,
      name: `Object ${id}`,
      kind: 'vessel',
      color: colorFor(id),
      prompts: [],
      masks: new Map(),
      axis: this.geo.axis,
    };
    this.objects.set(id, object);
    this.selectedId = id;
    // Recorded with its first edit (issue 16, item 11): one undo after "add object + click" used
    // to leave an empty object behind; now it takes the object away with its click.
    this.unrecorded.add(id);
    this.sync();
  }

  private select(id: number): void {
    if (!this.objects.has(id)) return;
    this.selectedId = id;
    this.sync();
  }

  private editSelected(
    kind: TrackingEditKind,
    label: string,
    change: (o: TrackedObject) => void,
  ): void {
    const object = this.selected();
    if (!object || !this.geo) return;
    const before = toState(object, this.geo);
    change(object);
    this.commit(kind, label, object.id, before);
    this.masksChanged();
  }

  private deleteSelected(): void {
    const object = this.selected();
    if (!object || !this.geo) return;
    const before = toState(object, this.geo);
    this.objects.delete(object.id);
    this.selectedId = this.firstId();
    this.host.post({
      type: 'edit',
      edit: {
        kind: 'deleteObject',
        label: `Delete ${object.name}`,
        objectId: object.id,
        before,
        after: null,
      },
    });
    this.masksChanged();
  }

  private commit(
    kind: TrackingEditKind,
    label: string,
    id: number,
    before: TrackedObjectState | null,
  ): void {
    const object = this.objects.get(id);
    if (!this.geo) return;
    const after = object ? toState(object, this.geo) : null;
    if (this.unrecorded.delete(id)) {
      // The host has never seen this object: its first edit creates it; deleting it is no edit.
      if (!after) return;
      before = null;
      label = kind === 'addObject' ? label : `Add ${after.name}: ${label}`;
    }
    this.host.post({ type: 'edit', edit: { kind, label, objectId: id, before, after } });
  }

  private restore(state: TrackedObjectState): void {
    if (!this.geo) return;
    this.objects.set(state.id, fromState(state, this.geo));
  }

  private selected(): TrackedObject | null {
    return this.selectedId === null ? null : (this.objects.get(this.selectedId) ?? null);
  }

  private firstId(): number | null {
    return this.objects.keys().next().value ?? null;
  }

  private firstFreeId(): number {
    let id = 1;
    while (this.objects.has(id)) id++;
    return id;
  }

  private masksChanged(): void {
    this.views.objectsChanged();
    this.sync();
  }

  // ---- status ----

  /** Tells the host (status bar) and the toolbar which model runs where, and why not. */
  private setStatus(note: string | null): void {
    this.note = note;
    const { model, backend } = this.runner;
    this.host.post({ type: 'trackingStatus', model, backend, note });
    this.sync();
  }

  private fail(message: string): void {
    this.errors.push(message);
    this.note = message;
    this.host.post({ type: 'showError', message });
    this.sync();
  }

  private sync(): void {
    this.host.objectsChanged?.();
    const s = this.selected();
    const { model: name, backend } = this.runner;
    // Until the host lists the bundles, "No model" would be a false alarm (issue 16, item 11).
    const none = this.modelsListed ? 'No model' : 'Finding models…';
    const model = name ? `${name} · ${backend ? ENGINE_LABELS[backend] : ''}` : none;
    const click = this.lastClickMs === null ? '' : ` · click ${Math.round(this.lastClickMs)} ms`;
    this.panel.sync({
      objects: [...this.objects.values()].map((o) => ({ id: o.id, name: o.name, color: o.color })),
      selected: s && { id: s.id, name: s.name, kind: s.kind },
      status: [`${model}${click}`, this.note, this.advice].filter(Boolean).join(' — '),
      busy: this.job !== null,
      canTrack: name !== null,
      layerCount: this.geo ? this.geo.dims[this.geo.axis] : 0,
    });
  }
}

function area(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] ?? 0;
  return n;
}
