/**
 * Streaming gunzip that keeps only the byte range the caller asks for. The NIfTI reader needs the
 * header first to know which range holds the first volume; decompressing in small input chunks
 * lets it refuse an oversized file after reading a few kilobytes, stop early on 4D files, and
 * bounds how much a corrupt or hostile stream can inflate before the next check.
 */
import { Gunzip } from 'fflate';
import { NiftiError } from './niftiError';

/** Input chunk size: deflate expands at most ~1032:1, so one push yields at most ~68 MB. */
const INPUT_CHUNK = 64 * 1024;

export interface ByteRange {
  start: number;
  length: number;
}

export interface GunzipRangeResult {
  /** The first bytes of the stream: at least `probeBytes` unless the stream is shorter. */
  prefix: Uint8Array;
  /** The requested range, freshly allocated; shorter than asked when the stream ends early. */
  range: Uint8Array;
  /** How many decompressed bytes the stream produced before we stopped reading it. */
  decompressedBytes: number;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses until `probeBytes` are available, asks `plan` which range to keep (plan may throw,
 * e.g. a NiftiError for a bad header), then decompresses only until that range is filled.
 */
export function gunzipRange(
  gz: Uint8Array,
  probeBytes: number,
  plan: (prefix: Uint8Array) => ByteRange,
  /** False when `gz` is only the start of a file: its end is then not an error. */
  complete = true,
): GunzipRangeResult {
  const pending: Uint8Array[] = [];
  let produced = 0;
  let prefix: Uint8Array | undefined;
  // The range grows as data arrives (up to rangeLength), so a corrupt header that claims
  // gigabytes costs memory only for bytes the stream really holds.
  let range: Uint8Array | undefined;
  let rangeStart = 0;
  let rangeLength = 0;
  let rangeFilled = 0;

  const copyIntoRange = (chunk: Uint8Array, chunkStart: number): void => {
    if (!range) return;
    const from = Math.max(chunkStart, rangeStart);
    const to = Math.min(chunkStart + chunk.length, rangeStart + rangeLength);
    if (to <= from) return;
    if (to - rangeStart > range.length) {
      const grown = new Uint8Array(
        Math.min(rangeLength, Math.max(to - rangeStart, range.length * 2)),
      );
      grown.set(range.subarray(0, rangeFilled));
      range = grown;
    }
    range.set(chunk.subarray(from - chunkStart, to - chunkStart), from - rangeStart);
    rangeFilled = Math.max(rangeFilled, to - rangeStart);
  };

  const startRange = (): void => {
    prefix = concat(pending, produced);
    const wanted = plan(prefix);
    rangeStart = wanted.start;
    rangeLength = wanted.length;
    // gzip's trailer holds the decompressed size (mod 2^32): when it covers the range, trust it.
    const end = rangeStart + rangeLength;
    const trailerCovers = complete && end <= 0xffffffff && trailerSize(gz) >= end;
    range = new Uint8Array(trailerCovers ? rangeLength : Math.min(rangeLength, 1 << 20));
    copyIntoRange(prefix, 0);
    pending.length = 0;
  };

  const inflater = new Gunzip((chunk) => {
    const chunkStart = produced;
    produced += chunk.length;
    if (range) copyIntoRange(chunk, chunkStart);
    else pending.push(chunk.slice());
  });

  let streamError: unknown;
  try {
    for (let pos = 0; pos < gz.length; pos += INPUT_CHUNK) {
      const end = Math.min(pos + INPUT_CHUNK, gz.length);
      inflater.push(gz.subarray(pos, end), complete && end === gz.length);
      if (!range && produced >= probeBytes) startRange();
      if (range && rangeFilled >= rangeLength) break;
    }
  } catch (error) {
    if (error instanceof NiftiError) throw error;
    streamError = error;
  }
  const reason = streamError instanceof Error ? streamError.message : String(streamError);
  if (!range) {
    if (streamError === undefined) {
      startRange();
    } else {
      // A short stream may still hold a whole NIfTI-1 header: report against it if it parses.
      try {
        startRange();
      } catch {
        throw new NiftiError(
          `The gzip data is corrupt (${reason}) within its first ${produced} decompressed bytes.`,
        );
      }
    }
  }
  const result = range as Uint8Array;
  if (streamError !== undefined && rangeFilled < rangeLength) {
    throw new NiftiError(
      `The gzip data is corrupt or truncated (${reason}) after ${produced} decompressed bytes; ` +
        `the header needs ${rangeStart + rangeLength} bytes.`,
    );
  }
  return {
    prefix: prefix as Uint8Array,
    range: rangeFilled < result.length ? result.subarray(0, rangeFilled) : result,
    decompressedBytes: produced,
  };
}

function trailerSize(gz: Uint8Array): number {
  const n = gz.length;
  if (n < 18) return 0;
  return (gz[n - 4] | (gz[n - 3] << 8) | (gz[n - 2] << 16) | (gz[n - 1] << 24)) >>> 0;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
