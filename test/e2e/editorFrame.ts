/**
 * The volume editor's webview as the e2e tests reach it in code-server: its content frame (VS
 * Code's webview iframe, then the inner active frame), the test hook's snapshots, polling, and
 * the Dice the tests report.
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
