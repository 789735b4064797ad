/**
 * Decodes PNG screenshots in a blank browser page and measures them, so tests can tell a real
 * rendering from a blank canvas, and a changed picture from the same one, without a PNG library.
 */
import type { BrowserContext } from 'playwright-core';

export interface ImageStats {
  readonly width: number;
  readonly height: number;
  /** Standard deviation of the luminance, 0..255: near 0 for a blank image. */
  readonly lumaStd: number;
  /** Fraction of channel values that differ by more than 8 from the `other` image, if given. */
  readonly differenceFromOther: number;
}

// Plain JavaScript, evaluated as text: a compiled function would carry the test bundler's
// helpers (e.g. esbuild's __name), which do not exist in the page.
const MEASURE = `async ({ png, other }) => {
  const decode = async (base64) => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + base64;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const g = canvas.getContext('2d');
    g.drawImage(image, 0, 0);
    return g.getImageData(0, 0, canvas.width, canvas.height);
  };
  const a = await decode(png);
  let sum = 0;
  let sumSq = 0;
  const n = a.data.length / 4;
  for (let i = 0; i < a.data.length; i += 4) {
    const luma = 0.299 * a.data[i] + 0.587 * a.data[i + 1] + 0.114 * a.data[i + 2];
    sum += luma;
    sumSq += luma * luma;
  }
  const mean = sum / n;
  let differenceFromOther = 0;
  if (other) {
    const b = await decode(other);
    if (b.data.length !== a.data.length) differenceFromOther = 1;
    else {
      let differing = 0;
      for (let i = 0; i < a.data.length; i++) if (Math.abs(a.data[i] - b.data[i]) > 8) differing++;
      differenceFromOther = differing / a.data.length;
    }
  }
  return {
    width: a.width,
    height: a.height,
    lumaStd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
    differenceFromOther,
  };
}`;

export async function imageStats(
  context: BrowserContext,
  png: Buffer,
  other?: Buffer,
): Promise<ImageStats> {
  const page = await context.newPage();
  try {
    const args = { png: png.toString('base64'), other: other?.toString('base64') ?? null };
    return (await page.evaluate(`(${MEASURE})(${JSON.stringify(args)})`)) as ImageStats;
  } finally {
    await page.close();
  }
}
