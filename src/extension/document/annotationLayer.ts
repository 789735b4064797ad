/**
 * One kind of annotation a VolumeDocument holds (tracked objects, vessel regions, the en-face RV,
 * and whatever comes next) and the work every kind shares: loading once from a hot-exit backup or
 * the saved files, replaying changes made before that load finished, undo/redo of compact change
 * records, the events the editors mirror, and asking before a save replaces a file that could not
 * be read. A kind declares the rest: its files, how it reads, writes and backs itself up, how a
 * change applies, and the messages that show it in a webview.
 */
import * as vscode from 'vscode';
import type { VolumeGeometry } from '../../core/volume/volume';
import type { ToWebviewMessage } from '../../protocol/editorMessages';
import { uriBaseName } from '../uriFiles';

export type Direction = 'undo' | 'redo';

/** Asks the user whether to replace `uri`, which holds an unreadable annotation. */
export type ConfirmOverwrite = (uri: vscode.Uri, problem: string) => Promise<boolean>;

/**
 * Where a save goes: the volume the files lie beside (the document's own, or a Save As copy),
 * and for Save As to a `.seg.nii.gz` name, that file for the tracked objects.
 */
export interface SaveTarget {
  readonly volume: vscode.Uri;
  readonly segmentation?: vscode.Uri;
}

/** A change any kind made, as the document puts it on VS Code's edit stack. */
export interface UndoableChange {
  readonly label: string;
  undo(): void;
  redo(): void;
}

export interface AppliedChange<Change> {
  readonly change: Change;
  readonly direction: Direction;
  /** The editor the change came from, which already shows it; undefined for undo/redo. */
  readonly origin: object | undefined;
}

/** What the document hands each layer it owns. */
export interface LayerContext {
  readonly fs: vscode.FileSystem;
  readonly volumeUri: vscode.Uri;
  /** Puts a new change on the edit stack (marks the document dirty). */
  readonly commit: (change: UndoableChange) => void;
}

/** The layer's content in a hot-exit backup: a JSON value only the layer itself reads. */
export type BackupContent = unknown;

export abstract class AnnotationLayer<Change extends { readonly label: string }>
  implements vscode.Disposable
{
  /** This layer's key in the document's backup. */
  abstract readonly key: string;
  /** What the layer is, for messages ("the vessel-region annotation"). */
  abstract readonly description: string;
  /** What an edit of it is called when refused ("Region edit refused: …"). */
  abstract readonly editName: string;
  /**
   * The suffix of this layer's backup file beside the segmentation's, as the version before the
   * one backup format wrote it ('' for the segmentation's own file); read to restore old backups.
   */
  abstract readonly legacyBackupSuffix: string;

  protected readonly fs: vscode.FileSystem;
  protected readonly volumeUri: vscode.Uri;
  private readonly commitChange: (change: UndoableChange) => void;
  private loading: Promise<void> | undefined;
  private isLoaded = false;
  /** Changes made before the load finished, replayed on top of what it read. */
  private early: { change: Change; direction: Direction }[] = [];
  private problemWith: { uri: string; message: string } | undefined;
  private noticesOfLoad: string[] = [];
  private readonly appliedEmitter = new vscode.EventEmitter<AppliedChange<Change>>();
  private readonly replacedEmitter = new vscode.EventEmitter<void>();
  /** Every change (edits, undo, redo), for the editors to mirror. */
  readonly onDidApply = this.appliedEmitter.event;
  /** The whole annotation was replaced (revert): editors re-send it. */
  readonly onDidReplace = this.replacedEmitter.event;

  constructor(context: LayerContext) {
    this.fs = context.fs;
    this.volumeUri = context.volumeUri;
    this.commitChange = context.commit;
  }

  get loaded(): boolean {
    return this.isLoaded;
  }

  /** Why the existing file could not be opened, or undefined. */
  get problem(): string | undefined {
    return this.problemWith?.message;
  }

  /**
   * What reading the saved files noted without refusing them: an interrupted save completed, a
   * sidecar older than pair hashes left unchecked. For the log.
   */
  get notices(): readonly string[] {
    return this.noticesOfLoad;
  }

  /**
   * Loads once (later calls share it): the backup's content when it restores, else the saved
   * files. `open` gives the volume's geometry and this layer's backup content, if any.
   */
  ready(open: () => Promise<{ geometry: VolumeGeometry; backup: BackupContent }>): Promise<void> {
    this.loading ??= (async () => {
      try {
        const { geometry, backup } = await open();
        if (backup === undefined || !(await this.restoreBackup(backup, geometry))) {
          await this.loadSaved(geometry);
        }
        this.isLoaded = true;
      } finally {
        // Not loaded means the volume itself failed: nothing to replay the changes on.
        const early = this.early.splice(0);
        if (this.isLoaded) for (const { change, direction } of early) this.apply(change, direction);
      }
    })();
    return this.loading;
  }

  /** Re-reads the saved files (Revert) and tells the editors. */
  async revert(geometry: VolumeGeometry): Promise<void> {
    await this.loadSaved(geometry);
    this.replacedEmitter.fire();
  }

  /** Undo or redo of an earlier change, run by VS Code. */
  replay(change: Change, direction: Direction): void {
    if (this.isLoaded) this.apply(change, direction);
    else this.early.push({ change, direction });
    this.appliedEmitter.fire({ change, direction, origin: undefined });
  }

  /** A change already applied here: one undoable step, mirrored to the editors but `origin`. */
  protected committed(change: Change, origin: object | undefined): void {
    this.commitChange({
      label: change.label,
      undo: () => this.replay(change, 'undo'),
      redo: () => this.replay(change, 'redo'),
    });
    this.appliedEmitter.fire({ change, direction: 'redo', origin });
  }

  /** A change from an editor before the load finished: kept and replayed after it. */
  protected committedEarly(change: Change, origin: object | undefined): void {
    this.early.push({ change, direction: 'redo' });
    this.committed(change, origin);
  }

  /** Records why `uri` could not be read; Save then asks before replacing it. */
  protected unreadable(uri: vscode.Uri, error: unknown): void {
    this.problemWith = { uri: uri.toString(), message: (error as Error).message };
  }

  /** Clears the problem and notices of the last load, before the next. */
  protected clearProblem(): void {
    this.problemWith = undefined;
    this.noticesOfLoad = [];
  }

  protected noted(notices: readonly string[]): void {
    this.noticesOfLoad.push(...notices);
  }

  /** Whether `target` is the file that could not be read. */
  protected isUnreadable(target: vscode.Uri): boolean {
    return this.problemWith?.uri === target.toString();
  }

  /**
   * Before writing `target`: when it is the unreadable file, asks `confirm` and throws when the
   * user keeps it. `detail` says which annotation, where the problem does not say it already.
   */
  protected async confirmReplace(
    target: vscode.Uri,
    confirm: ConfirmOverwrite,
    detail = '',
  ): Promise<void> {
    if (!this.problemWith || !this.isUnreadable(target)) return;
    if (!(await confirm(target, `${this.problemWith.message}${detail}`))) {
      throw new Error(`Not saved: ${uriBaseName(target)} was left as it is.`);
    }
  }

  /** After `target` was written: it is readable now. */
  protected written(target: vscode.Uri): void {
    if (this.isUnreadable(target)) this.problemWith = undefined;
  }

  /** Reads the saved files (none: empty); a bad one is remembered through `unreadable`. */
  protected abstract loadSaved(geometry: VolumeGeometry): Promise<void>;
  /** Restores backup content; false (and nothing changed) when it is not this layer's. */
  protected abstract restoreBackup(
    content: BackupContent,
    geometry: VolumeGeometry,
  ): Promise<boolean>;
  /** The layer's backup content; undefined before it was loaded. */
  abstract backupContent(): BackupContent;
  /** Writes the files (when there is something to write) beside `target.volume`. */
  abstract save(
    geometry: VolumeGeometry,
    confirm: ConfirmOverwrite,
    target: SaveTarget,
  ): Promise<void>;
  /** Applies (redo) or reverts (undo) a change. */
  protected abstract apply(change: Change, direction: Direction): void;
  /** The whole annotation as its webview message (sent on `ready` and after a revert). */
  abstract fullMessage(): ToWebviewMessage;
  /** The message that mirrors an applied change; undefined: nothing to send to this editor. */
  abstract changeMessage(
    applied: AppliedChange<Change>,
    shown: boolean,
  ): ToWebviewMessage | undefined;
  /** Why the annotation was not loaded, after the problem itself, for the user. */
  abstract readonly notLoadedNote: string;

  dispose(): void {
    this.appliedEmitter.dispose();
    this.replacedEmitter.dispose();
  }
}
