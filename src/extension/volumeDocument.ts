/**
 * One open volume file and its annotation layers. Owns the loaded voxels, so every editor of the
 * same file (split view) and every re-sent `ready` share one read, and owns the layers (tracked
 * objects, vessel regions, en-face RV): it loads each from the hot-exit backup or the saved
 * files, saves, reverts and backs them all up together, and hands each new change to the
 * provider as one undoable step (`onDidChange`).
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { AnnotationLayer, ConfirmOverwrite, UndoableChange } from './document/annotationLayer';
import {
  type BackedUpLayer,
  deleteDocumentBackup,
  encodeDocumentBackup,
  readDocumentBackup,
} from './document/documentBackup';
import { EnfaceRvLayer } from './enface/enfaceRvLayer';
import { RegionsLayer } from './regions/regionsLayer';
import { TrackedObjectsLayer } from './segmentation/trackedObjectsLayer';
import type { TrackedObjectState } from '../protocol/editorMessages';
import {
  type LoadProgress,
  type LoadedVolume,
  type VolumePreview,
  loadVolume,
} from './volumeLoader';
import { removeAbandonedTempsOf, writeFileAtomic } from './vscodeFolderFs';

/** Any of the document's layers, whatever its change record. */
export type AnyAnnotationLayer = AnnotationLayer<{ readonly label: string }>;

export class VolumeDocument implements vscode.CustomDocument {
  /** Called by the provider when VS Code opens the file in the custom editor. */
  static async create(
    uri: vscode.Uri,
    backupId: string | undefined,
    fileSystem: vscode.FileSystem,
    readPieces?: () => AsyncIterable<Uint8Array>,
  ): Promise<VolumeDocument> {
    // The volume itself is always read from `uri`; a backup holds only the annotations.
    return new VolumeDocument(uri, backupId, fileSystem, readPieces);
  }

  private loading: Promise<LoadedVolume> | undefined;
  private backupReading: Promise<Map<string, unknown>> | undefined;
  private lastProgress: LoadProgress | undefined;
  private loadingPreview: VolumePreview | undefined;
  private readonly progressEmitter = new vscode.EventEmitter<LoadProgress>();
  private readonly previewEmitter = new vscode.EventEmitter<VolumePreview>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private readonly changeEmitter = new vscode.EventEmitter<UndoableChange>();
  /** The tracked objects; use after objects(). */
  readonly segmentation: TrackedObjectsLayer;
  /** The sparse workflow's vessel-region annotation (issue 6); use after regionsReady(). */
  readonly regions: RegionsLayer;
  /** The en-face RV drawn on the projection view (issue 6); use after enfaceRvReady(). */
  readonly enfaceRv: EnfaceRvLayer;
  /** Every layer, in the order they are sent, saved and backed up. */
  readonly layers: readonly AnyAnnotationLayer[];

  /** Fires while the file is read, decompressed and parsed. */
  readonly onDidProgress = this.progressEmitter.event;
  /** Fires once per load, when the first layer is decoded and the rest is still coming. */
  readonly onDidPreview = this.previewEmitter.event;
  /** Fires once, when VS Code disposes the document (all its editors closed). */
  readonly onDidDispose = this.disposeEmitter.event;
  /** A new change in any layer: the provider makes it an undoable change. */
  readonly onDidChange = this.changeEmitter.event;

  private constructor(
    readonly uri: vscode.Uri,
    readonly backupId: string | undefined,
    private readonly fileSystem: vscode.FileSystem,
    /** The file in pieces as it is read (local files), for progressive opening. */
    private readonly readPieces?: () => AsyncIterable<Uint8Array>,
  ) {
    const context = {
      fs: fileSystem,
      volumeUri: uri,
      commit: (change: UndoableChange) => this.changeEmitter.fire(change),
    };
    this.segmentation = new TrackedObjectsLayer(context);
    this.regions = new RegionsLayer(context);
    this.enfaceRv = new EnfaceRvLayer(context);
    this.layers = [this.segmentation, this.regions, this.enfaceRv] as AnyAnnotationLayer[];
  }

  get fileName(): string {
    return basename(this.uri.path);
  }

  /** The latest progress of a load under way, for editors that connect mid-load. */
  get progress(): LoadProgress | undefined {
    return this.lastProgress;
  }

  /** The first layer of a load under way (undefined once it ends), for editors that connect mid-load. */
  get preview(): VolumePreview | undefined {
    return this.loadingPreview;
  }

  /** Starts the load on first call; later calls share it (including its failure). */
  load(): Promise<LoadedVolume> {
    if (this.loading) return this.loading;
    const loading = loadVolume(
      {
        fileName: this.fileName,
        size: async () => (await this.fileSystem.stat(this.uri)).size,
        read: async () => this.fileSystem.readFile(this.uri),
        readPieces: this.readPieces,
      },
      (progress) => {
        this.lastProgress = progress;
        this.progressEmitter.fire(progress);
      },
      (preview) => {
        this.loadingPreview = preview;
        this.previewEmitter.fire(preview);
      },
    );
    const ended = (): void => {
      this.loadingPreview = undefined;
    };
    loading.then(ended, ended);
    this.loading = loading;
    return loading;
  }

  /** `layer` once the volume and its backup or saved files are read. */
  async ready<L extends AnyAnnotationLayer>(layer: L): Promise<L> {
    await layer.ready(async () => {
      const { volume } = await this.load();
      const backup = await this.readBackup();
      return { geometry: volume, backup: backup.get(layer.key) };
    });
    return layer;
  }

  /** The objects once the volume and its backup or saved segmentation are read. */
  async objects(): Promise<TrackedObjectState[]> {
    return (await this.ready(this.segmentation)).list();
  }

  regionsReady(): Promise<RegionsLayer> {
    return this.ready(this.regions);
  }

  enfaceRvReady(): Promise<EnfaceRvLayer> {
    return this.ready(this.enfaceRv);
  }

  /**
   * Saves every layer beside the document's volume, or for Save As beside `volume` (the copy),
   * with the tracked objects in `segmentation` when it names a `.seg.nii.gz`.
   */
  async save(
    confirm: ConfirmOverwrite,
    segmentation?: vscode.Uri,
    volume: vscode.Uri = this.uri,
  ): Promise<void> {
    const { volume: geometry } = await this.load();
    for (const layer of this.layers) {
      await this.ready(layer);
      await layer.save(geometry, confirm, { volume, segmentation });
    }
  }

  async revert(): Promise<void> {
    const { volume: geometry } = await this.load();
    for (const layer of this.layers) {
      await this.ready(layer);
      await layer.revert(geometry);
    }
  }

  async backup(destination: vscode.Uri): Promise<vscode.CustomDocumentBackup> {
    for (const layer of this.layers) await this.ready(layer);
    const layers = this.layers as readonly BackedUpLayer[];
    // Atomic: a backup cut short by a crash would lose the edits it replaces.
    await writeFileAtomic(this.fileSystem, destination, encodeDocumentBackup(layers));
    return {
      id: destination.toString(),
      delete: () => deleteDocumentBackup(this.fileSystem, destination, layers),
    };
  }

  /** The backup VS Code reopened the document from, read once for all layers. */
  private readBackup(): Promise<Map<string, unknown>> {
    this.backupReading ??= this.backupId
      ? this.readBackupAt(vscode.Uri.parse(this.backupId))
      : Promise.resolve(new Map());
    return this.backupReading;
  }

  private async readBackupAt(uri: vscode.Uri): Promise<Map<string, unknown>> {
    // What a backup cut short by a crash left beside it; the backup itself is old or whole.
    await removeAbandonedTempsOf(this.fileSystem, uri).catch(() => undefined);
    return readDocumentBackup(this.fileSystem, uri, this.layers);
  }

  dispose(): void {
    this.disposeEmitter.fire();
    for (const e of [this.disposeEmitter, this.progressEmitter, this.changeEmitter]) e.dispose();
    this.previewEmitter.dispose();
    for (const layer of this.layers) layer.dispose();
    this.loading = undefined;
  }
}
