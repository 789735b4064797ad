/**
 * The sparse-annotation panel is built from vscode-elements (issue 16, item 7) and still drives
 * the host: a sample drawn from typed fields, Train with the steps and device picked in its
 * dropdown, a running task's progress bar and the buttons it disables. Every dropdown has an
 * accessible name; no native button, select, text field or progress bar is left to restyle.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseOption, typeInto } from '../support/vscodeElements';
import {
  type HarnessWindow,
  openPatternVolume,
  posted,
  send,
  sendEmptyRegions,
  waitForPosted,
  webviewFixture,
} from './harness';

const DIMS: [number, number, number] = [16, 12, 20];

describe('sparse panel', () => {
  const web = webviewFixture();

  it('drives the host through vscode-elements', async () => {
    const errors: string[] = [];
    const { page } = await openPatternVolume(web, errors, 'sparse-panel', DIMS);
    await sendEmptyRegions(page, DIMS);
    await page.locator('.sparse-panel > summary').click();
    const panel = page.getByTestId('sparse-panel');
    await page.getByTestId('sparse-nonblank').filter({ hasText: 'non-blank' }).waitFor();

    const native = await panel.evaluate((p) =>
      Array.from(p.querySelectorAll('button, select, progress, input:not([type=range])')).map((n) =>
        n.outerHTML.slice(0, 80),
      ),
    );
    assert.deepEqual(native, [], 'native controls left in the panel');

    // Sample 3 layers with seed 5: the viewer steps to the first sampled layer.
    await typeInto(page.getByTestId('sparse-count'), '3');
    await typeInto(page.getByTestId('sparse-seed'), '5');
    await page.getByTestId('sparse-sample').click();
    await page
      .getByTestId('sparse-sampled')
      .filter({ hasText: /^1\/3 · 0 annotated$/ })
      .waitFor();
    await page.getByTestId('sparse-next').click();
    await page
      .getByTestId('sparse-sampled')
      .filter({ hasText: /^2\/3 / })
      .waitFor();

    // Train: the typed steps and the device chosen in the dropdown go to the host.
    await typeInto(page.getByTestId('sparse-steps'), '7');
    await chooseOption(page.getByTestId('sparse-device'), 'CPU');
    await page.getByTestId('sparse-train').click();
    await waitForPosted(page, 'sparseRun');
    const run = (await posted(page)).find((m) => m.type === 'sparseRun');
    assert.equal(run?.task, 'train');
    assert.equal(run?.device, 'cpu');
    assert.equal(run?.steps, 7);
    // The choices are saved with the annotation (debounced): the last settings posted hold them.
    await page.waitForFunction(() => {
      const settings = (window as unknown as HarnessWindow).__harness.posted
        .filter((m) => m.type === 'sparseSettings')
        .at(-1)?.settings as { device?: string; trainSteps?: number } | undefined;
      return settings?.device === 'cpu' && settings.trainSteps === 7;
    });
    const settings = (await posted(page)).filter((m) => m.type === 'sparseSettings').at(-1)
      ?.settings as { sampleCount: number; sampleSeed: number };
    assert.deepEqual([settings.sampleCount, settings.sampleSeed], [3, 5]);

    // A running task: the bar shows its share; Train is disabled and Stop enabled until it ends.
    await send(page, {
      type: 'sparseStatus',
      task: 'train',
      phase: 'running',
      text: 'Training: step 3 of 7',
      fraction: 0.4,
    });
    const bar = page.getByTestId('sparse-progress');
    await bar.waitFor({ state: 'visible' });
    assert.equal(await bar.evaluate((b) => (b as HTMLElement & { value: number }).value), 40);
    assert.equal(await page.getByTestId('sparse-train').getAttribute('disabled'), '');
    assert.equal(await page.getByTestId('sparse-stop').getAttribute('disabled'), null);
    await page.getByTestId('sparse-stop').click();
    await waitForPosted(page, 'sparseStop');
    await send(page, {
      type: 'sparseStatus',
      task: 'train',
      phase: 'stopped',
      text: 'Training stopped',
      fraction: -1,
    });
    await bar.waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('sparse-train').getAttribute('disabled'), null);

    // Every dropdown in the panel has a name.
    const unnamed = await panel.evaluate((p) =>
      Array.from(p.querySelectorAll('vscode-single-select'))
        .filter((s) => !s.getAttribute('aria-label')?.trim())
        .map((s) => s.getAttribute('data-testid')),
    );
    assert.deepEqual(unnamed, []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
