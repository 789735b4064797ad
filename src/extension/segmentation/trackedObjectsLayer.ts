/**
 * The tracked objects of a VolumeDocument as one of its annotation layers: saved as
 * `<volume>.seg.nii.gz` and its sidecar, one pair by the rule of docs/reliability.md, backed up
 * as JSON runs, each webview edit one undoable ObjectChange. A segmentation that does not fit
 * the volume, or whose sidecar was written for other labels, keeps the layer empty and is
 * remembered, so Save asks before replacing the file.
 */
import * as vscode from 'vscode';
import type { VolumeGeometry } from '../../core/volume/volume';
import type {
  TrackedObjectState,
  TrackingEdit,
  ToWebviewMessage,
} from '../../protocol/editorMessages';
import {
  AnnotationLayer,
  type AppliedChange,
  type ConfirmOverwrite,
  type Direction,
  type SaveTarget,
} from '../document/annotationLayer';
import {
  type ObjectChange,
  type TrackedObjects,
  applyObjectChange,
  objectChange,
  sortedObjects,
  trackingEditOf,
} from './objectChange';
import { decodeBackup, encodeBackup } from './segmentationBackup';
import {
  decodeSegmentation,
  encodeSegmentation,
  segmentationFileName,
  sidecarFileName,
} from './segmentationFiles';
import { uriBaseName } from '../uriFiles';
import { type UriPair, readUriPair, writeUriPair } from '../vscodeFolderFs';

export class TrackedObjectsLayer extends AnnotationLayer<ObjectChange> {
  readonly key = 'objects';
  readonly description = 'the tracked objects';
  readonly editName = 'Edit';
  readonly legacyBackupSuffix = '';
  readonly notLoadedNote = 'It was not loaded; Save will ask before replacing it.';
  private objects: TrackedObjects = new Map();
  /** Model named in the sidecar on the next save (manifest name), from the webview's status. */
  model: string | null = null;

  /** `<volume>.seg.nii.gz` beside the volume. */
  get defaultUri(): vscode.Uri {
    return this.besideVolume(this.volumeUri);
  }

  list(): TrackedObjectState[] {
    return sortedObjects(this.objects);
  }

  /** An edit an editor made (and already shows); throws when its masks do not agree. */
  editFromWebview(edit: TrackingEdit, origin: object): void {
    const change = objectChange(edit);
    if (this.loaded) {
      this.apply(change, 'redo');
      this.committed(change, origin);
    } else {
      this.committedEarly(change, origin);
    }
  }

  protected apply(change: ObjectChange, direction: Direction): void {
    applyObjectChange(this.objects, change, direction);
  }

  protected async loadSaved(geometry: VolumeGeometry): Promise<void> {
    this.objects = new Map();
    this.clearProblem();
    const uri = this.defaultUri;
    try {
      // A sidecar for other labels (PairMismatchError) is this file's problem, like a bad file.
      const pair = await readUriPair(this.fs, segmentationPair(uri));
      this.noted(pair.notices);
      if (!pair.image) return;
      const objects = decodeSegmentation(pair.image, pair.sidecar, geometry, uriBaseName(uri));
      this.objects = new Map(objects.map((o) => [o.id, o]));
    } catch (error) {
      this.unreadable(uri, error);
    }
  }

  protected async restoreBackup(content: unknown): Promise<boolean> {
    try {
      this.objects = new Map(decodeBackup(content).map((o) => [o.id, o]));
      return true;
    } catch {
      return false;
    }
  }

  backupContent(): unknown {
    return encodeBackup(this.list());
  }

  /**
   * The labels and the sidecar as one pair (the sidecar records the labels' sha256), to
   * `target.segmentation` or beside the volume.
   */
  async save(geometry: VolumeGeometry, confirm: ConfirmOverwrite, to: SaveTarget): Promise<void> {
    const target = to.segmentation ?? this.besideVolume(to.volume);
    await this.confirmReplace(target, confirm);
    const volumeName = uriBaseName(this.volumeUri);
    const files = encodeSegmentation(this.list(), geometry, volumeName, this.model);
    // What settling an interrupted earlier save did no longer matters: this save replaces it.
    await writeUriPair(this.fs, segmentationPair(target), files.nifti, files.sidecar);
    this.written(target);
  }

  fullMessage(): ToWebviewMessage {
    return { type: 'segmentation', objects: this.list() };
  }

  /** The editor that made an edit shows it already; the others get both whole states. */
  changeMessage(
    { change, direction }: AppliedChange<ObjectChange>,
    shown: boolean,
  ): ToWebviewMessage | undefined {
    // Before the load, no editor shows objects: they get them all with `segmentation`.
    if (shown || !this.loaded) return undefined;
    const edit = trackingEditOf(change, direction, this.objects.get(change.objectId));
    return { type: 'applyEdit', edit, direction };
  }

  private besideVolume(volume: vscode.Uri): vscode.Uri {
    return vscode.Uri.joinPath(volume, '..', segmentationFileName(uriBaseName(volume)));
  }
}

/** `X.seg.nii.gz` and its sidecar `X.seg.json`. */
function segmentationPair(segUri: vscode.Uri): UriPair {
  const sidecar = vscode.Uri.joinPath(segUri, '..', sidecarFileName(uriBaseName(segUri)));
  return { image: segUri, sidecar };
}
