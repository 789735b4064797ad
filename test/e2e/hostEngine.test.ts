/**
 * End to end, issue 17: in code-server with the Linux x64 .vsix (the one that carries
 * onnxruntime-node), track a synthetic vessel with `samOcta2.inferenceEngine: host-cpu` (the
 * extension host runs the graphs), then switch the setting to `webview-wasm` in the workspace's
 * settings, which reloads the model in the webview's worker, and track the same click again as a
 * second object: the two objects' masks must be the same on every layer (onnxruntime-node and
 * onnxruntime-web run the same graphs; IoU >= 0.99 over the stack, as the parity tests ask of
 * them), and the status names each engine.
 *
 * Needs: npm run build && node scripts/package-vsix.mjs --target linux-x64, and
 * scripts/setup-code-server.sh.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { writeNifti } from '../../src/core/nifti/writeNifti';
import { generateSyntheticOcta } from '../../src/core/synth/generateSyntheticOcta';
import { type CodeServer, REPO_ROOT, assertPrerequisites } from './codeServer';
import { TRACKING_SETTINGS, closeEditorWorkbench, openEditorWorkbench } from './editorWorkbench';
import {
  clickImagePixel,
  contentFrame,
  objectMasks,
  waitForTracking,
  type HookWindow,
} from './editorFrame';
import { type Target, vesselTarget } from './syntheticTargets';
import { type Browser, quickOpen } from './workbench';

const PLATFORM_VSIX = join(REPO_ROOT, 'dist/sam-octa2-linux-x64.vsix');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');
/** 24 layers of OCTA-500-like depth sampling around the large vessels (as tracking.test.ts). */
const GENERATED: [number, number, number] = [96, 96, 640];
const WINDOW: [number, number] = [260, 283];
const DIMS: [number, number, number] = [96, 96, WINDOW[1] - WINDOW[0] + 1];
const VOLUME = 'host-7.nii.gz';
const MIN_IOU = 0.99;

let work: string;
let workspace: string;
let target: Target;
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page;

function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let n = 0; n < a.length; n++) {
    inter += a[n]! & b[n]!;
    union += a[n]! | b[n]!;
  }
  return union === 0 ? 1 : inter / union;
}

/** Clicks the target on its layer and propagates over the stack; the selected object's id. */
async function clickAndPropagate(frame: Frame): Promise<number> {
  await frame.locator('.layer-slider').fill(String(target.layer));
  await frame.locator(`.app[data-layer="${target.layer}"]`).waitFor({ timeout: 10_000 });
  const before = await waitForTracking(page, frame, 'idle', (s) => !s.busy);
  await clickImagePixel(page, frame, target.x, target.y);
  const clicked = await waitForTracking(
    page,
    frame,
    'the click mask',
    (s) => s.lastClickMs !== null && s.lastClickMs !== before.lastClickMs,
  );
  const id = clicked.selected!;
  await frame.getByTestId('propagate').click();
  const done = await waitForTracking(
    page,
    frame,
    'the propagation',
    (s) => !s.busy && s.lastTrack !== null && s.lastTrack !== before.lastTrack,
    300_000,
  );
  assert.deepEqual(done.errors, []);
  assert.equal(done.lastTrack?.cancelled, false);
  return id;
}

describe('the host engine in code-server', { timeout: 600_000 }, () => {
  before(async () => {
    assertPrerequisites([
      [PLATFORM_VSIX, 'npm run build && node scripts/package-vsix.mjs --target linux-x64'],
    ]);
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'sam-octa2-e2e-host-'));
    workspace = join(work, 'octa');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    const synth = generateSyntheticOcta({ seed: 7, size: GENERATED, layers: WINDOW });
    writeFileSync(join(workspace, VOLUME), writeNifti(synth.volume, { gzip: true }));
    target = vesselTarget(synth.vesselInstances.data as Uint16Array, DIMS);
    ({ server, browser, page } = await openEditorWorkbench({
      workspace,
      logFile: join(SHOTS, 'code-server-host-engine.log'),
      userSettings: { ...TRACKING_SETTINGS, 'samOcta2.inferenceEngine': 'host-cpu' },
      testHook: true,
      vsix: PLATFORM_VSIX,
    }));
  });

  after(async () => {
    await closeEditorWorkbench({ browser, server }, work);
  });

  test('host-cpu tracks, and webview-wasm gets the same masks from the same click', async () => {
    await quickOpen(page, VOLUME);
    const frame = await contentFrame(page);
    await frame.locator('.app[data-loaded="true"]').waitFor({ timeout: 60_000 });
    assert.ok(
      await frame.evaluate(() => (window as HookWindow).__samOcta2Test !== undefined),
      'the test hook is on',
    );
    const onHost = await waitForTracking(
      page,
      frame,
      'the model on the host',
      (s) => s.model !== null,
    );
    assert.equal(onHost.backend, 'host-cpu', `note: ${onHost.note}`);
    await page
      .locator('.statusbar-item', { hasText: 'host-cpu' })
      .first()
      .waitFor({ timeout: 20_000 });
    const hostId = await clickAndPropagate(frame);
    const hostMasks = await objectMasks(frame, hostId, DIMS);
    assert.ok(
      hostMasks.some((v) => v !== 0),
      'the host engine found the vessel',
    );
    await page.screenshot({ path: join(SHOTS, 'host-engine-tracked.png') });

    // The workspace setting wins over the user's: the model reloads in the webview's worker.
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'samOcta2.inferenceEngine': 'webview-wasm' }),
    );
    await waitForTracking(
      page,
      frame,
      'the model on WASM',
      (s) => s.model !== null && s.backend === 'wasm',
    );
    await frame.getByTestId('object-add').click();
    const wasmId = await clickAndPropagate(frame);
    assert.notEqual(wasmId, hostId);
    const wasmMasks = await objectMasks(frame, wasmId, DIMS);
    const plane = DIMS[0] * DIMS[1];
    const worst: string[] = [];
    for (let k = 0; k < DIMS[2]; k++) {
      const layer = (m: Uint8Array) => m.subarray(k * plane, (k + 1) * plane);
      const overlap = iou(layer(hostMasks), layer(wasmMasks));
      if (overlap < MIN_IOU) worst.push(`layer ${k}: IoU ${overlap.toFixed(4)}`);
    }
    assert.deepEqual(worst, [], 'host-cpu and webview-wasm masks differ');
  });
});
