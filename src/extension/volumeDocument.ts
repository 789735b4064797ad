/**
 * One open volume file. Owns the loaded voxels, so every editor of the same file (split view)
 * and every re-sent `ready` share one read. Read-only for now; issue 4 adds the label volume,
 * its edits, save and backup here (hence `create` already takes the backup id).
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { type LoadProgress, type LoadedVolume, loadVolume } from './volumeLoader';

export class VolumeDocument implements vscode.CustomDocument {
  /** Called by the provider when VS Code opens the file in the custom editor. */
  static async create(
    uri: vscode.Uri,
    backupId: string | undefined,
    fileSystem: vscode.FileSystem,
  ): Promise<VolumeDocument> {
    // The volume itself is always read from `uri`; a backup (issue 4) will hold only labels.
    return new VolumeDocument(uri, backupId, fileSystem);
  }

  private loading: Promise<LoadedVolume> | undefined;
  private lastProgress: LoadProgress | undefined;
  private readonly progressEmitter = new vscode.EventEmitter<LoadProgress>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();

  /** Fires while the file is read, decompressed and parsed. */
  readonly onDidProgress = this.progressEmitter.event;
  /** Fires once, when VS Code disposes the document (all its editors closed). */
  readonly onDidDispose = this.disposeEmitter.event;

  private constructor(
    readonly uri: vscode.Uri,
    readonly backupId: string | undefined,
    private readonly fileSystem: vscode.FileSystem,
  ) {}

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

  dispose(): void {
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.progressEmitter.dispose();
    this.loading = undefined;
  }
}
