/**
 * Downloads a large file to `dest`, resumably, and accepts it only with the expected sha256:
 * bytes go to `dest.part`; a later call asks the server for the rest (HTTP Range) and appends;
 * the finished part is hashed and renamed onto `dest`, or deleted when its digest is wrong.
 * Cancel (an AbortSignal) keeps the part for the next try. Node only (no vscode), so the unit
 * tests drive it against a local server; the URL and digest are parameters for the same reason.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { dirname } from 'node:path';

export interface DownloadRequest {
  readonly url: string;
  /** Lower-case hex sha256 the finished file must have. */
  readonly sha256: string;
  readonly dest: string;
  /** The expected size, for progress when the server sends no length. */
  readonly bytes?: number;
  readonly signal?: AbortSignal;
  /** Bytes on disk so far (resumed ones included) and the total when known. */
  onProgress?(received: number, total: number | undefined): void;
  /** Called once the bytes are all there and the digest is being computed. */
  onVerifying?(): void;
}

/** Why a download failed; `offline` when the server could not be reached at all. */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly kind: 'offline' | 'http' | 'digest' | 'network' | 'disk',
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** The user cancelled; the part file stays, so the next try resumes. */
export class DownloadCancelled extends Error {
  constructor(readonly partFile: string) {
    super('download cancelled');
    this.name = 'DownloadCancelled';
  }
}

/** Error codes of a machine without a route to the server (no network, DNS, firewall). */
const OFFLINE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
]);
/** No byte for this long ends the try (the part stays). */
const IDLE_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 5;

export function partFileOf(dest: string): string {
  return `${dest}.part`;
}

/** The sha256 (hex) of a file, streamed. */
export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

/**
 * Makes `dest` hold the file with `sha256`: already there, resumed, or downloaded whole.
 * Throws DownloadError (with what to do) or DownloadCancelled.
 */
export async function downloadFile(request: DownloadRequest): Promise<void> {
  const expected = request.sha256.toLowerCase();
  if ((await sizeOf(request.dest)) !== undefined) {
    request.onVerifying?.();
    if ((await fileSha256(request.dest)) === expected) return;
  }
  await mkdir(dirname(request.dest), { recursive: true });
  const part = partFileOf(request.dest);
  const have = (await sizeOf(part)) ?? 0;
  // A part as long as the whole file needs no request (a cancel during the check, say).
  if (request.bytes === undefined || have < request.bytes) {
    await fetchInto(request, part, have);
  }
  request.onVerifying?.();
  const actual = await fileSha256(part);
  if (actual !== expected) {
    await rm(part, { force: true });
    throw new DownloadError(
      `the downloaded file's sha256 is ${actual}, not the expected ${expected}; the partial ` +
        `file ${part} was deleted. Try again; if it happens again, the file at ${request.url} ` +
        'is not the one this version of SAM-OCTA2 knows.',
      'digest',
    );
  }
  await rename(part, request.dest);
}

/** Appends the bytes from `offset` on to `part` (or starts it over when the server must). */
async function fetchInto(request: DownloadRequest, part: string, offset: number): Promise<void> {
  const response = await get(request.url, offset, request.signal, part);
  const status = response.statusCode ?? 0;
  if (status === 416 && offset > 0) {
    // The part already holds everything the server has: the digest decides.
    response.resume();
    return;
  }
  if (status !== 200 && status !== 206) {
    response.resume();
    throw new DownloadError(
      `${request.url}: the server answered ${status} ${response.statusMessage ?? ''}`.trim() +
        '. Try again later, or download the file on another machine and choose "A file on disk".',
      'http',
    );
  }
  // 200 to a Range request: the server sends the whole file, so the part starts over.
  const resumed = status === 206 ? offset : 0;
  const length = Number(response.headers['content-length']);
  const total = Number.isFinite(length) && length > 0 ? resumed + length : request.bytes;
  let received = resumed;
  request.onProgress?.(received, total);
  if (request.signal?.aborted) {
    response.destroy();
    throw new DownloadCancelled(part);
  }
  const out = createWriteStream(part, { flags: resumed > 0 ? 'a' : 'w' });
  // Resolves once the file is flushed and closed, whichever way the transfer ended.
  const closed = (): Promise<void> =>
    out.closed ? Promise.resolve() : new Promise((r) => (out.once('close', () => r()), out.end()));
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      request.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) response.destroy();
      void closed().then(() => (error === undefined ? resolve() : reject(error)));
    };
    const onAbort = (): void => finish(new DownloadCancelled(part));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    response.on('data', (chunk: Buffer) => {
      if (settled) return;
      // Written before it is reported: a Cancel from the progress callback keeps this chunk.
      if (!out.write(chunk)) {
        response.pause();
        out.once('drain', () => response.resume());
      }
      received += chunk.length;
      request.onProgress?.(received, total);
    });
    response.on('error', (error) => finish(networkError(request.url, error, part)));
    response.on('aborted', () => finish(networkError(request.url, new Error('aborted'), part)));
    out.on('error', (error) => finish(diskError(part, error)));
    response.on('end', () => {
      // A connection closed early can end the stream too: the announced length tells.
      const short = Number.isFinite(length) && length > 0 && received - resumed < length;
      finish(short ? networkError(request.url, new Error('the connection closed early'), part) : undefined);
    });
  });
}

/** GET `url` from byte `offset` on, following redirects. */
function get(
  url: string,
  offset: number,
  signal: AbortSignal | undefined,
  part: string,
  redirects = 0,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DownloadCancelled(part));
      return;
    }
    const client = url.startsWith('https:') ? https : http;
    const headers = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    const req = client.get(url, { headers }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new DownloadError(`${url}: too many redirects`, 'http'));
          return;
        }
        get(new URL(location, url).toString(), offset, signal, part, redirects + 1).then(
          resolve,
          reject,
        );
        return;
      }
      resolve(response);
    });
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(Object.assign(new Error('no data for 60 s'), { code: 'ETIMEDOUT' })),
    );
    const onAbort = (): void => {
      req.destroy();
      reject(new DownloadCancelled(part));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', () => signal?.removeEventListener('abort', onAbort));
    req.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      reject(networkError(url, error, part));
    });
  });
}

function networkError(url: string, error: NodeJS.ErrnoException, part: string): DownloadError {
  const host = new URL(url).host;
  const code = error.code ?? error.message;
  if (error.code !== undefined && OFFLINE_CODES.has(error.code)) {
    return new DownloadError(
      `cannot reach ${host} (${code}): this machine seems to be offline or the address is ` +
        `blocked. Download ${url} on a machine with internet access, copy it here, and run the ` +
        'command again choosing "A file on disk".',
      'offline',
    );
  }
  return new DownloadError(
    `the download from ${host} broke off (${code}). Run the command again to resume: the bytes ` +
      `so far are kept in ${part}.`,
    'network',
  );
}

function diskError(part: string, error: NodeJS.ErrnoException): DownloadError {
  const why = error.code === 'ENOSPC' ? 'the disk is full' : error.message;
  return new DownloadError(`could not write ${part}: ${why}`, 'disk');
}
