/**
 * One open volume file and its segmentation. Owns the loaded voxels, so every editor of the same
 * file (split view) and every re-sent `ready` share one read, and owns the tracked objects and
 * their edits: the provider turns each edit into VS Code undo/redo, and the document tells its
 * editors what to show (`onDidApplyEdit`, `onDidReplaceSegmentation`).
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { TrackedObjectState, TrackingEdit } from '../protocol/editorMessages';
import { DocumentEnfaceRv } from './enface/documentEnfaceRv';
import { DocumentRegions } from './regions/documentRegions';
import type { RegionChange } from './regions/regionAnnotation';
import { type ConfirmOverwrite, DocumentSegmentation } from './segmentation/documentSegmentation';
import { type LoadProgress, type LoadedVolume, loadVolume } from './volumeLoader';

export interface AppliedEdit {
  readonly edit: TrackingEdit;
  readonly direction: 'undo' | 'redo';
  /** The editor the edit came from, which already shows it; undefined for undo/redo. */
  readonly origin: object | undefined;
}

/** A change of the region annotation, for the editors to mirror. */
export interface AppliedRegionChange {
  readonly change: RegionChange;
  readonly direction: 'undo' | 'redo';
  /** The editor the stroke came from, which already shows its voxels; undefined otherwise. */
  readonly origin: object | undefined;
}

export class VolumeDocument implements vscode.CustomDocument {
  /** Called by the provider when VS Code opens the file in the custom editor. */
  static async create(
    uri: vscode.Uri,
    backupId: string | undefined,
    fileSystem: vscode.FileSystem,
  ): Promise<VolumeDocument> {
    // The volume itself is always read from `uri`; a backup holds only the segmentation.
    return new VolumeDocument(uri, backupId, fileSystem);
  }

  private loading: Promise<LoadedVolume> | undefined;
  private segmentationLoading: Promise<void> | undefined;
  /** Changes made before the saved segmentation was read, replayed on top of it. */
  private earlyChanges: { edit: TrackingEdit; direction: 'undo' | 'redo' }[] | null = [];
  private lastProgress: LoadProgress | undefined;
  private readonly progressEmitter = new vscode.EventEmitter<LoadProgress>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private readonly editEmitter = new vscode.EventEmitter<TrackingEdit>();
  private readonly appliedEmitter = new vscode.EventEmitter<AppliedEdit>();
  private readonly replacedEmitter = new vscode.EventEmitter<void>();
  readonly segmentation: DocumentSegmentation;
  /** The sparse workflow's vessel-region annotation (issue 6); use after regionsReady(). */
  readonly regions: DocumentRegions;
  private regionsLoading: Promise<DocumentRegions> | undefined;
  /** The en-face RV drawn on the projection view (issue 6); use after enfaceRvReady(). */
  readonly enfaceRv: DocumentEnfaceRv;
  private enfaceRvLoading: Promise<DocumentEnfaceRv> | undefined;
  private readonly regionEditEmitter = new vscode.EventEmitter<RegionChange>();
  private readonly regionAppliedEmitter = new vscode.EventEmitter<AppliedRegionChange>();
  private readonly regionsReplacedEmitter = new vscode.EventEmitter<void>();
  /** A new region change: the provider makes it an undoable change. */
  readonly onDidEditRegions = this.regionEditEmitter.event;
  /** Every change to the region annotation (edits, undo, redo), for the editors to mirror. */
  readonly onDidApplyRegionChange = this.regionAppliedEmitter.event;
  /** The whole annotation was replaced (revert): editors re-send `regions`. */
  readonly onDidReplaceRegions = this.regionsReplacedEmitter.event;

  /** Fires while the file is read, decompressed and parsed. */
  readonly onDidProgress = this.progressEmitter.event;
  /** Fires once, when VS Code disposes the document (all its editors closed). */
  readonly onDidDispose = this.disposeEmitter.event;
  /** A new edit from an editor: the provider makes it an undoable change. */
  readonly onDidEdit = this.editEmitter.event;
  /** Every change to the objects, for the editors to mirror. */
  readonly onDidApplyEdit = this.appliedEmitter.event;
  /** All objects were replaced (revert, restore): editors re-send `segmentation`. */
  readonly onDidReplaceSegmentation = this.replacedEmitter.event;

  private constructor(
    readonly uri: vscode.Uri,
    readonly backupId: string | undefined,
    private readonly fileSystem: vscode.FileSystem,
  ) {
    this.segmentation = new DocumentSegmentation(fileSystem, uri, this.fileName);
    this.regions = new DocumentRegions(fileSystem, uri, this.fileName, (change, origin) => {
      this.regionEditEmitter.fire(change);
      this.regionAppliedEmitter.fire({ change, direction: 'redo', origin });
    });
    this.enfaceRv = new DocumentEnfaceRv(fileSystem, uri);
  }

  get fileName(): string {
    return basename(this.uri.path);
  }

  /** The latest progress of a load under way, for editors that connect mid-load. */
  get progress(): LoadProgress | undefined {
    return this.lastProgress;
  }

  /** Starts the load on first call; later calls share it (including its failure). */
  load(): Promise<LoadedVolume> {
    this.loading ??= loadVolume(
      {
        fileName: this.fileName,
        size: async () => (await this.fileSystem.stat(this.uri)).size,
        read: async () => this.fileSystem.readFile(this.uri),
      },
      (progress) => {
        this.lastProgress = progress;
        this.progressEmitter.fire(progress);
      },
    );
    return this.loading;
  }

  /** The objects once the volume and its backup or saved segmentation are read. */
  async objects(): Promise<TrackedObjectState[]> {
    this.segmentationLoading ??= this.loadSegmentation();
    await this.segmentationLoading;
    return this.segmentation.list();
  }

  private async loadSegmentation(): Promise<void> {
    try {
      const { volume } = await this.load();
      const backup = this.backupId ? vscode.Uri.parse(this.backupId) : undefined;
      if (!backup || !(await this.segmentation.loadBackup(backup))) {
        await this.segmentation.loadSaved(volume);
      }
    } finally {
      for (const { edit, direction } of this.earlyChanges ?? []) {
        this.segmentation.apply(edit, direction);
      }
      this.earlyChanges = null;
    }
  }

  /** The region annotation once the volume and its backup or saved regions files are read. */
  regionsReady(): Promise<DocumentRegions> {
    this.regionsLoading ??= (async () => {
      const { volume } = await this.load();
      const backup = this.backupId ? regionBackupUri(vscode.Uri.parse(this.backupId)) : undefined;
      if (!backup || !(await this.regions.loadBackup(backup, volume))) {
        await this.regions.loadSaved(volume);
      }
      return this.regions;
    })();
    return this.regionsLoading;
  }

  /** The en-face RV annotation once the volume and its backup or saved rv2d file are read. */
  enfaceRvReady(): Promise<DocumentEnfaceRv> {
    this.enfaceRvLoading ??= (async () => {
      const { volume } = await this.load();
      const backup = this.backupId ? rvBackupUri(vscode.Uri.parse(this.backupId)) : undefined;
      if (!backup || !(await this.enfaceRv.loadBackup(backup, volume))) {
        await this.enfaceRv.loadSaved(volume);
      }
      return this.enfaceRv;
    })();
    return this.enfaceRvLoading;
  }

  /** Undo or redo of an earlier region change, run by VS Code. */
  replayRegions(change: RegionChange, direction: 'undo' | 'redo'): void {
    this.regions.replay(change, direction);
    this.regionAppliedEmitter.fire({ change, direction, origin: undefined });
  }

  private change(edit: TrackingEdit, direction: 'undo' | 'redo'): void {
    this.segmentation.apply(edit, direction);
    this.earlyChanges?.push({ edit, direction });
  }

  /** An edit an editor made (and already shows). */
  edit(edit: TrackingEdit, origin: object): void {
    this.change(edit, 'redo');
    this.editEmitter.fire(edit);
    this.appliedEmitter.fire({ edit, direction: 'redo', origin });
  }

  /** Undo or redo of an earlier edit, run by VS Code. */
  replay(edit: TrackingEdit, direction: 'undo' | 'redo'): void {
    this.change(edit, direction);
    this.appliedEmitter.fire({ edit, direction, origin: undefined });
  }

  /** `regionsBeside`: the volume file the regions files are saved beside (Save As). */
  async save(
    confirm: ConfirmOverwrite,
    target?: vscode.Uri,
    regionsBeside?: vscode.Uri,
  ): Promise<void> {
    await this.objects();
    const { volume } = await this.load();
    await this.segmentation.save(volume, confirm, target);
    await this.regionsReady();
    await this.regions.save(volume, confirm, regionsBeside);
    await this.enfaceRvReady();
    await this.enfaceRv.save(volume, confirm, regionsBeside);
  }

  async revert(): Promise<void> {
    await this.objects();
    const { volume } = await this.load();
    await this.segmentation.loadSaved(volume);
    this.replacedEmitter.fire();
    await this.regionsReady();
    await this.regions.loadSaved(volume);
    this.regionsReplacedEmitter.fire();
    await this.enfaceRvReady();
    await this.enfaceRv.loadSaved(volume, true);
  }

  async backup(destination: vscode.Uri): Promise<vscode.CustomDocumentBackup> {
    await this.objects();
    await this.segmentation.writeBackup(destination);
    await this.regionsReady();
    const regionBackup = regionBackupUri(destination);
    await this.regions.writeBackup(regionBackup);
    await this.enfaceRvReady();
    const rvBackup = rvBackupUri(destination);
    await this.enfaceRv.writeBackup(rvBackup);
    return {
      id: destination.toString(),
      delete: () => {
        for (const uri of [destination, regionBackup, rvBackup]) {
          void this.fileSystem.delete(uri).then(undefined, () => undefined);
        }
      },
    };
  }

  dispose(): void {
    this.disposeEmitter.fire();
    for (const e of [
      this.disposeEmitter,
      this.progressEmitter,
      this.editEmitter,
      this.appliedEmitter,
      this.replacedEmitter,
      this.regionEditEmitter,
      this.regionAppliedEmitter,
      this.regionsReplacedEmitter,
    ]) {
      e.dispose();
    }
    this.enfaceRv.dispose();
    this.loading = undefined;
  }
}

/** The region annotation's backup lies beside the segmentation's (one backup id for both). */
function regionBackupUri(backup: vscode.Uri): vscode.Uri {
  const name = backup.path.slice(backup.path.lastIndexOf('/') + 1);
  return vscode.Uri.joinPath(backup, '..', `${name}.regions`);
}

/** The en-face RV annotation's backup, beside the segmentation's too. */
function rvBackupUri(backup: vscode.Uri): vscode.Uri {
  const name = backup.path.slice(backup.path.lastIndexOf('/') + 1);
  return vscode.Uri.joinPath(backup, '..', `${name}.rv2d`);
}
