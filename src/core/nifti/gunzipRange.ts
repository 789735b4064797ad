/**
 * Streaming gunzip that keeps only the byte range the caller asks for. The NIfTI reader needs the
 * header first to know which range holds the first volume; decompressing in small input chunks
 * lets it refuse an oversized file after reading a few kilobytes and bounds how much a corrupt or
 * hostile stream can inflate before the next check.
 *
 * What is verified: a complete stream is decompressed to its end (bytes past the range are
 * checked, not kept) and every member's CRC-32 and length (ISIZE) must match its trailer, so a
 * corrupt file is an error, never different voxels. A prefix read (`complete` false) can only
 * check that the deflate data it holds decodes; its checksum lies at the end of the file.
 */
import { Gunzip } from 'fflate';
import { crc32 } from './crc32';
import { NiftiError } from './niftiError';

/** Input chunk size: deflate expands at most ~1032:1, so one push yields at most ~68 MB. */
const INPUT_CHUNK = 64 * 1024;

export interface ByteRange {
  start: number;
  length: number;
  /**
   * Decompressed bytes the header accounts for (e.g. every volume of a 4D file). Checking the
   * rest of a complete stream stops with an error beyond this plus `MAX_UNDESCRIBED_BYTES`, so
   * a gzip bomb behind a small header costs bounded time. Default: start + length.
   */
  describedBytes?: number;
}

/** Decompressed bytes tolerated past what the header describes before the stream is refused. */
export const MAX_UNDESCRIBED_BYTES = 256 * 1024 ** 2;

export interface GunzipRangeResult {
  /** The first bytes of the stream: at least `probeBytes` unless the stream is shorter. */
  prefix: Uint8Array;
  /** The requested range, freshly allocated; shorter than asked when the stream ends early. */
  range: Uint8Array;
  /** How many decompressed bytes the stream produced before we stopped reading it. */
  decompressedBytes: number;
  /** True when the whole stream was read and every CRC-32 and ISIZE matched its trailer. */
  verified: boolean;
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
  let describedBytes = 0;
  // CRC-32 and length of the current gzip member, checked against its trailer when it ends.
  let memberCrc = 0;
  let memberBytes = 0;
  let members = 0;

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
    describedBytes = Math.max(wanted.describedBytes ?? 0, rangeStart + rangeLength);
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
    memberCrc = crc32(chunk, memberCrc);
    memberBytes += chunk.length;
    if (range) copyIntoRange(chunk, chunkStart);
    else pending.push(chunk.slice());
  });
  // fflate calls this when a further member starts at `offset`: the previous one's trailer is
  // the 8 bytes before it, and all of its output has been delivered.
  inflater.onmember = (offset) => {
    checkTrailer(gz, offset, memberCrc, memberBytes, ++members);
    memberCrc = 0;
    memberBytes = 0;
  };

  let streamError: unknown;
  try {
    for (let pos = 0; pos < gz.length; pos += INPUT_CHUNK) {
      const end = Math.min(pos + INPUT_CHUNK, gz.length);
      inflater.push(gz.subarray(pos, end), complete && end === gz.length);
      if (!range && produced >= probeBytes) startRange();
      if (range && rangeFilled >= rangeLength) {
        // A prefix cannot be verified further; a complete stream is read to its trailer.
        if (!complete) break;
        if (produced > describedBytes + MAX_UNDESCRIBED_BYTES) {
          throw new NiftiError(
            `The gzip data holds over ${produced - describedBytes} bytes more than the header ` +
              `describes (${describedBytes}); refused as corrupt or hostile.`,
          );
        }
      }
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
  if (streamError !== undefined && complete) {
    // The range decoded, but the stream is damaged further on: its checksum cannot vouch for it.
    throw new NiftiError(
      `The gzip data is corrupt or truncated (${reason}) after ${produced} decompressed bytes, ` +
        `so its checksum cannot be verified.`,
    );
  }
  const verified = complete && streamError === undefined;
  if (verified) checkTrailer(gz, gz.length, memberCrc, memberBytes, ++members);
  return {
    prefix: prefix as Uint8Array,
    range: rangeFilled < result.length ? result.subarray(0, rangeFilled) : result,
    decompressedBytes: produced,
    verified,
  };
}

/** The gzip member ending at `end` must record the CRC-32 and length (mod 2^32) we decoded. */
function checkTrailer(gz: Uint8Array, end: number, crc: number, bytes: number, member: number) {
  if (end < 18) throw new NiftiError('The gzip data is truncated: it has no trailer.');
  const stored = readUint32(gz, end - 8);
  const storedSize = readUint32(gz, end - 4);
  const which = member === 1 ? 'the gzip stream' : `gzip member ${member}`;
  if (stored !== crc) {
    throw new NiftiError(
      `The gzip data is corrupt: the CRC-32 of ${which} is ${hex(crc)} but its trailer says ` +
        `${hex(stored)}. The file was damaged after it was written.`,
    );
  }
  if (storedSize !== bytes % 2 ** 32) {
    throw new NiftiError(
      `The gzip data is corrupt: ${which} decompresses to ${bytes} bytes but its trailer says ` +
        `${storedSize} (mod 2^32).`,
    );
  }
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
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
