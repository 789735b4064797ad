/**
 * Gunzip on Node's thread pool, in chunks, so the extension host stays responsive while a
 * 100 MB volume decompresses and the editor can show real progress. Bounded: a gzip bomb or a
 * file far larger than promised stops at `maxOutputBytes` instead of exhausting memory. The
 * input may also arrive in pieces as a file is read, so decompression starts on the first piece;
 * the output so far can be watched as it grows, so a viewer can show the first layers early.
 */
import { createGunzip } from 'node:zlib';

export interface GunzipOptions {
  /** Decompression stops with a GunzipLimitError beyond this many output bytes. */
  readonly maxOutputBytes: number;
  /** Called with the fraction (0..1) of the compressed input consumed so far. */
  readonly onProgress?: (fraction: number) => void;
  /**
   * Called after each piece zlib emits with all the output so far (a view that later calls
   * supersede: copy what you keep). Nothing is emitted for a stream that later fails, except
   * what arrived before the failure, which the caller must treat as unverified.
   */
  readonly onOutput?: (outputSoFar: Uint8Array) => void;
  /** Compressed bytes handed to zlib at a time. */
  readonly chunkBytes?: number;
}

export class GunzipLimitError extends Error {
  constructor(readonly limitBytes: number) {
    super(`decompressed data exceeds ${limitBytes} bytes`);
    this.name = 'GunzipLimitError';
  }
}

/** Gzip data still being read: its pieces in order, and how many bytes they add up to. */
export interface GzipPieces {
  readonly pieces: AsyncIterable<Uint8Array>;
  readonly totalBytes: number;
}

/** Reading the pieces failed (not the data): the caller says the file could not be read. */
export class GunzipSourceError extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'GunzipSourceError';
  }
}

const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

export function gunzipAsync(
  input: Uint8Array | GzipPieces,
  options: GunzipOptions,
): Promise<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const whole = input instanceof Uint8Array ? input : null;
  const totalBytes = whole ? whole.length : (input as GzipPieces).totalBytes;
  const capacity = whole
    ? initialCapacity(whole, options.maxOutputBytes)
    : fallbackCapacity(totalBytes, options.maxOutputBytes);
  const output = new GrowableBytes(capacity);
  return new Promise<Uint8Array>((resolve, reject) => {
    const gunzip = createGunzip();
    let failed = false;
    const pieces = whole ? slices(whole, chunkBytes) : (input as GzipPieces).pieces;
    const iterator = pieces[Symbol.asyncIterator]();
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      gunzip.destroy();
      // Stop the source too (a file being read: its handle closes).
      void iterator.return?.()?.catch(() => undefined);
      reject(error);
    };
    gunzip.on('data', (chunk: Buffer) => {
      if (output.length + chunk.length > options.maxOutputBytes) {
        fail(new GunzipLimitError(options.maxOutputBytes));
        return;
      }
      output.append(chunk, options.maxOutputBytes);
      options.onOutput?.(output.bytes());
    });
    gunzip.on('error', fail);
    gunzip.on('end', () => {
      if (!failed) resolve(output.bytes());
    });

    // One piece in zlib at a time: its callback says when the next may follow.
    const write = (piece: Uint8Array): Promise<boolean> =>
      new Promise((done) => gunzip.write(piece, (error) => done(!error && !failed)));
    const pump = async (): Promise<void> => {
      let consumed = 0;
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await iterator.next();
        } catch (error) {
          fail(new GunzipSourceError(error));
          return;
        }
        if (next.done) break;
        if (failed || !(await write(next.value))) return; // fail() rejects and closes the source
        consumed += next.value.length;
        options.onProgress?.(totalBytes > 0 ? Math.min(1, consumed / totalBytes) : -1);
      }
      gunzip.end();
    };
    void pump();
  });
}

async function* slices(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    yield bytes.subarray(offset, offset + size);
  }
}

/**
 * gzip's trailer stores the uncompressed size modulo 2^32 (of the last member): a good first
 * guess that usually makes the output buffer exactly right, with no copy at the end.
 */
function initialCapacity(input: Uint8Array, maxOutputBytes: number): number {
  const fallback = fallbackCapacity(input.length, maxOutputBytes);
  if (input.length < 18) return fallback;
  const n = input.length;
  const isize =
    (input[n - 4]! | (input[n - 3]! << 8) | (input[n - 2]! << 16)) + input[n - 1]! * 2 ** 24;
  // Deflate cannot expand more than ~1032:1, so a larger claim is a truncated or corrupt trailer.
  const plausible = isize > 0 && isize <= maxOutputBytes && isize <= input.length * 1032;
  return plausible ? isize : fallback;
}

/** Without the trailer (not read yet): room for a typical 4:1 ratio, grown when short. */
function fallbackCapacity(inputBytes: number, maxOutputBytes: number): number {
  return Math.min(maxOutputBytes, Math.max(1024, inputBytes * 4));
}

class GrowableBytes {
  private buffer: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  /** The caller guarantees `length + chunk.length` stays within its limit. */
  append(chunk: Uint8Array, limit = Number.MAX_SAFE_INTEGER): void {
    const needed = this.length + chunk.length;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.min(limit, Math.max(needed, this.buffer.length * 2)));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length = needed;
  }

  /** The bytes written, as a view (no copy) when the buffer is larger than needed. */
  bytes(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.length);
  }
}
