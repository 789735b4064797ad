/**
 * The checkpoint downloader against a real HTTP server on 127.0.0.1: a broken-off download
 * resumes with a Range request, a wrong sha256 deletes the part file, a server error and an
 * unreachable server say what to do, Cancel keeps the part for the next try. The served bytes
 * are random (the downloader never looks inside a checkpoint); the e2e test serves a real
 * random-weight SAM 2.1 checkpoint.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import {
  DownloadCancelled,
  DownloadError,
  downloadFile,
  partFileOf,
} from '../../../../src/extension/models/checkpointDownload';

const BODY = randomBytes(3 * 1024 * 1024 + 17);
const DIGEST = createHash('sha256').update(BODY).digest('hex');

/** How the server answers the next requests; each test sets what it needs. */
interface Behaviour {
  /** Close the connection after this many bytes of the first response. */
  cutAfter?: number;
  /** Answer every request with this status. */
  status?: number;
  /** Send the whole file with 200 even to a Range request. */
  ignoreRange?: boolean;
  /** Send one chunk, then wait (so the client can cancel). */
  stall?: boolean;
}

let server: Server;
let base: string;
let behaviour: Behaviour = {};
let requests: { range: string | undefined; sent: number }[] = [];
let folder: string;

function serve(req: IncomingMessage, res: ServerResponse): void {
  const record = { range: req.headers.range, sent: 0 };
  requests.push(record);
  if (behaviour.status !== undefined) {
    res.writeHead(behaviour.status, { 'Content-Type': 'text/plain' });
    res.end('boom');
    return;
  }
  if (req.url === '/moved.pt') {
    res.writeHead(302, { Location: '/sam2.1_hiera_tiny.pt' });
    res.end();
    return;
  }
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = match && !behaviour.ignoreRange ? Number(match[1]) : 0;
  if (start >= BODY.length) {
    res.writeHead(416, { 'Content-Range': `bytes */${BODY.length}` });
    res.end();
    return;
  }
  const body = BODY.subarray(start);
  res.writeHead(start > 0 ? 206 : 200, {
    'Content-Length': String(body.length),
    'Accept-Ranges': 'bytes',
    ...(start > 0 ? { 'Content-Range': `bytes ${start}-${BODY.length - 1}/${BODY.length}` } : {}),
  });
  if (behaviour.stall) {
    res.write(body.subarray(0, 64 * 1024));
    record.sent = 64 * 1024;
    return; // the client cancels; the socket closes with it
  }
  const cut = behaviour.cutAfter;
  if (cut !== undefined) {
    behaviour = {}; // only the first response breaks off
    res.write(body.subarray(0, cut), () => res.socket?.destroy());
    record.sent = cut;
    return;
  }
  record.sent = body.length;
  res.end(body);
}

before(async () => {
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  behaviour = {};
  requests = [];
  folder = mkdtempSync(join(tmpdir(), 'sam-octa2-download-'));
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

function request(overrides: Partial<Parameters<typeof downloadFile>[0]> = {}) {
  return {
    url: `${base}/sam2.1_hiera_tiny.pt`,
    sha256: DIGEST,
    dest: join(folder, 'sam2.1_hiera_tiny.pt'),
    bytes: BODY.length,
    ...overrides,
  };
}

test('a whole download lands under its name with the right bytes, and progress reaches the end', async () => {
  const seen: [number, number | undefined][] = [];
  const r = request({ onProgress: (got, total) => seen.push([got, total]) });
  await downloadFile(r);
  assert.ok(readFileSync(r.dest).equals(BODY));
  assert.equal(existsSync(partFileOf(r.dest)), false);
  assert.deepEqual(seen.at(-1), [BODY.length, BODY.length]);
  // A second call finds the file and asks the server nothing.
  await downloadFile(r);
  assert.equal(requests.length, 1);
});

test('a download that broke off resumes from its part file with a Range request', async () => {
  const r = request();
  behaviour = { cutAfter: 1024 * 1024 };
  await assert.rejects(downloadFile(r), (error: unknown) => {
    assert.ok(error instanceof DownloadError);
    assert.equal(error.kind, 'network');
    assert.match(error.message, /Run the command again to resume/);
    return true;
  });
  const kept = statSync(partFileOf(r.dest)).size;
  assert.ok(kept > 0 && kept <= 1024 * 1024, `the part keeps what arrived (${kept} bytes)`);
  await downloadFile(r);
  assert.equal(requests[1]?.range, `bytes=${kept}-`);
  assert.equal(requests[1]?.sent, BODY.length - kept, 'only the rest is sent again');
  assert.ok(readFileSync(r.dest).equals(BODY));
  assert.equal(existsSync(partFileOf(r.dest)), false);
});

test('a server that ignores the Range gets a fresh part, not a doubled one', async () => {
  const r = request();
  writeFileSync(partFileOf(r.dest), BODY.subarray(0, 1000));
  behaviour = { ignoreRange: true };
  await downloadFile(r);
  assert.ok(readFileSync(r.dest).equals(BODY));
});

test('a part that is already whole is only checked (the server answers 416 to its Range)', async () => {
  const r = request({ bytes: undefined });
  writeFileSync(partFileOf(r.dest), BODY);
  await downloadFile(r);
  assert.equal(requests[0]?.range, `bytes=${BODY.length}-`);
  assert.ok(readFileSync(r.dest).equals(BODY));
});

test('a wrong sha256 deletes the part file and says so', async () => {
  const r = request({ sha256: 'ab'.repeat(32) });
  await assert.rejects(downloadFile(r), (error: unknown) => {
    assert.ok(error instanceof DownloadError);
    assert.equal(error.kind, 'digest');
    assert.match(error.message, new RegExp(`sha256 is ${DIGEST}`));
    assert.match(error.message, /was deleted/);
    return true;
  });
  assert.equal(existsSync(partFileOf(r.dest)), false);
  assert.equal(existsSync(r.dest), false);
});

test('a server error is reported with its status and leaves no file', async () => {
  behaviour = { status: 500 };
  const r = request();
  await assert.rejects(downloadFile(r), (error: unknown) => {
    assert.ok(error instanceof DownloadError);
    assert.equal(error.kind, 'http');
    assert.match(error.message, /answered 500/);
    assert.match(error.message, /A file on disk/);
    return true;
  });
  assert.equal(existsSync(r.dest), false);
});

test('Cancel stops the transfer and keeps the part, and the next try resumes it', async () => {
  behaviour = { stall: true };
  const controller = new AbortController();
  const r = request({
    signal: controller.signal,
    onProgress: (got) => {
      if (got > 0) controller.abort();
    },
  });
  await assert.rejects(downloadFile(r), DownloadCancelled);
  const kept = statSync(partFileOf(r.dest)).size;
  assert.ok(kept > 0, 'the bytes received before Cancel stay');
  behaviour = {};
  await downloadFile(request());
  assert.equal(requests.at(-1)?.range, `bytes=${kept}-`);
  assert.ok(readFileSync(r.dest).equals(BODY));
});

test('an unreachable server is called offline, with what to do instead', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const r = request({ url: `http://127.0.0.1:${port}/sam2.1_hiera_tiny.pt` });
  await assert.rejects(downloadFile(r), (error: unknown) => {
    assert.ok(error instanceof DownloadError);
    assert.equal(error.kind, 'offline');
    assert.match(error.message, /ECONNREFUSED/);
    assert.match(error.message, /on a machine with internet access/);
    assert.match(error.message, /A file on disk/);
    return true;
  });
});

test('redirects are followed', async () => {
  const r = request({ url: `${base}/moved.pt` });
  await downloadFile(r);
  assert.ok(readFileSync(r.dest).equals(BODY));
});
