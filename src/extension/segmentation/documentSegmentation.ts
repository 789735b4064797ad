/**
 * The segmentation half of a VolumeDocument: its objects, where they are saved, and the
 * file work (open, save, save as, revert, backup). Finding a segmentation that does not fit the
 * volume keeps the document empty and remembers why, so Save asks before replacing the file.
 */
import * as vscode from 'vscode';
import type { TrackedObjectState, TrackingEdit } from '../../protocol/editorMessages';
import { writeFileAtomic } from './atomicWrite';
import { decodeBackup, encodeBackup } from './segmentationBackup';
import {
  type VolumeGeometry,
  decodeSegmentation,
  encodeSegmentation,
  segmentationFileName,
  sidecarFileName,
} from './segmentationFiles';
import { type SegmentationObjects, applyTrackingEdit, sortedObjects } from './segmentationObjects';
import { uriBaseName } from '../uriFiles';

/** Asks the user whether to replace `uri`, which holds an unreadable segmentation. */
export type ConfirmOverwrite = (uri: vscode.Uri, problem: string) => Promise<boolean>;

export class DocumentSegmentation {
  private objects: SegmentationObjects = new Map();
  /** Why the segmentation file found beside the volume was not loaded, if it was not. */
  private problemWith: { uri: string; message: string } | undefined;
  /** Model named in the sidecar on the next save (manifest name), from the webview's status. */
  model: string | null = null;

  constructor(
    private readonly fs: vscode.FileSystem,
    private readonly volumeUri: vscode.Uri,
    private readonly volumeFileName: string,
  ) {}

  /** `<volume>.seg.nii.gz` beside the volume. */
  get defaultUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.volumeUri, '..', segmentationFileName(this.volumeFileName));
  }

  /** Why the existing segmentation could not be opened, or undefined. */
  get problem(): string | undefined {
    return this.problemWith?.message;
  }

  list(): TrackedObjectState[] {
    return sortedObjects(this.objects);
  }

  apply(edit: TrackingEdit, direction: 'undo' | 'redo'): void {
    applyTrackingEdit(this.objects, edit, direction);
  }

  /** Loads `<volume>.seg.nii.gz` (+ sidecar) if there is one; a bad one sets `problem`. */
  async loadSaved(geometry: VolumeGeometry): Promise<void> {
    this.objects = new Map();
    this.problemWith = undefined;
    const uri = this.defaultUri;
    try {
      const nifti = await this.readIfPresent(uri);
      if (!nifti) return;
      const sidecar = await this.readIfPresent(sidecarUri(uri));
      const objects = decodeSegmentation(nifti, sidecar, geometry, uriBaseName(uri));
      this.objects = new Map(objects.map((o) => [o.id, o]));
    } catch (error) {
      this.problemWith = { uri: uri.toString(), message: (error as Error).message };
    }
  }

  /** Restores a hot-exit backup; false (and nothing changed) when it cannot be read. */
  async loadBackup(backup: vscode.Uri): Promise<boolean> {
    try {
      const objects = decodeBackup(await this.fs.readFile(backup));
      this.objects = new Map(objects.map((o) => [o.id, o]));
      return true;
    } catch {
      return false;
    }
  }

  async writeBackup(destination: vscode.Uri): Promise<void> {
    await this.fs.writeFile(destination, encodeBackup(this.list()));
  }

  /**
   * Writes the labels and the sidecar to `target` (default: beside the volume), each atomically.
   * Refuses (throws) to replace an unreadable segmentation unless `confirm` says yes.
   */
  async save(
    geometry: VolumeGeometry,
    confirm: ConfirmOverwrite,
    target: vscode.Uri = this.defaultUri,
  ): Promise<void> {
    if (this.problemWith && this.problemWith.uri === target.toString()) {
      if (!(await confirm(target, this.problemWith.message))) {
        throw new Error(`Not saved: ${uriBaseName(target)} was left as it is.`);
      }
    }
    const files = encodeSegmentation(this.list(), geometry, this.volumeFileName, this.model);
    await writeFileAtomic(this.fs, target, files.nifti);
    await writeFileAtomic(this.fs, sidecarUri(target), files.sidecar);
    if (this.problemWith?.uri === target.toString()) this.problemWith = undefined;
  }

  private async readIfPresent(uri: vscode.Uri): Promise<Uint8Array | undefined> {
    try {
      await this.fs.stat(uri);
    } catch {
      return undefined;
    }
    return this.fs.readFile(uri);
  }
}

function sidecarUri(segUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(segUri, '..', sidecarFileName(uriBaseName(segUri)));
}
