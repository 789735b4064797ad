/**
 * The en-face RV half of a VolumeDocument (issue 6): the vessels drawn with the brush on the
 * projection view, kept as a W×H×1 label plane, saved as `<name>.rv2d.nii.gz` with the document
 * (Save, Save As, Revert, hot-exit backup), each stroke one undoable change on the document's
 * edit stack. Follows DocumentRegions: an unreadable file leaves the annotation empty and is
 * remembered, so Save asks before replacing it; a file is only written when the annotation was
 * edited (a loaded file with instance ids stays as it is until someone paints).
 */
import * as vscode from 'vscode';
import { applyEdit, revertEdit, type LabelEdit } from '../../core/labels/labelEdit';
import { createLabelVolume, type LabelVolume } from '../../core/labels/labelVolume';
import { encodeRuns, forEachInsideRun } from '../../core/labels/maskRuns';
import { writeFileAtomic } from '../segmentation/atomicWrite';
import type { ConfirmOverwrite } from '../segmentation/documentSegmentation';
import type { VolumeGeometry } from '../regions/regionFiles';
import {
  EnfaceRvError,
  decodeEnfaceRv,
  encodeEnfaceRv,
  enfacePlane,
  enfaceRvFileName,
} from './enfaceRvFiles';
import { uriBaseName, uriExists } from '../uriFiles';

/** One undoable stroke (pixel indices of the plane, values 0 or 1). */
export interface EnfaceRvChange {
  readonly label: string;
  readonly edit: LabelEdit;
}

export interface AppliedEnfaceRvChange {
  readonly change: EnfaceRvChange;
  readonly direction: 'undo' | 'redo';
  /** The editor that made it (and already shows it), or undefined. */
  readonly origin: object | undefined;
}

const BACKUP_FORMAT = 'samocta2-rv2d-backup';

export class DocumentEnfaceRv implements vscode.Disposable {
  private plane: LabelVolume | null = null;
  private problemWith: { uri: string; message: string } | undefined;
  /** Edited since loaded or saved: Save writes the file. */
  private edited = false;
  private readonly editEmitter = new vscode.EventEmitter<EnfaceRvChange>();
  private readonly appliedEmitter = new vscode.EventEmitter<AppliedEnfaceRvChange>();
  private readonly replacedEmitter = new vscode.EventEmitter<void>();
  /** A new change: the provider puts it on the edit stack. */
  readonly onDidEdit = this.editEmitter.event;
  /** Every change (edits, undo, redo), for the editors to mirror. */
  readonly onDidApply = this.appliedEmitter.event;
  /** The whole annotation was replaced (revert): editors re-send it. */
  readonly onDidReplace = this.replacedEmitter.event;

  constructor(
    private readonly fs: vscode.FileSystem,
    private readonly volumeUri: vscode.Uri,
  ) {}

  uri(volume: vscode.Uri = this.volumeUri): vscode.Uri {
    return vscode.Uri.joinPath(volume, '..', enfaceRvFileName(uriBaseName(volume)));
  }

  get loaded(): boolean {
    return this.plane !== null;
  }

  /** Why the existing file could not be opened, or undefined. */
  get problem(): string | undefined {
    return this.problemWith?.message;
  }

  /** W·H bytes, 1 = vessel; throws until loaded (VolumeDocument.enfaceRvReady). */
  get mask(): Uint8Array {
    const plane = this.current;
    return Uint8Array.from(plane.data, (v) => (v !== 0 ? 1 : 0));
  }

  get dims(): readonly [number, number, number] {
    return this.current.dims;
  }

  /** The plane as run lengths (EnfaceRvMessage.mask). */
  toRuns(): Uint32Array {
    const data = this.current.data;
    return encodeRuns(data.length, (n) => data[n] !== 0);
  }

  /** A stroke from an editor (`origin`), which already shows it. */
  editFromWebview(label: string, edit: LabelEdit, origin: object): void {
    const plane = this.current;
    const values = typeof edit.after === 'number' ? [edit.after] : Array.from(edit.after);
    if (values.some((v) => v !== 0 && v !== 1)) {
      throw new EnfaceRvError('En-face RV edits set pixels to 0 or 1 only.');
    }
    applyEdit(plane, edit); // refuses another plane's dims
    this.edited = true;
    const change = { label, edit };
    this.editEmitter.fire(change);
    this.appliedEmitter.fire({ change, direction: 'redo', origin });
  }

  /** Undo or redo, run by VS Code. */
  replay(change: EnfaceRvChange, direction: 'undo' | 'redo'): void {
    if (direction === 'redo') applyEdit(this.current, change.edit);
    else revertEdit(this.current, change.edit);
    this.edited = true;
    this.appliedEmitter.fire({ change, direction, origin: undefined });
  }

  /** Loads `<name>.rv2d.nii.gz` if there is one; a bad one sets `problem`. `replaced`: revert. */
  async loadSaved(geometry: VolumeGeometry, replaced = false): Promise<void> {
    this.problemWith = undefined;
    this.edited = false;
    const plane = createLabelVolume(enfacePlane(geometry.dims));
    const uri = this.uri();
    try {
      if (await uriExists(this.fs, uri)) {
        plane.data.set(decodeEnfaceRv(await this.fs.readFile(uri), geometry, uriBaseName(uri)));
      }
    } catch (error) {
      this.problemWith = { uri: uri.toString(), message: (error as Error).message };
    }
    this.plane = plane;
    if (replaced) this.replacedEmitter.fire();
  }

  /** Restores a hot-exit backup; false (and nothing changed) when it cannot be read. */
  async loadBackup(backup: vscode.Uri, geometry: VolumeGeometry): Promise<boolean> {
    try {
      const raw = JSON.parse(new TextDecoder().decode(await this.fs.readFile(backup))) as Record<
        string,
        unknown
      >;
      const dims = enfacePlane(geometry.dims);
      const d = raw.dims as unknown[];
      if (raw.format !== BACKUP_FORMAT || !Array.isArray(d) || d[0] !== dims[0] || d[1] !== dims[1])
        return false;
      if (typeof raw.runs !== 'string') return false;
      const bytes = Buffer.from(raw.runs, 'base64');
      const runs = new Uint32Array(bytes.length >> 2);
      new Uint8Array(runs.buffer).set(bytes.subarray(0, runs.length * 4));
      const plane = createLabelVolume(dims);
      forEachInsideRun(runs, plane.data.length, (start, end) => plane.data.fill(1, start, end));
      this.plane = plane;
      this.edited = raw.edited === true;
      return true;
    } catch {
      return false;
    }
  }

  async writeBackup(destination: vscode.Uri): Promise<void> {
    if (!this.plane) return;
    const runs = this.toRuns();
    const content = {
      format: BACKUP_FORMAT,
      dims: [...this.plane.dims],
      edited: this.edited,
      runs: Buffer.from(runs.buffer, runs.byteOffset, runs.byteLength).toString('base64'),
    };
    await this.fs.writeFile(destination, new TextEncoder().encode(JSON.stringify(content)));
  }

  /**
   * Writes `<name>.rv2d.nii.gz` beside `volume` (default: the document's) atomically when the
   * annotation was edited (or, for Save As, has vessels). Refuses (throws) to replace an
   * unreadable file unless `confirm` says yes.
   */
  async save(
    geometry: VolumeGeometry,
    confirm: ConfirmOverwrite,
    volume: vscode.Uri = this.volumeUri,
  ): Promise<void> {
    const plane = this.plane;
    if (!plane) return;
    const target = this.uri(volume);
    const sameFile = volume.toString() === this.volumeUri.toString();
    if (!this.edited && !(!sameFile && plane.data.some((v) => v !== 0))) return;
    if (this.problemWith?.uri === target.toString()) {
      const problem = `${this.problemWith.message} (the en-face RV annotation)`;
      if (!(await confirm(target, problem))) {
        throw new Error(`Not saved: ${uriBaseName(target)} was left as it is.`);
      }
    }
    await writeFileAtomic(this.fs, target, encodeEnfaceRv(plane.data, geometry));
    if (this.problemWith?.uri === target.toString()) this.problemWith = undefined;
    if (sameFile) this.edited = false;
  }

  dispose(): void {
    this.editEmitter.dispose();
    this.appliedEmitter.dispose();
    this.replacedEmitter.dispose();
  }

  private get current(): LabelVolume {
    if (!this.plane) {
      throw new Error(
        'The en-face RV annotation is not loaded yet: await document.enfaceRvReady().',
      );
    }
    return this.plane;
  }
}
