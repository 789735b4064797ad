/**
 * The sparse-annotation loop in the webview: screens the volume's layers for blank ones (the user
 * moves the threshold), samples layers to annotate (seeded) and steps the viewer to them, asks
 * the host to train and predict, orders the predicted layers by doubt for the review and shows
 * the predicted region's outline, and passes accept / mark / finish to the host. The region
 * annotation itself (paint, annotated layers) is the brush's and the host document's; this only
 * reads the annotated layers from their messages.
 */
import type { MessageOf, MessageTable } from '../messageTable';
import type { EditorFeature } from '../editorFeature';
import type { Group } from 'three';
import { doubtScores, reviewOrder, type DoubtResult } from '../../core/sparse/doubtScores';
import { sampleLayers } from '../../core/sparse/sampleLayers';
import { DEFAULT_SPARSE_SETTINGS } from '../../core/sparse/sparseConstants';
import {
  blankFromScores,
  nonBlankLayers,
  screenBlankLayers,
} from '../../core/sparse/screenBlankLayers';
import { extractLayer, layerShape } from '../../core/volume/layers';
import type { Axis, Volume } from '../../core/volume/volume';
import type {
  FromWebviewMessage,
  SparseDevice,
  SparsePanelSettings,
  SparseStatusMessage,
} from '../../protocol/editorMessages';
import { MaskOverlay } from '../tracking/maskOverlay';
import { SparsePanel } from './sparsePanel';
import { regionOutline } from './regionOutline';

export const SCREENING_MEASURE =
  'the fraction of a layer\u2019s pixels whose 3×3 mean is above the middle of the volume\u2019s 1st–99.5th percentile window';

export interface SparseHost {
  post(message: FromWebviewMessage): void;
  /** Steps the viewer to a layer. */
  setLayer(layer: number): void;
  /** Redraw (the overlay changed). */
  changed(): void;
}

interface Prediction {
  readonly axis: Axis;
  readonly layers: readonly number[];
  readonly maps: readonly (Uint8Array | null)[];
  readonly doubt: DoubtResult;
  readonly order: readonly number[];
  readonly step: number | null;
}

export class SparseController implements EditorFeature {
  readonly panel: SparsePanel;
  private readonly overlay: MaskOverlay | null;
  private volume: Volume | null = null;
  private axis: Axis = 2;
  private scores: Float32Array | null = null;
  private nonBlank: number[] = [];
  private settings: SparsePanelSettings = DEFAULT_SPARSE_SETTINGS;
  private regionsAxis: Axis | null = null;
  private annotated: readonly number[] = [];
  private prediction: Prediction | null = null;
  private reviewAt = -1;
  private status: SparseStatusMessage | null = null;
  private hasModel = false;
  private folder = '';
  private layer = 0;
  private shown = { width: 0, height: 0, aspect: 1 };
  private showPrediction = true;
  private saveTimer: number | undefined;

  constructor(
    private readonly host: SparseHost,
    overlayParent: Group | null,
  ) {
    this.overlay = overlayParent ? new MaskOverlay(overlayParent) : null;
    this.overlay?.setOpacity(0.9);
    this.panel = new SparsePanel({
      threshold: (value) => this.setThreshold(value),
      sample: (count, seed) => this.sample(count, seed),
      stepSampled: (step) => this.stepSampled(step),
      toggleAnnotated: () =>
        this.host.post({
          type: 'sparseMark',
          layer: this.layer,
          annotated: !this.annotatedHere().includes(this.layer),
        }),
      train: (steps, device) => this.run('train', steps, device),
      predict: (device) => this.run('predict', this.settings.trainSteps, device),
      stop: () => this.host.post({ type: 'sparseStop' }),
      stepReview: (step) => this.stepReview(step),
      accept: () => this.host.post({ type: 'sparseAccept', layer: this.layer }),
      showPrediction: (on) => {
        this.showPrediction = on;
        this.drawOverlay();
      },
      finish: (enfacePath) => {
        this.edit({ enfacePath });
        this.host.post({ type: 'sparseFinish', enfacePath });
      },
      browse: () => this.host.post({ type: 'sparseBrowse' }),
      settingsEdited: () => this.readPanelSettings(),
    });
    this.sync();
  }

  // ---- from the host ----

  /** The sparse messages, and the region messages it watches (the brush mirrors those). */
  registerMessages(table: MessageTable): void {
    const watchRegions = (message: MessageOf<'regions' | 'applyRegionEdit'>) => {
      this.regionsAxis = message.axis;
      this.annotated = message.layers;
      this.sync();
    };
    table.on('regions', watchRegions);
    table.on('applyRegionEdit', watchRegions);
    table.on('sparseState', (message) => {
      if (message.settings) this.settings = message.settings;
      this.hasModel = message.hasModel;
      this.folder = message.folder;
      const s = this.settings;
      this.panel.setSettings(s.sampleCount, s.sampleSeed, s.trainSteps, s.device, s.enfacePath);
      this.applyThreshold();
    });
    table.on('sparseStatus', (message) => {
      this.status = message;
      if (message.task === 'train' && message.phase === 'done') this.hasModel = true;
      this.sync();
    });
    table.on('sparsePrediction', (message) =>
      this.setPrediction(message.axis, message.layers, message.buffer, message.step),
    );
    table.on('sparseBrowsed', (message) => {
      this.panel.enface.value = message.path;
      this.edit({ enfacePath: message.path });
    });
  }

  // ---- from the app ----

  volumeOpened(volume: Volume, axis: Axis): void {
    this.volume = volume;
    this.axis = axis;
    this.prediction = null;
    // After the first layer is on screen: screening reads every layer (about 1.5 s for 400×400×640).
    window.setTimeout(() => {
      if (this.volume === volume) this.screen();
    }, 0);
  }

  axisChanged(volume: Volume, axis: Axis): void {
    this.volumeOpened(volume, axis);
  }

  showLayer(layer: number, width: number, height: number, aspect: number): void {
    this.layer = layer;
    this.shown = { width, height, aspect };
    if (this.prediction) {
      const at = this.prediction.order.indexOf(layer);
      if (at >= 0) this.reviewAt = at;
    }
    this.drawOverlay();
    this.sync();
  }

  // ---- steps ----

  private screen(): void {
    const volume = this.volume;
    if (!volume) return;
    this.scores = screenBlankLayers(volume, this.axis, {
      threshold: this.settings.blankThreshold,
    }).score;
    this.applyThreshold();
  }

  private setThreshold(value: number): void {
    this.edit({ blankThreshold: value });
    this.applyThreshold();
  }

  private applyThreshold(): void {
    if (this.scores) {
      const blank = blankFromScores(this.scores, this.settings.blankThreshold);
      this.nonBlank = nonBlankLayers({ blank });
    }
    this.sync();
  }

  private sample(count: number, seed: number): void {
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || seed < 0) {
      this.localStatus('Sample: N must be a whole number ≥ 1 and the seed a whole number ≥ 0.');
      return;
    }
    const exclude = this.annotatedHere().map((layer) => ({ volumeIndex: 0, layer }));
    const sampled = sampleLayers(this.nonBlank, count, seed, { exclude }).map((r) => r.layer);
    this.edit({ sampleCount: count, sampleSeed: seed, sampled });
    if (sampled.length > 0) this.host.setLayer(sampled[0]!);
    else this.localStatus('Nothing to sample: every non-blank layer is annotated already.');
  }

  private stepSampled(step: 1 | -1): void {
    const list = this.settings.sampled;
    if (list.length === 0) return;
    const at = list.indexOf(this.layer);
    const next =
      at < 0 ? (step > 0 ? 0 : list.length - 1) : (at + step + list.length) % list.length;
    this.host.setLayer(list[next]!);
  }

  private run(task: 'train' | 'predict', steps: number, device: SparseDevice): void {
    if (task === 'train') this.edit({ trainSteps: steps, device });
    if (!Number.isInteger(steps) || steps < 1) {
      this.localStatus('Training steps must be a whole number ≥ 1.');
      return;
    }
    this.host.post({ type: 'sparseRun', task, device, steps, layers: this.nonBlank });
  }

  private setPrediction(
    axis: Axis,
    layers: readonly number[],
    buffer: ArrayBuffer,
    step: number | null,
  ): void {
    const volume = this.volume;
    if (!volume) return;
    const data = new Uint8Array(buffer);
    const { width, height } = layerShape(volume.dims, axis);
    const predicted = new Set(layers);
    const layer = new Float32Array(width * height);
    const source: Volume = { ...volume, type: 'uint8', data };
    const maps = Array.from({ length: volume.dims[axis] }, (_, index) => {
      if (!predicted.has(index)) return null;
      return Uint8Array.from(extractLayer(source, axis, index, layer));
    });
    const doubt = doubtScores(maps, width, height, { scale: 255 });
    this.prediction = { axis, layers, maps, doubt, order: reviewOrder(doubt.doubt), step };
    this.reviewAt = -1;
    this.drawOverlay();
    this.sync();
  }

  private stepReview(step: 1 | -1): void {
    const order = this.prediction?.order ?? [];
    if (order.length === 0) return;
    this.reviewAt = Math.min(order.length - 1, Math.max(0, this.reviewAt + step));
    this.host.setLayer(order[this.reviewAt]!);
  }

  // ---- helpers ----

  /** Annotated layers, when they run along the viewer's axis. */
  private annotatedHere(): readonly number[] {
    return this.regionsAxis === null || this.regionsAxis === this.axis ? this.annotated : [];
  }

  private edit(patch: Partial<SparsePanelSettings>): void {
    this.settings = { ...this.settings, ...patch };
    this.sync();
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(
      () => this.host.post({ type: 'sparseSettings', settings: this.settings }),
      300,
    );
  }

  private readPanelSettings(): void {
    const p = this.panel;
    const count = Number(p.count.value);
    const seed = Number(p.seed.value);
    const steps = Number(p.steps.value);
    this.edit({
      ...(Number.isInteger(count) && count >= 1 ? { sampleCount: count } : {}),
      ...(Number.isInteger(seed) && seed >= 0 ? { sampleSeed: seed } : {}),
      ...(Number.isInteger(steps) && steps >= 1 ? { trainSteps: steps } : {}),
      device: p.deviceValue(),
      enfacePath: p.enface.value,
    });
  }

  private localStatus(text: string): void {
    this.status = { type: 'sparseStatus', task: 'predict', phase: 'failed', text, fraction: -1 };
    this.sync();
  }

  private drawOverlay(): void {
    const overlay = this.overlay;
    if (!overlay) return;
    const map = this.prediction?.axis === this.axis ? this.prediction.maps[this.layer] : null;
    const { width, height, aspect } = this.shown;
    if (!map || !this.showPrediction || map.length !== width * height) {
      overlay.setMasks([], width, height, aspect);
    } else {
      overlay.setMasks(
        [{ mask: regionOutline(map, width, height), color: '#ffd000' }],
        width,
        height,
        aspect,
      );
    }
    this.host.changed();
  }

  private reviewText(): string {
    const p = this.prediction;
    if (!p) return 'no prediction yet';
    const score = p.doubt.doubt[this.layer];
    if (p.axis !== this.axis) return 'the prediction runs along another axis';
    if (score === undefined || Number.isNaN(score)) {
      return `${p.order.length} layers predicted; layer ${this.layer} is not one of them`;
    }
    const rank = p.order.indexOf(this.layer) + 1;
    const d = p.doubt.disagreement[this.layer]!;
    const u = p.doubt.uncertainty[this.layer]!;
    return `#${rank}/${p.order.length} doubt ${score.toFixed(2)} = ½ disagreement ${d.toFixed(2)} + ½ uncertainty ${u.toFixed(2)}`;
  }

  private sync(): void {
    const p = this.prediction;
    const predictedHere = p !== null && p.axis === this.axis && p.maps[this.layer] != null;
    this.panel.sync({
      measure: SCREENING_MEASURE,
      threshold: this.settings.blankThreshold,
      nonBlank: this.nonBlank,
      layerCount: this.volume ? this.volume.dims[this.axis] : 0,
      sampled: this.settings.sampled,
      annotated: this.annotatedHere(),
      layer: this.layer,
      busy: this.status?.phase === 'running' && this.status.task !== 'finish',
      hasModel: this.hasModel,
      reviewText: this.reviewText(),
      canAccept: predictedHere,
      predicted: p?.order.length ?? 0,
      status: this.status,
      folder: this.folder,
    });
    this.panel.element.title =
      'Review order: doubt = ½ disagreement (1 − Dice of the predicted region with the layers just above and below: regions change slowly with depth) + ½ uncertainty (mean 1 − |2p − 1| over pixels with p ≥ 0.25). Highest first.';
  }
}
