/**
 * The region half of a VolumeDocument (issue 6): its RegionAnnotation, where it is saved, and the
 * file work (open, save, save as, revert, backup), as DocumentSegmentation does for the tracked
 * objects. A regions file that does not fit the volume keeps the annotation empty and is
 * remembered, so Save asks before replacing it.
 *
 * This is also the API of the sparse-annotation panel (src/extension/sparse): `annotatedLayers`,
 * `axis`, `layerMask`, and the undoable `markAnnotated` / `setLayer`, which go through the
 * document's edit stack (Ctrl+Z / Ctrl+Shift+Z) and reach every editor of the document.
 */
import * as vscode from 'vscode';
import type { LabelEdit } from '../../core/labels/labelEdit';
import type { Axis } from '../../core/volume/volume';
import { writeFileAtomic } from '../segmentation/atomicWrite';
import type { ConfirmOverwrite } from '../segmentation/documentSegmentation';
import { RegionAnnotation, type RegionChange } from './regionAnnotation';
import { decodeRegionBackup, encodeRegionBackup } from './regionBackup';
import {
  type EncodedRegions,
  type RegionExtras,
  type RegionFileNames,
  type VolumeGeometry,
  decodeRegions,
  defaultRegionAxis,
  encodeRegions,
  regionFileNames,
} from './regionFiles';
import { uriBaseName, uriExists } from '../uriFiles';

/** The document's hook: record the change (already applied) as one undoable edit. */
export type CommitRegionChange = (change: RegionChange, origin: object | undefined) => void;

export class DocumentRegions {
  private annotation: RegionAnnotation | null = null;
  private problemWith: { uri: string; message: string } | undefined;
  /** Region files were found at load: Save writes them even when the annotation is now empty. */
  private hadFiles = false;
  /**
   * Sidecar keys this editor does not interpret (e.g. the panel's sample seed or screening
   * threshold). Not undoable: set them and they are written with the next save.
   */
  extras: Record<string, unknown> = {};

  constructor(
    private readonly fs: vscode.FileSystem,
    private readonly volumeUri: vscode.Uri,
    private readonly volumeFileName: string,
    private readonly commit: CommitRegionChange,
  ) {}

  /** `<volume>.regions.nii.gz` and `.regions.json` beside `volume` (default: the document's). */
  uris(volume: vscode.Uri = this.volumeUri): { nifti: vscode.Uri; sidecar: vscode.Uri } {
    const names = regionFileNames(uriBaseName(volume));
    return {
      nifti: vscode.Uri.joinPath(volume, '..', names.nifti),
      sidecar: vscode.Uri.joinPath(volume, '..', names.sidecar),
    };
  }

  get loaded(): boolean {
    return this.annotation !== null;
  }

  /** Why the existing regions files could not be opened, or undefined. */
  get problem(): string | undefined {
    return this.problemWith?.message;
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
    if (change) this.commit(change, undefined);
    return change !== null;
  }

  /**
   * Undoable: the layer's region becomes `mask` (rows × cols along `axis`, non-zero inside) and
   * the layer is annotated, in one step. Returns false when nothing changed.
   */
  setLayer(index: number, mask: ArrayLike<number>, label?: string): boolean {
    const change = this.current.setLayer(index, mask, label);
    if (change) this.commit(change, undefined);
    return change !== null;
  }

  /** The annotation as the bytes of `<name>.regions.nii.gz` and `.regions.json` (not saved). */
  toFiles(geometry: VolumeGeometry): EncodedRegions {
    return encodeRegions(this.current, geometry, this.extras);
  }

  /** A stroke from an editor (`origin`), which already shows it. */
  editFromWebview(label: string, edit: LabelEdit, origin: object): void {
    this.commit(this.current.fromEdit(label, edit), origin);
  }

  /** Undo or redo, run by VS Code. */
  replay(change: RegionChange, direction: 'undo' | 'redo'): void {
    this.current.apply(change, direction);
  }

  /** Loads the files beside the volume if there are any; a bad one sets `problem`. */
  async loadSaved(geometry: VolumeGeometry): Promise<void> {
    this.problemWith = undefined;
    this.hadFiles = false;
    this.extras = {};
    const { nifti, sidecar } = this.uris();
    let decoded: { regions: RegionAnnotation; extras: RegionExtras } | null = null;
    try {
      const niftiBytes = await this.readIfPresent(nifti);
      const sidecarBytes = await this.readIfPresent(sidecar);
      this.hadFiles = niftiBytes !== undefined || sidecarBytes !== undefined;
      if (this.hadFiles) {
        decoded = decodeRegions(niftiBytes, sidecarBytes, geometry, this.names());
      }
    } catch (error) {
      this.problemWith = { uri: nifti.toString(), message: (error as Error).message };
    }
    this.annotation =
      decoded?.regions ?? new RegionAnnotation(geometry.dims, defaultRegionAxis(geometry.dims));
    this.extras = { ...(decoded?.extras ?? {}) };
  }

  /** Restores a hot-exit backup; false (and nothing changed) when it cannot be read. */
  async loadBackup(backup: vscode.Uri, geometry: VolumeGeometry): Promise<boolean> {
    try {
      const decoded = decodeRegionBackup(await this.fs.readFile(backup), geometry.dims);
      this.annotation = decoded.regions;
      this.extras = { ...decoded.extras };
      const { nifti, sidecar } = this.uris();
      this.hadFiles = (await uriExists(this.fs, nifti)) || (await uriExists(this.fs, sidecar));
      return true;
    } catch {
      return false;
    }
  }

  async writeBackup(destination: vscode.Uri): Promise<void> {
    if (!this.annotation) return;
    await this.fs.writeFile(destination, encodeRegionBackup(this.annotation, this.extras));
  }

  /**
   * Writes both files beside `volume` (default: the document's), each atomically, when there is
   * something to save (region voxels, annotated layers, or files that were there). Refuses
   * (throws) to replace an unreadable regions file unless `confirm` says yes.
   */
  async save(
    geometry: VolumeGeometry,
    confirm: ConfirmOverwrite,
    volume: vscode.Uri = this.volumeUri,
  ): Promise<void> {
    const regions = this.annotation;
    if (!regions) return;
    const target = this.uris(volume);
    const sameFiles = volume.toString() === this.volumeUri.toString();
    if (regions.isEmpty && !(sameFiles && this.hadFiles)) return;
    if (this.problemWith && this.problemWith.uri === target.nifti.toString()) {
      // Nothing annotated here: saving tracking edits leaves the unreadable file alone.
      if (regions.isEmpty) return;
      const problem = `${this.problemWith.message} (the vessel-region annotation)`;
      if (!(await confirm(target.nifti, problem))) {
        throw new Error(`Not saved: ${uriBaseName(target.nifti)} was left as it is.`);
      }
    }
    const files = encodeRegions(regions, geometry, this.extras);
    await writeFileAtomic(this.fs, target.nifti, files.nifti);
    await writeFileAtomic(this.fs, target.sidecar, files.sidecar);
    if (this.problemWith?.uri === target.nifti.toString()) this.problemWith = undefined;
    if (sameFiles) this.hadFiles = true;
  }

  private names(): RegionFileNames {
    return regionFileNames(this.volumeFileName);
  }

  private async readIfPresent(uri: vscode.Uri): Promise<Uint8Array | undefined> {
    return (await uriExists(this.fs, uri)) ? this.fs.readFile(uri) : undefined;
  }
}
