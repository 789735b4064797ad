/**
 * The Measures panel's controller: measures the tracked objects with src/core/measure (in the
 * measures worker) while the panel is open or the sector grid is shown, again a moment after
 * the masks, the depth range or the axis change; shows the tables of the current layer, the
 * range and the objects, and a measure against depth; draws the sector grid on the layer and
 * projection views; copies every row as TSV and hands the measured volume to the host for
 * "Export Measures…".
 */
import type { Group } from 'three';
import {
  measuredVolumeRows,
  formatMeasures,
  measuresReport,
} from '../../core/measure/measureExport';
import { labelsByKind, type MeasuredVolume } from '../../core/measure/measureReport';
import type { MeasureRow } from '../../core/measure/measureRows';
import { planeGeometry } from '../../core/measure/planeGeometry';
import { sectorBoundaries, sectorGrid } from '../../core/measure/sectorGrid';
import { splitCaseFile } from '../../core/volume/caseFiles';
import type { Axis, Volume } from '../../core/volume/volume';
import type { FromWebviewMessage, VolumeHeaderInfo } from '../../protocol/editorMessages';
import type { EditorFeature } from '../editorFeature';
import type { MessageTable } from '../messageTable';
import { MaskOverlay } from '../tracking/maskOverlay';
import type { TrackedObject } from '../tracking/trackedObjects';
import { DEPTH_MEASURES, depthSeries, panelTables } from './measureTables';
import { MeasuresClient } from './measuresClient';
import { MeasuresPanel, type MeasuresView } from './measuresPanel';
import { objectLabelVolume, sidecarObjects } from './objectLabels';

export interface MeasuresHost {
  post(message: FromWebviewMessage): void;
  /** The overlays changed: redraw. */
  changed(): void;
  /** The tracked objects now (the tracking controller's). */
  objects(): Iterable<TrackedObject>;
}

export interface MeasuresTargets {
  readonly layerOverlay: Group | null;
  readonly projectionOverlay: Group | null;
  /** dist/webview/ URL, where the worker is. */
  readonly runtimeBase: string;
}

export interface MeasuresSnapshot {
  readonly state: MeasuresView['state'];
  readonly status: string;
  readonly rows: number;
  readonly grid: boolean;
}

/** Wait after the last change before measuring: a propagation changes a layer at a time. */
const MEASURE_DELAY_MS = 400;
const GRID_COLOR = '#ffd54f';

interface Shape {
  width: number;
  height: number;
  aspect: number;
}

export class MeasuresController implements EditorFeature {
  readonly panel: MeasuresPanel;
  private readonly client: MeasuresClient;
  private readonly overlays: MaskOverlay[];
  private header: VolumeHeaderInfo | null = null;
  private axis: Axis = 2;
  private range: readonly [number, number] | null = null;
  private layer = 0;
  private layerShape: Shape | null = null;
  private projectionShape: Shape | null = null;
  private gridOn = false;
  private plotId = DEPTH_MEASURES[0]!.id;
  private measured: MeasuredVolume | null = null;
  private rows: MeasureRow[] = [];
  private dirty = true;
  private busy = false;
  private failure: string | null = null;
  private timer: number | undefined;
  private exportWanted = false;

  constructor(
    private readonly host: MeasuresHost,
    targets: MeasuresTargets,
  ) {
    this.client = new MeasuresClient(targets.runtimeBase);
    this.overlays = [targets.layerOverlay, targets.projectionOverlay].flatMap((g) =>
      g ? [new MaskOverlay(g)] : [],
    );
    for (const overlay of this.overlays) overlay.setOpacity(0.85);
    this.panel = new MeasuresPanel({
      opened: () => this.schedule(0),
      grid: (on) => {
        this.gridOn = on;
        this.drawGrid();
        this.schedule(0);
      },
      plotMeasure: (id) => {
        this.plotId = id;
        this.sync();
      },
      copy: () => this.copy(),
      export: () => this.requestExport(),
    });
    this.sync();
  }

  registerMessages(table: MessageTable): void {
    table.on('requestMeasuresExport', () => this.requestExport());
  }

  // ---- from the app ----

  volumeOpened(_volume: Volume, axis: Axis, header: VolumeHeaderInfo): void {
    this.header = header;
    this.axis = axis;
    this.range = null; // rangeChanged follows with the kept range
    this.measured = null;
    this.rows = [];
    this.changed();
  }

  axisChanged(_volume: Volume, axis: Axis): void {
    this.axis = axis;
    this.range = null;
    this.changed();
  }

  rangeChanged(range: readonly [number, number] | null): void {
    this.range = range;
    this.changed();
  }

  /** The masks or the objects changed. */
  objectsChanged(): void {
    this.changed();
  }

  showLayer(layer: number, width: number, height: number, aspect: number): void {
    this.layer = layer;
    this.layerShape = { width, height, aspect };
    this.drawGrid();
    if (this.panel.open) this.sync();
  }

  showProjection(_from: number, _to: number, width: number, height: number, aspect: number): void {
    this.projectionShape = { width, height, aspect };
    this.drawGrid();
  }

  snapshot(): MeasuresSnapshot {
    return {
      state: this.state(),
      status: this.status(),
      rows: this.rows.length,
      grid: this.gridOn,
    };
  }

  // ---- measuring ----

  private changed(): void {
    this.dirty = true;
    this.schedule(MEASURE_DELAY_MS);
  }

  /** Measures after `delayMs` when someone looks (panel open, grid shown, export asked). */
  private schedule(delayMs: number): void {
    window.clearTimeout(this.timer);
    if (!this.dirty || !this.header) return this.sync();
    if (!this.panel.open && !this.gridOn && !this.exportWanted) return;
    this.timer = window.setTimeout(() => this.measure(), delayMs);
  }

  private measure(): void {
    const header = this.header;
    if (!header) return;
    this.dirty = false;
    const objects = [...this.host.objects()];
    if (objects.length === 0) {
      this.measured = null;
      this.rows = [];
      this.failure = null;
      this.finishExport();
      this.sync();
      return;
    }
    let kinds: ReturnType<typeof labelsByKind>;
    try {
      kinds = labelsByKind(objects);
    } catch (error) {
      this.fail((error as Error).message);
      return;
    }
    const geo = { dims: header.dims, axis: this.axis };
    const name = splitCaseFile(header.fileName)?.name ?? header.fileName;
    this.busy = true;
    this.sync();
    this.client.measure(
      {
        volume: header.fileName,
        segmentation: `${name}.seg.nii.gz`,
        source: header,
        labels: { dims: header.dims, data: objectLabelVolume(objects, geo) },
        axis: this.axis,
        // The host adds the model that made the masks (its document knows it).
        model: null,
        objects: sidecarObjects(objects),
        ...kinds,
        range: this.range ?? undefined,
        notices: header.notices,
      },
      (outcome) => {
        this.busy = false;
        if (!outcome.ok) {
          this.fail(outcome.message);
          return;
        }
        this.failure = null;
        this.measured = outcome.measured;
        this.rows = measuredVolumeRows(outcome.measured);
        this.drawGrid();
        this.finishExport();
        this.sync();
      },
    );
  }

  private fail(message: string): void {
    this.busy = false;
    this.failure = message;
    this.measured = null;
    this.rows = [];
    this.drawGrid();
    this.finishExport();
    this.sync();
  }

  // ---- copy and export ----

  private copy(): void {
    if (!this.measured) return;
    const text = formatMeasures(measuresReport([this.measured]), 'tsv');
    this.host.post({ type: 'copyText', text, what: `${this.rows.length} rows of measures` });
  }

  private requestExport(): void {
    this.exportWanted = true;
    if (!this.dirty && !this.busy) this.finishExport();
    else this.schedule(0);
  }

  private finishExport(): void {
    if (!this.exportWanted) return;
    this.exportWanted = false;
    if (this.measured) {
      this.host.post({ type: 'exportMeasures', measured: this.measured });
      return;
    }
    const why =
      this.failure ?? 'there is no object to measure: track or paint a vessel or the FAZ first.';
    this.host.post({ type: 'showError', message: `Measures not exported: ${why}` });
  }

  // ---- drawing ----

  private drawGrid(): void {
    const header = this.header;
    const centre = this.measured?.measures.grid.centreMm;
    const show = this.gridOn && header !== null && centre !== undefined;
    const shapes = [this.layerShape, this.projectionShape];
    this.overlays.forEach((overlay, n) => {
      const shape = shapes[n];
      if (!show || !shape || !header || !centre) {
        overlay.setMasks([], 0, 0, 1);
        return;
      }
      const grid = sectorGrid(planeGeometry(header, this.axis), centre);
      const lines = sectorBoundaries(grid, shape.width, shape.height);
      overlay.setMasks(
        [{ mask: lines, color: GRID_COLOR }],
        shape.width,
        shape.height,
        shape.aspect,
      );
    });
    this.host.changed();
  }

  private state(): MeasuresView['state'] {
    if (this.busy) return 'busy';
    if (this.failure) return 'failed';
    return this.measured ? 'ready' : 'idle';
  }

  private status(): string {
    if (this.busy) return 'Measuring…';
    if (this.failure) return this.failure;
    const m = this.measured?.measures;
    if (!m) return 'Track or paint an object (a vessel or the FAZ) to measure it.';
    const parts: string[] = [];
    if (m.faz) parts.push(`FAZ ${m.faz.projection.areaMm2.toFixed(3)} mm²`);
    const field = m.vessels?.projection[0];
    if (field?.vadPercent != null) parts.push(`VAD ${field.vadPercent.toFixed(1)} %`);
    if (m.trees.length > 0) parts.push(`${m.trees.length} vessel(s)`);
    return parts.join(' · ');
  }

  private sync(): void {
    const ready = this.measured !== null;
    const tables = ready ? panelTables(this.rows, this.layer) : null;
    const measure = DEPTH_MEASURES.find((m) => m.id === this.plotId) ?? DEPTH_MEASURES[0]!;
    this.panel.sync({
      status: this.status(),
      state: this.state(),
      layer: this.layer,
      range: this.measured ? this.measured.measures.range : this.range,
      layerTables: tables?.layer ?? [],
      rangeTables: tables?.range ?? [],
      objectTables: tables?.objects ?? [],
      series: ready ? depthSeries(this.rows, measure) : [],
      notices: this.measured?.measures.notices ?? [],
    });
  }
}
