/**
 * The host half of one editor's sparse-annotation panel: answers its messages (settings into the
 * regions sidecar, train and predict as `samocta2-region` tasks, accept a reviewed layer, mark a
 * layer annotated, finish into `<name>.vessels.nii.gz`) and tells it what exists on disk. The
 * region annotation itself is the document's (RegionsLayer, undoable); this only calls it.
 */
import * as vscode from 'vscode';
import type {
  SparseFromWebviewMessage,
  SparsePanelSettings,
  SparseTask,
  SparseToWebviewMessage,
} from '../../protocol/editorMessages';
import { ENFACE_DRAWN } from '../../core/sparse/sparseConstants';
import type { Axis } from '../../core/volume/volume';
import type { TrainerTerminal } from '../trainerTask/trainerTerminal';
import type { EnfaceRvLayer } from '../enface/enfaceRvLayer';
import type { RegionsLayer } from '../regions/regionsLayer';
import type { LoadedVolume } from '../volumeLoader';
import { writeFileAtomic } from '../vscodeFolderFs';
import { binarizeEnface, decodeEnface } from './enfaceMask';
import { settingsFromExtras, settingsToExtras } from './panelSettings';
import { decodePrediction, layerOf, type RegionPrediction } from './regionPrediction';
import {
  EDITOR_TRAIN_PRESET,
  REGION_TASK_TYPE,
  layerRanges,
  type RegionTaskDefinition,
} from './regionTaskDefinition';
import { regionOutcome, runRegionTask, type RegionRunContext } from './regionTaskRunner';
import { RUNS_FOLDER, latestCheckpoint, nextRun, sparseFiles } from './sparseFiles';
import { vesselLabels } from './vesselLabels';

/** What the session needs of the VolumeDocument (an interface, so tests can stand in). */
export interface SparseDocument {
  readonly uri: vscode.Uri;
  readonly fileName: string;
  load(): Promise<LoadedVolume>;
  regionsReady(): Promise<RegionsLayer>;
  /** The en-face RV drawn on the projection view (absent: that source is not offered). */
  enfaceRvReady?(): Promise<EnfaceRvLayer>;
}

export interface SparseSessionContext extends RegionRunContext {
  readonly log: vscode.LogOutputChannel;
  /** True while the document has unsaved changes. */
  isDirty(uri: vscode.Uri): boolean;
  /** Saves the document; resolves false when it was not saved. */
  save(uri: vscode.Uri): Promise<boolean>;
}

export class SparseSession implements vscode.Disposable {
  private running: { task: SparseTask; terminal?: TrainerTerminal } | undefined;
  private prediction: RegionPrediction | undefined;
  private disposed = false;

  constructor(
    private readonly document: SparseDocument,
    private readonly post: (message: SparseToWebviewMessage) => void,
    private readonly context: SparseSessionContext,
  ) {}

  private get folder(): vscode.Uri {
    return vscode.Uri.joinPath(this.document.uri, '..');
  }

  private get files() {
    return sparseFiles(this.folder.fsPath, this.document.fileName);
  }

  private get runsFolder(): string {
    return `${this.folder.fsPath}/${RUNS_FOLDER}`;
  }

  /** After `regions`: the stored settings, the folder, a model, and a prediction if any. */
  async sendState(): Promise<void> {
    const regions = await this.document.regionsReady();
    this.post({
      type: 'sparseState',
      settings: settingsFromExtras(regions.extras),
      folder: this.folder.fsPath,
      hasModel: (await this.checkpoint()) !== undefined,
    });
    await this.loadPrediction(false);
  }

  handle(message: SparseFromWebviewMessage): void {
    // Failures end up in the panel's status line (and the log), never thrown into VS Code.
    void this.dispatch(message).catch((error: unknown) => {
      const text = error instanceof Error ? error.message : String(error);
      this.context.log.error(`${this.document.fileName}: sparse ${message.type}: ${text}`);
      const task: SparseTask =
        message.type === 'sparseRun'
          ? message.task
          : message.type === 'sparseFinish'
            ? 'finish'
            : 'predict';
      this.status(task, 'failed', text);
    });
  }

  private async dispatch(message: SparseFromWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'sparseSettings':
        return this.storeSettings(message.settings);
      case 'sparseRun':
        return message.task === 'train'
          ? this.train(message.steps, message.device)
          : this.predict(message.layers, message.device);
      case 'sparseStop':
        this.running?.terminal?.stop();
        return;
      case 'sparseAccept':
        return this.accept(message.layer);
      case 'sparseMark': {
        const regions = await this.document.regionsReady();
        regions.markAnnotated(message.layer, message.annotated);
        return;
      }
      case 'sparseFinish':
        return this.finish(message.enfacePath);
      case 'sparseBrowse':
        return this.browse();
    }
  }

  private async storeSettings(settings: SparsePanelSettings): Promise<void> {
    const regions = await this.document.regionsReady();
    regions.extras = { ...regions.extras, ...settingsToExtras(settings) };
  }

  private status(
    task: SparseTask,
    phase: 'running' | 'done' | 'failed' | 'stopped',
    text: string,
    fraction = -1,
  ): void {
    if (!this.disposed) this.post({ type: 'sparseStatus', task, phase, text, fraction });
  }

  private busy(task: SparseTask): boolean {
    if (!this.running) return false;
    this.status(
      task,
      'failed',
      `A ${this.running.task} task is still running; wait for it or stop it.`,
    );
    return true;
  }

  private async train(steps: number, device: string): Promise<void> {
    if (this.busy('train')) return;
    if (this.context.isDirty(this.document.uri)) {
      const save = 'Save and Train';
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          'SAM-OCTA2: training reads the saved region annotation; {0} has unsaved changes.',
          this.document.fileName,
        ),
        save,
      );
      if (choice !== save || !(await this.context.save(this.document.uri))) {
        this.status('train', 'failed', 'Not trained: save the annotation first.');
        return;
      }
    }
    const regions = await this.document.regionsReady();
    if (regions.annotatedLayers.length === 0) {
      this.status(
        'train',
        'failed',
        'No annotated layers yet: paint the region on a few sampled layers first.',
      );
      return;
    }
    const run = nextRun(this.runsFolder, await this.runEntries(), () => true);
    const previous = await this.checkpoint();
    const definition: RegionTaskDefinition = {
      type: REGION_TASK_TYPE,
      action: 'train',
      data: [this.folder.fsPath],
      out: run.out,
      ...(previous ? { init: previous } : {}),
      ...EDITOR_TRAIN_PRESET,
      steps,
      device,
    };
    await this.runTask('train', definition, `Train region model (${this.document.fileName})`);
    await this.sendState();
  }

  private async predict(layers: readonly number[], device: string): Promise<void> {
    if (this.busy('predict')) return;
    const checkpoint = await this.checkpoint();
    if (!checkpoint) {
      this.status('predict', 'failed', 'No region model yet: train one first.');
      return;
    }
    if (layers.length === 0) {
      this.status(
        'predict',
        'failed',
        'No non-blank layers to predict: lower the blank threshold.',
      );
      return;
    }
    const regions = await this.document.regionsReady();
    const definition: RegionTaskDefinition = {
      type: REGION_TASK_TYPE,
      action: 'predict',
      inputs: [this.document.uri.fsPath],
      checkpoint,
      layers: layerRanges(layers),
      axis: (['i', 'j', 'k'] as const)[regions.axis],
      device,
    };
    const phase = await this.runTask(
      'predict',
      definition,
      `Predict regions (${this.document.fileName})`,
    );
    if (phase === 'done') await this.loadPrediction(true);
  }

  private async runTask(
    task: 'train' | 'predict',
    definition: RegionTaskDefinition,
    name: string,
  ): Promise<'done' | 'failed' | 'stopped'> {
    this.running = { task };
    this.status(
      task,
      'running',
      task === 'train' ? 'Starting the trainer…' : 'Starting the prediction…',
    );
    try {
      const result = await runRegionTask(definition, this.folder, name, this.context, {
        started: (terminal) => {
          if (this.running) this.running.terminal = terminal;
        },
        progress: (event) => {
          if (event.event === 'step') {
            const loss = event.loss === null ? '' : ` · Dice loss ${event.loss.toFixed(3)}`;
            this.status(
              task,
              'running',
              `step ${event.step} of ${event.total}${loss}`,
              event.step / event.total,
            );
          }
        },
        predicted: (done, total) =>
          this.status(task, 'running', `layer ${done} of ${total}`, total > 0 ? done / total : -1),
      });
      const outcome = regionOutcome(task, result);
      this.context.log.info(`${this.document.fileName}: ${outcome.text}`);
      this.status(task, outcome.phase, outcome.text, outcome.phase === 'done' ? 1 : -1);
      return outcome.phase;
    } finally {
      this.running = undefined;
    }
  }

  private async accept(layer: number): Promise<void> {
    const prediction = this.prediction;
    if (!prediction || !prediction.layers.includes(layer)) {
      throw new Error(`Layer ${layer} has no prediction to accept; predict first.`);
    }
    const regions = await this.document.regionsReady();
    if (regions.axis !== prediction.axis) {
      throw new Error(
        `The prediction runs along axis ${'ijk'[prediction.axis]} but the annotation along ${'ijk'[regions.axis]}.`,
      );
    }
    const map = layerOf(prediction.data, prediction.dims, prediction.axis, layer);
    // The map is already smoothed: threshold at p = 0.5 (128 of 255) without smoothing again.
    const mask = map.map((v) => (v >= 128 ? 1 : 0));
    regions.setLayer(layer, mask, `Accept predicted region on layer ${layer}`);
  }

  private async finish(enfacePath: string): Promise<void> {
    if (enfacePath.trim() === '') {
      throw new Error(
        'Choose the en-face RV annotation first (an OCTA-500 GT_LargeVessel BMP, a PNG or a 2D NIfTI mask).',
      );
    }
    this.status('finish', 'running', 'Writing the layer vessel labels…');
    const { volume } = await this.document.load();
    const regions = await this.document.regionsReady();
    const enface =
      enfacePath === ENFACE_DRAWN
        ? await this.drawnEnface(regions)
        : await this.fileEnface(enfacePath, volume.dims, regions.axis);
    await this.loadPrediction(false);
    const prediction = this.prediction?.axis === regions.axis ? this.prediction : undefined;
    const result = vesselLabels(volume, regions.axis, enface, {
      annotated: regions.annotatedLayers,
      regionOf: (layer) => regions.layerMask(layer),
      predicted: prediction?.layers ?? [],
      probabilityOf: (layer) =>
        layerOf(prediction!.data, prediction!.dims, prediction!.axis, layer),
    });
    const target = vscode.Uri.file(this.files.vessels);
    await writeFileAtomic(vscode.workspace.fs, target, result.bytes);
    const text =
      `Wrote ${target.path.slice(target.path.lastIndexOf('/') + 1)}: ${result.vessels} vessels, ` +
      `${result.voxels} voxels, from ${result.fromAnnotation} annotated and ` +
      `${result.fromPrediction} predicted layers.`;
    this.context.log.info(`${this.document.fileName}: ${text}`);
    this.status('finish', 'done', text, 1);
  }

  /** The en-face RV from a file (absolute, or relative to the volume's folder). */
  private async fileEnface(
    enfacePath: string,
    dims: readonly [number, number, number],
    axis: Axis,
  ): Promise<Uint8Array> {
    const source =
      enfacePath.startsWith('/') || /^[A-Za-z]:[\\/]/.test(enfacePath)
        ? vscode.Uri.file(enfacePath)
        : vscode.Uri.joinPath(this.folder, enfacePath);
    const fileName = source.path.slice(source.path.lastIndexOf('/') + 1);
    const bytes = await vscode.workspace.fs.readFile(source).then(
      (b) => b,
      (error: unknown) => {
        throw new Error(`Cannot read ${source.fsPath}: ${String(error)}`);
      },
    );
    return binarizeEnface(decodeEnface(bytes, fileName), dims, axis, fileName);
  }

  /** The RV painted on the projection view: the volume's (x, y) plane, so layers along k. */
  private async drawnEnface(regions: RegionsLayer): Promise<Uint8Array> {
    const rv = await this.document.enfaceRvReady?.();
    if (!rv) throw new Error('This editor keeps no en-face RV drawn on the projection view.');
    if (regions.axis !== 2) {
      throw new Error(
        `The RV drawn on the projection view lies in the volume's x-y plane, but the regions ` +
          `are annotated along axis ${'ijk'[regions.axis]}: use an en-face file, or annotate ` +
          `the regions along k.`,
      );
    }
    const mask = rv.mask;
    if (!mask.some((v) => v !== 0)) {
      throw new Error(
        'No en-face RV is drawn yet: switch to the projection view (depth axis k) and paint ' +
          'the vessels with the brush, or choose an en-face file.',
      );
    }
    return mask;
  }

  private async browse(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      defaultUri: this.folder,
      canSelectMany: false,
      title: 'En-face RV annotation (OCTA-500 GT_LargeVessel, a mask image or a 2D NIfTI)',
      filters: { 'En-face masks': ['bmp', 'png', 'nii', 'gz'] },
    });
    const uri = picked?.[0];
    if (uri) this.post({ type: 'sparseBrowsed', path: uri.fsPath });
  }

  /** Reads `<name>.regionprob.*` when present and sends it; `required`: a missing one is an error. */
  private async loadPrediction(required: boolean): Promise<void> {
    const files = this.files;
    const fs = vscode.workspace.fs;
    let nifti: Uint8Array;
    let sidecar: Uint8Array;
    try {
      [nifti, sidecar] = await Promise.all([
        fs.readFile(vscode.Uri.file(files.prediction)),
        fs.readFile(vscode.Uri.file(files.predictionSidecar)),
      ]);
    } catch (error) {
      if (required)
        throw new Error(`region-predict wrote no ${files.prediction}: ${String(error)}`);
      return;
    }
    const { volume } = await this.document.load();
    const names = { nifti: files.prediction, sidecar: files.predictionSidecar };
    const prediction = decodePrediction(nifti, sidecar, volume.dims, names);
    this.prediction = prediction;
    const buffer = prediction.data.slice().buffer;
    this.post({
      type: 'sparsePrediction',
      axis: prediction.axis,
      layers: [...prediction.layers],
      buffer,
      step: prediction.step,
    });
  }

  private async runEntries(): Promise<string[]> {
    try {
      const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(this.runsFolder));
      return entries.filter(([, type]) => type === vscode.FileType.Directory).map(([name]) => name);
    } catch {
      return [];
    }
  }

  private async checkpoint(): Promise<string | undefined> {
    const entries = await this.runEntries();
    const withCheckpoint = new Set<string>();
    for (const name of entries) {
      try {
        await vscode.workspace.fs.stat(vscode.Uri.file(`${this.runsFolder}/${name}/checkpoint.pt`));
        withCheckpoint.add(name);
      } catch {
        // An empty or failed run.
      }
    }
    return latestCheckpoint(this.runsFolder, entries, (run) => withCheckpoint.has(run));
  }

  dispose(): void {
    this.disposed = true;
  }
}
