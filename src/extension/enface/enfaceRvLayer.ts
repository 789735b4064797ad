/**
 * The en-face RV of a VolumeDocument (issue 6) as one of its annotation layers: the vessels
 * drawn with the brush on the projection view, kept as a W×H×1 label plane, saved as
 * `<name>.rv2d.nii.gz`, each stroke one undoable change. An unreadable file leaves the
 * annotation empty and is remembered, so Save asks before replacing it; a file is only written
 * when the annotation was edited (a loaded file with instance ids stays as it is until someone
 * paints).
 */
import * as vscode from 'vscode';
import { applyEdit, revertEdit, type LabelEdit } from '../../core/labels/labelEdit';
import { encodeLabelEdit } from '../../core/labels/labelEditCodec';
import { createLabelVolume, type LabelVolume } from '../../core/labels/labelVolume';
import { encodeRuns, forEachInsideRun } from '../../core/labels/maskRuns';
import type { VolumeGeometry } from '../../core/volume/volume';
import type { ToWebviewMessage } from '../../protocol/editorMessages';
import {
  AnnotationLayer,
  type AppliedChange,
  type ConfirmOverwrite,
  type Direction,
  type SaveTarget,
} from '../document/annotationLayer';
import { isRecord } from '../document/documentBackup';
import {
  EnfaceRvError,
  decodeEnfaceRv,
  encodeEnfaceRv,
  enfacePlane,
  enfaceRvFileName,
} from './enfaceRvFiles';
import { uriBaseName, uriExists } from '../uriFiles';
import { removeAbandonedTempsOf, writeFileAtomic } from '../vscodeFolderFs';

/** One undoable stroke (pixel indices of the plane, values 0 or 1). */
export interface EnfaceRvChange {
  readonly label: string;
  readonly edit: LabelEdit;
}

const BACKUP_FORMAT = 'samocta2-rv2d-backup';

export class EnfaceRvLayer extends AnnotationLayer<EnfaceRvChange> {
  readonly key = 'enfaceRv';
  readonly description = 'the en-face RV annotation';
  readonly editName = 'En-face RV edit';
  readonly legacyBackupSuffix = '.rv2d';
  readonly notLoadedNote =
    'The en-face RV annotation was not loaded; Save will ask before replacing the file.';
  private plane: LabelVolume | null = null;
  /** Edited since loaded or saved: Save writes the file. */
  private edited = false;

  uri(volume: vscode.Uri = this.volumeUri): vscode.Uri {
    return vscode.Uri.joinPath(volume, '..', enfaceRvFileName(uriBaseName(volume)));
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
    this.committed({ label, edit }, origin);
  }

  protected apply(change: EnfaceRvChange, direction: Direction): void {
    if (direction === 'redo') applyEdit(this.current, change.edit);
    else revertEdit(this.current, change.edit);
    this.edited = true;
  }

  protected async loadSaved(geometry: VolumeGeometry): Promise<void> {
    this.clearProblem();
    this.edited = false;
    const plane = createLabelVolume(enfacePlane(geometry.dims));
    const uri = this.uri();
    // Tidying what a killed save left must not make the file itself look unreadable.
    await removeAbandonedTempsOf(this.fs, uri).catch(() => undefined);
    try {
      if (await uriExists(this.fs, uri)) {
        plane.data.set(decodeEnfaceRv(await this.fs.readFile(uri), geometry, uriBaseName(uri)));
      }
    } catch (error) {
      this.unreadable(uri, error);
    }
    this.plane = plane;
  }

  protected async restoreBackup(content: unknown, geometry: VolumeGeometry): Promise<boolean> {
    if (!isRecord(content) || content.format !== BACKUP_FORMAT) return false;
    const dims = enfacePlane(geometry.dims);
    const d = content.dims;
    if (!Array.isArray(d) || d[0] !== dims[0] || d[1] !== dims[1]) return false;
    if (typeof content.runs !== 'string') return false;
    try {
      const bytes = Buffer.from(content.runs, 'base64');
      const runs = new Uint32Array(bytes.length >> 2);
      new Uint8Array(runs.buffer).set(bytes.subarray(0, runs.length * 4));
      const plane = createLabelVolume(dims);
      forEachInsideRun(runs, plane.data.length, (start, end) => plane.data.fill(1, start, end));
      this.plane = plane;
      this.edited = content.edited === true;
      return true;
    } catch {
      return false;
    }
  }

  backupContent(): unknown {
    if (!this.plane) return undefined;
    const runs = this.toRuns();
    return {
      format: BACKUP_FORMAT,
      dims: [...this.plane.dims],
      edited: this.edited,
      runs: Buffer.from(runs.buffer, runs.byteOffset, runs.byteLength).toString('base64'),
    };
  }

  /**
   * Writes `<name>.rv2d.nii.gz` beside `to.volume` atomically when the annotation was edited
   * (or, for Save As, has vessels). Refuses (throws) to replace an unreadable file unless
   * `confirm` says yes.
   */
  async save(geometry: VolumeGeometry, confirm: ConfirmOverwrite, to: SaveTarget): Promise<void> {
    const plane = this.plane;
    if (!plane) return;
    const target = this.uri(to.volume);
    const sameFile = to.volume.toString() === this.volumeUri.toString();
    if (!this.edited && !(!sameFile && plane.data.some((v) => v !== 0))) return;
    await this.confirmReplace(target, confirm, ` (${this.description})`);
    await writeFileAtomic(this.fs, target, encodeEnfaceRv(plane.data, geometry));
    this.written(target);
    if (sameFile) this.edited = false;
  }

  fullMessage(): ToWebviewMessage {
    return { type: 'enfaceRv', mask: this.toRuns().buffer as ArrayBuffer };
  }

  /** The editor that drew the stroke shows its pixels already: it gets the direction only. */
  changeMessage(
    { change, direction }: AppliedChange<EnfaceRvChange>,
    shown: boolean,
  ): ToWebviewMessage {
    return {
      type: 'applyEnfaceRvEdit',
      edit: shown ? null : encodeLabelEdit(change.edit),
      direction,
    };
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
