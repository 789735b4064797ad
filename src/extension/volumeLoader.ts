/**
 * File → (header, one ArrayBuffer of voxels): size check, read, async gunzip, parse. Knows
 * nothing of vscode so it can be tested on plain bytes; the document passes the file system in.
 * Every failure becomes a VolumeLoadError that says what is wrong and what is supported. On the
 * way, the first layer along the file's last axis is handed out as a preview as soon as its bytes
 * are decompressed, long before the whole volume is (progressive opening, issue 17).
 */
import { leadingLayers } from '../core/nifti/leadingLayers';
import { NiftiError } from '../core/nifti/niftiError';
import { isGzip, readNifti } from '../core/nifti/readNifti';
import type { Volume, VoxelArray } from '../core/volume/volume';
import type { VolumeHeaderInfo } from '../protocol/editorMessages';
import { GunzipLimitError, GunzipSourceError, gunzipAsync, type GzipPieces } from './gunzipAsync';
import { SUPPORTED_FILES, VolumeLoadError } from './volumeLoadError';

/** Files above this size are refused before reading (the 2 GB limit). */
export const MAX_FILE_BYTES = 2 * 1024 ** 3;
/** Decompressed files and voxel arrays above this are refused too (gzip bombs, lying headers). */
export const MAX_VOLUME_BYTES = 2 * 1024 ** 3;

/** Where the bytes come from; the document adapts vscode.workspace.fs to this. */
export interface VolumeSource {
  readonly fileName: string;
  size(): Promise<number>;
  read(): Promise<Uint8Array>;
  /**
   * The file in pieces as it is read (optional; the document offers it for local files): the
   * gunzip and the first layer's preview then start on the first piece, not after the whole read.
   */
  readPieces?(): AsyncIterable<Uint8Array>;
}

export interface LoadProgress {
  /** 0..1 over the whole load, or -1 when unknown. */
  readonly fraction: number;
  readonly stage: string;
}

export interface LoadedVolume {
  readonly volume: Volume;
  readonly header: VolumeHeaderInfo;
  /** Exactly the voxel bytes (no header, no padding), typed per header.type. */
  readonly buffer: ArrayBuffer;
  /** The header's description field, for the log. */
  readonly description: string;
}

/**
 * The first k-layers of the volume, decoded like the volume will be, before the rest is: a
 * preview only (nothing has verified the file yet; the full load may still fail).
 */
export interface VolumePreview {
  /** The whole volume's header (its dims, not the preview's). */
  readonly header: VolumeHeaderInfo;
  /** How many k-layers, from layer 0, `buffer` holds. */
  readonly layers: number;
  /** Exactly those layers' voxels, typed per header.type, laid out as in Volume.data. */
  readonly buffer: ArrayBuffer;
}

/** Layers in a preview: one is what the viewer shows first. */
const PREVIEW_LAYERS = 1;

// Share of the progress bar each stage gets; decompression dominates for .nii.gz.
const READ_END = 0.15;
const GUNZIP_END = 0.85;

export async function loadVolume(
  source: VolumeSource,
  onProgress: (progress: LoadProgress) => void = () => undefined,
  onPreview?: (preview: VolumePreview) => void,
): Promise<LoadedVolume> {
  onProgress({ fraction: 0, stage: 'Checking file size' });
  const size = await source.size();
  if (size > MAX_FILE_BYTES) {
    throw new VolumeLoadError(
      `${source.fileName} is ${formatBytes(size)}; this editor opens files up to 2 GB.`,
      `${SUPPORTED_FILES} Crop the volume or reduce its data type (e.g. to uint8) first.`,
    );
  }
  onProgress({ fraction: 0.01, stage: `Reading ${formatBytes(size)}` });
  const preview = onPreview && previewer(source.fileName, onPreview);
  const streamed = source.readPieces && (await readStreamed(source, size, onProgress, preview));
  const fileBytes = streamed ?? (await source.read());
  if (fileBytes.length === 0) {
    throw new VolumeLoadError(`${source.fileName} is empty.`);
  }

  let niftiBytes = fileBytes;
  if (streamed) {
    // Already decompressed (or a plain .nii read whole) while it was read.
  } else if (isGzip(fileBytes)) {
    onProgress({ fraction: READ_END, stage: 'Decompressing' });
    niftiBytes = await gunzip(
      fileBytes,
      source.fileName,
      (f) =>
        onProgress({ fraction: READ_END + f * (GUNZIP_END - READ_END), stage: 'Decompressing' }),
      preview,
    );
  } else {
    preview?.(fileBytes);
  }

  onProgress({ fraction: GUNZIP_END, stage: 'Parsing NIfTI header' });
  const parsed = parse(niftiBytes, source.fileName);
  const volume = parsed.volume;
  onProgress({ fraction: 1, stage: 'Sending to the view' });
  return {
    volume,
    header: headerInfo(source.fileName, volume, parsed.niftiVersion, parsed.notices),
    buffer: exactBuffer(volume.data),
    description: parsed.description,
  };
}

/**
 * Reads `source` in pieces: a gzip file is decompressed as it arrives (the returned bytes are
 * the decompressed file), a plain file is gathered (and previewed) as it grows. Undefined when
 * the reader cannot start or the file starts too short to tell: the caller reads it whole.
 */
async function readStreamed(
  source: VolumeSource,
  size: number,
  onProgress: (progress: LoadProgress) => void,
  preview: ((bytesSoFar: Uint8Array) => void) | undefined,
): Promise<Uint8Array | undefined> {
  let iterator: AsyncIterator<Uint8Array>;
  let first: IteratorResult<Uint8Array>;
  try {
    iterator = source.readPieces!()[Symbol.asyncIterator]();
    first = await iterator.next();
  } catch {
    // The piecewise reader could not start (e.g. a path only workspace.fs knows): one read
    // through it instead, which says what is wrong if the file is really unreadable.
    return undefined;
  }
  if (first.done || first.value.length < 2) return undefined;
  const remaining = { [Symbol.asyncIterator]: () => iterator };
  const rest = async function* (): AsyncIterable<Uint8Array> {
    try {
      yield first.value;
      for await (const piece of remaining) yield piece;
    } finally {
      // Closed early (corrupt data, over the limit): close the reader too (a file handle).
      await iterator.return?.();
    }
  };
  if (isGzip(first.value)) {
    const stage = 'Reading and decompressing';
    const pieces: GzipPieces = { pieces: rest(), totalBytes: size };
    return gunzip(
      pieces,
      source.fileName,
      (f) => onProgress({ fraction: 0.01 + f * (GUNZIP_END - 0.01), stage }),
      preview,
    );
  }
  let bytes = new Uint8Array(Math.max(size, first.value.length));
  let length = 0;
  try {
    for await (const piece of rest()) {
      if (length + piece.length > bytes.length) {
        // The file grew while being read: keep all of it.
        const grown = new Uint8Array(Math.max(length + piece.length, bytes.length * 2));
        grown.set(bytes.subarray(0, length));
        bytes = grown;
      }
      bytes.set(piece, length);
      length += piece.length;
      preview?.(bytes.subarray(0, length));
      onProgress({
        fraction: 0.01 + (length / Math.max(1, size)) * (READ_END - 0.01),
        stage: 'Reading',
      });
    }
  } catch (error) {
    throw unreadable(source.fileName, error);
  }
  return bytes.subarray(0, length);
}

function unreadable(fileName: string, error: unknown): VolumeLoadError {
  const reason = error instanceof Error ? error.message : String(error);
  return new VolumeLoadError(`${fileName} could not be read: ${reason}`);
}

function headerInfo(
  fileName: string,
  volume: Pick<Volume, 'dims' | 'spacingMm' | 'affine' | 'type'>,
  niftiVersion: 1 | 2,
  notices: readonly string[],
): VolumeHeaderInfo {
  const { dims, spacingMm, affine, type } = volume;
  return { fileName, dims, spacingMm, affine, type, notices, niftiVersion };
}

/**
 * Watches the decompressed bytes as they grow and hands out the preview once, when the first
 * layer is complete. A header it cannot read ends the watching quietly: the full parse that
 * follows says what is wrong, in the one error the user sees.
 */
function previewer(
  fileName: string,
  onPreview: (preview: VolumePreview) => void,
): (bytesSoFar: Uint8Array) => void {
  let done = false;
  return (bytesSoFar) => {
    if (done) return;
    let found: ReturnType<typeof leadingLayers>;
    try {
      found = leadingLayers(bytesSoFar, PREVIEW_LAYERS, MAX_VOLUME_BYTES);
    } catch {
      done = true;
      return;
    }
    if (!found) return;
    done = true;
    const { header, volume } = found;
    // A single layer is the whole volume: nothing to gain from a preview.
    if (header.dims[2] <= volume.dims[2]) return;
    onPreview({
      header: headerInfo(fileName, { ...header, type: volume.type }, header.version, []),
      layers: volume.dims[2],
      buffer: exactBuffer(volume.data),
    });
  };
}

async function gunzip(
  bytes: Uint8Array | GzipPieces,
  fileName: string,
  onFraction: (f: number) => void,
  onOutput?: (bytesSoFar: Uint8Array) => void,
): Promise<Uint8Array> {
  try {
    return await gunzipAsync(bytes, {
      maxOutputBytes: MAX_VOLUME_BYTES,
      onProgress: onFraction,
      onOutput,
    });
  } catch (error) {
    if (error instanceof GunzipSourceError) throw unreadable(fileName, error.reason);
    if (error instanceof GunzipLimitError) {
      throw new VolumeLoadError(
        `${fileName} decompresses to more than 2 GB; this editor opens volumes up to 2 GB.`,
      );
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'Z_BUF_ERROR') {
      throw new VolumeLoadError(
        `${fileName} is truncated: its gzip data ends early (${formatBytes(bytes instanceof Uint8Array ? bytes.length : bytes.totalBytes)} on disk). ` +
          'The file may be incomplete (an interrupted copy or download).',
      );
    }
    throw new VolumeLoadError(
      `${fileName} has corrupt gzip data (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
}

function parse(bytes: Uint8Array, fileName: string): ReturnType<typeof readNifti> {
  try {
    return readNifti(bytes, { maxBytes: MAX_VOLUME_BYTES });
  } catch (error) {
    if (error instanceof NiftiError) {
      throw new VolumeLoadError(`${fileName}: ${error.message}`, error.supported);
    }
    throw new VolumeLoadError(
      `${fileName} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * The voxels as one ArrayBuffer holding exactly them: the webview wraps it in a typed array at
 * offset 0, so a view into a larger buffer (or a SharedArrayBuffer) is copied once here.
 */
export function exactBuffer(data: VoxelArray): ArrayBuffer {
  const buffer = data.buffer;
  if (
    buffer instanceof ArrayBuffer &&
    data.byteOffset === 0 &&
    data.byteLength === buffer.byteLength
  ) {
    return buffer;
  }
  const copy = new Uint8Array(data.byteLength);
  copy.set(new Uint8Array(buffer, data.byteOffset, data.byteLength));
  return copy.buffer;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
