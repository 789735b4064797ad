/**
 * The vessel regions of a VolumeDocument (issue 6) as one of its annotation layers: the
 * RegionAnnotation, saved as `<volume>.regions.nii.gz` and `.regions.json` (one pair by the rule
 * of docs/reliability.md), each stroke or layer mark one undoable RegionChange. A regions file
 * that does not fit the volume, or a sidecar written for other regions, keeps the annotation
 * empty and is remembered, so Save asks before replacing it.
 *
 * This is also the API of the sparse-annotation panel (src/extension/sparse): `annotatedLayers`,
 * `axis`, `layerMask`, and the undoable `markAnnotated` / `setLayer`, which go through the
 * document's edit stack (Ctrl+Z / Ctrl+Shift+Z) and reach every editor of the document.
 */
import * as vscode from 'vscode';
import type { LabelEdit } from '../../core/labels/labelEdit';
import type { Axis, VolumeGeometry } from '../../core/volume/volume';
import type { ToWebviewMessage } from '../../protocol/editorMessages';
import {
  AnnotationLayer,
  type AppliedChange,
  type ConfirmOverwrite,
  type Direction,
  type SaveTarget,
} from '../document/annotationLayer';
import { RegionAnnotation, type RegionChange } from './regionAnnotation';
import { decodeRegionBackup, encodeRegionBackup } from './regionBackup';
import {
  type EncodedRegions,
  type RegionExtras,
  decodeRegions,
  defaultRegionAxis,
  encodeRegions,
  regionFileNames,
} from './regionFiles';
import { regionMessages } from './regionMessages';
import { uriBaseName, uriExists } from '../uriFiles';
import { readUriPair, writeUriPair } from '../vscodeFolderFs';

export class RegionsLayer extends AnnotationLayer<RegionChange> {
  readonly key = 'regions';
  readonly description = 'the vessel-region annotation';
  readonly editName = 'Region edit';
  readonly legacyBackupSuffix = '.regions';
  readonly notLoadedNote =
    'The vessel regions were not loaded; Save will ask before replacing the file.';
  private annotation: RegionAnnotation | null = null;
  /** Region files were found at load: Save writes them even when the annotation is now empty. */
  private hadFiles = false;
  /**
   * Sidecar keys this editor does not interpret (e.g. the panel's sample seed or screening
   * threshold). Not undoable: set them and they are written with the next save.
   */
  extras: Record<string, unknown> = {};

  /** `<volume>.regions.nii.gz` and `.regions.json` beside `volume` (default: the document's). */
  uris(volume: vscode.Uri = this.volumeUri): { nifti: vscode.Uri; sidecar: vscode.Uri } {
    const names = regionFileNames(uriBaseName(volume));
    return {
      nifti: vscode.Uri.joinPath(volume, '..', names.nifti),
      sidecar: vscode.Uri.joinPath(volume, '..', names.sidecar),
    };
  }

  /** The model; throws until the volume and its regions were read (VolumeDocument.regionsReady). */
  get current(): RegionAnnotation {
    if (!this.annotation) {
      throw new Error('The region annotation is not loaded yet: await document.regionsReady().');
    }
    return this.annotation;
  }

  get axis(): Axis {
    return this.current.axis;
  }

  /** Annotated layers along `axis`, ascending. */
  get annotatedLayers(): readonly number[] {
    return this.current.annotatedLayers;
  }

  /** Layer `index` along `axis` (default: the annotation's) as rows × cols bytes, 1 inside. */
  layerMask(index: number, axis?: Axis): Uint8Array {
    return this.current.layerMask(index, axis);
  }

  /** Undoable. Returns false when nothing changed. */
  markAnnotated(index: number, annotated: boolean, axis?: Axis): boolean {
    const change = this.current.markAnnotated(index, annotated, axis);
    if (change) this.committed(change, undefined);
    return change !== null;
  }

  /**
   * Undoable: the layer's region becomes `mask` (rows × cols along `axis`, non-zero inside) and
   * the layer is annotated, in one step. Returns false when nothing changed.
   */
  setLayer(index: number, mask: ArrayLike<number>, label?: string): boolean {
    const change = this.current.setLayer(index, mask, label);
    if (change) this.committed(change, undefined);
    return change !== null;
  }

  /** The annotation as the bytes of `<name>.regions.nii.gz` and `.regions.json` (not saved). */
  toFiles(geometry: VolumeGeometry): EncodedRegions {
    return encodeRegions(this.current, geometry, this.extras);
  }

  /** A stroke from an editor (`origin`), which already shows it. */
  editFromWebview(label: string, edit: LabelEdit, origin: object): void {
    this.committed(this.current.fromEdit(label, edit), origin);
  }

  protected apply(change: RegionChange, direction: Direction): void {
    this.current.apply(change, direction);
  }

  protected async loadSaved(geometry: VolumeGeometry): Promise<void> {
    this.clearProblem();
    this.hadFiles = false;
    this.extras = {};
    const { nifti, sidecar } = this.uris();
    let decoded: { regions: RegionAnnotation; extras: RegionExtras } | null = null;
    try {
      // A sidecar for another region volume (PairMismatchError) is a problem like a bad file.
      const pair = await readUriPair(this.fs, { image: nifti, sidecar });
      this.noted(pair.notices);
      this.hadFiles = pair.image !== undefined || pair.sidecar !== undefined;
      if (this.hadFiles) {
        decoded = decodeRegions(
          pair.image,
          pair.sidecar,
          geometry,
          regionFileNames(uriBaseName(this.volumeUri)),
        );
      }
    } catch (error) {
      this.unreadable(nifti, error);
    }
    this.annotation =
      decoded?.regions ?? new RegionAnnotation(geometry.dims, defaultRegionAxis(geometry.dims));
    this.extras = { ...(decoded?.extras ?? {}) };
  }

  protected async restoreBackup(content: unknown, geometry: VolumeGeometry): Promise<boolean> {
    try {
      const decoded = decodeRegionBackup(content, geometry.dims);
      this.annotation = decoded.regions;
      this.extras = { ...decoded.extras };
      const { nifti, sidecar } = this.uris();
      this.hadFiles = (await uriExists(this.fs, nifti)) || (await uriExists(this.fs, sidecar));
      return true;
    } catch {
      return false;
    }
  }

  backupContent(): unknown {
    return this.annotation ? encodeRegionBackup(this.annotation, this.extras) : undefined;
  }

  /**
   * Writes both files beside `to.volume` as one pair (the sidecar records the region volume's
   * sha256), when there is something to save
   * (region voxels, annotated layers, or files that were there). Refuses (throws) to replace an
   * unreadable regions file unless `confirm` says yes.
   */
  async save(geometry: VolumeGeometry, confirm: ConfirmOverwrite, to: SaveTarget): Promise<void> {
    const regions = this.annotation;
    if (!regions) return;
    const target = this.uris(to.volume);
    const sameFiles = to.volume.toString() === this.volumeUri.toString();
    if (regions.isEmpty && !(sameFiles && this.hadFiles)) return;
    // Nothing annotated here: saving tracking edits leaves the unreadable file alone.
    if (regions.isEmpty && this.isUnreadable(target.nifti)) return;
    await this.confirmReplace(target.nifti, confirm, ` (${this.description})`);
    const files = encodeRegions(regions, geometry, this.extras);
    // What settling an interrupted earlier save did no longer matters: this save replaces it.
    const pair = { image: target.nifti, sidecar: target.sidecar };
    await writeUriPair(this.fs, pair, files.nifti, files.sidecar);
    this.written(target.nifti);
    if (sameFiles) this.hadFiles = true;
  }

  fullMessage(): ToWebviewMessage {
    return regionMessages.full(this.current);
  }

  changeMessage(applied: AppliedChange<RegionChange>, shown: boolean): ToWebviewMessage {
    return regionMessages.change(applied.change, applied.direction, shown);
  }
}
