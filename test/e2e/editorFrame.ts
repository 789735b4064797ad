/**
 * The volume editor's webview as the e2e tests reach it in code-server: its content frame (VS
 * Code's webview iframe, then the inner active frame), the test hook's snapshots, polling, and
 * the Dice the tests report, an object's masks and a click on an image pixel.
 */
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import type { SamOcta2TestHook } from '../../src/webview/testHook';
import type { TrackingSnapshot } from '../../src/webview/tracking/trackingSnapshot';

export type HookWindow = Window & { __samOcta2Test?: SamOcta2TestHook };

/** The active volume editor's content frame. */
export async function contentFrame(page: Page): Promise<Frame> {
  const outer = await page.locator('iframe.webview.ready:visible').last().elementHandle();
  const inner = await (await outer?.contentFrame())?.locator('iframe#active-frame').elementHandle();
  const frame = await inner?.contentFrame();
  assert.ok(frame, 'the volume editor webview is showing');
  return frame;
}

/** Reads `read` until `done` holds; fails naming `what` and the last value after `timeout` ms. */
export async function until<T>(
  page: Page,
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeout = 60_000,
): Promise<T> {
  const end = Date.now() + timeout;
  let value = await read();
  while (!done(value)) {
    assert.ok(Date.now() < end, `timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await page.waitForTimeout(200);
    value = await read();
  }
  return value;
}

export function trackingSnapshot(frame: Frame): Promise<TrackingSnapshot> {
  return frame.evaluate(() => (window as HookWindow).__samOcta2Test!.tracking());
}

export function waitForTracking(
  page: Page,
  frame: Frame,
  what: string,
  done: (s: TrackingSnapshot) => boolean,
  timeout = 120_000,
): Promise<TrackingSnapshot> {
  return until(page, what, () => trackingSnapshot(frame), done, timeout);
}

/** Dice of two masks of the same length, non-zero = inside (1 when both are empty). */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let both = 0;
  let sum = 0;
  for (let n = 0; n < a.length; n++) {
    const x = a[n] !== 0;
    const y = b[n] !== 0;
    both += x && y ? 1 : 0;
    sum += (x ? 1 : 0) + (y ? 1 : 0);
  }
  return sum === 0 ? 1 : (2 * both) / sum;
}

/** The object's masks over the whole stack, from the webview, in the volume's voxel order. */
export async function objectMasks(
  frame: Frame,
  id: number,
  dims: readonly number[],
): Promise<Uint8Array> {
  const plane = dims[0]! * dims[1]!;
  const all = new Uint8Array(plane * dims[2]!);
  for (let k = 0; k < dims[2]!; k++) {
    const mask =
      (await frame.evaluate(
        ([o, l]) => (window as HookWindow).__samOcta2Test!.mask(o!, l!),
        [id, k],
      )) ?? [];
    for (let n = 0; n < mask.length; n++) all[k * plane + n] = mask[n] === 1 ? 1 : 0;
  }
  return all;
}

/** Clicks image pixel (x, y) (its centre) in the layer view, as a user would. */
export async function clickImagePixel(
  page: Page,
  frame: Frame,
  x: number,
  y: number,
): Promise<void> {
  const p = await frame.evaluate(
    ([a, b]) => (window as HookWindow).__samOcta2Test!.imageToViewport(a!, b!),
    [x + 0.5, y + 0.5],
  );
  const box = await frame.locator('.viewport').boundingBox();
  assert.ok(p && box, 'the layer view is on screen');
  await page.mouse.click(box.x + p.x, box.y + p.y);
}
