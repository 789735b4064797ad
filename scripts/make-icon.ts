// Draws media/icon.png, the extension's 128×128 Marketplace icon: three en-face layers seen
// at an angle, one vessel tree running through them and the tracked vessel in the accent colour.
// Drawn here (not in an image editor) so that it can be made again exactly:
//   node --import tsx scripts/make-icon.ts
import { writeFileSync } from 'node:fs';
import { encodePng } from '../src/core/image/png';

const SIZE = 128;
const BACKGROUND: Rgb = [24, 28, 38];
const LAYER: Rgb = [58, 68, 92];
const LAYER_EDGE: Rgb = [120, 136, 170];
const VESSEL: Rgb = [210, 214, 224];
const TRACKED: Rgb = [255, 140, 40];

type Rgb = readonly [number, number, number];

const data = new Uint8Array(SIZE * SIZE * 3);
const paint = (x: number, y: number, colour: Rgb, weight = 1): void => {
  const [px, py] = [Math.round(x), Math.round(y)];
  if (px < 0 || py < 0 || px >= SIZE || py >= SIZE) return;
  const at = 3 * (py * SIZE + px);
  for (let c = 0; c < 3; c++)
    data[at + c] = Math.round(data[at + c]! * (1 - weight) + colour[c]! * weight);
};
for (let i = 0; i < SIZE * SIZE; i++) data.set(BACKGROUND, 3 * i);

/** A layer as a parallelogram (en-face square seen from above and in front), top-left at y0. */
function layer(y0: number): void {
  for (let y = 0; y < 36; y++) {
    const shift = 18 - y / 2; // the far edge leans right
    for (let x = 0; x < 84; x++) {
      const edge = y === 0 || y === 35 || x === 0 || x === 83;
      paint(22 + x + shift - 9, y0 + y, edge ? LAYER_EDGE : LAYER, edge ? 1 : 0.9);
    }
  }
}

/** A thick line from (x0, y0) to (x1, y1). */
function line(x0: number, y0: number, x1: number, y1: number, width: number, colour: Rgb): void {
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2);
  for (let s = 0; s <= steps; s++) {
    const [x, y] = [x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps];
    for (let dy = -width; dy <= width; dy++) {
      for (let dx = -width; dx <= width; dx++) {
        if (dx * dx + dy * dy <= width * width) paint(x + dx, y + dy, colour);
      }
    }
  }
}

// Three layers, the deepest first; each carries the same vessel branch pattern.
for (const [index, y0] of [78, 48, 18].entries()) {
  layer(y0);
  const top = index === 2;
  const mid = y0 + 18;
  line(30, mid + 10, 62, mid, 1.6, top ? TRACKED : VESSEL);
  line(62, mid, 98, mid - 8, 1.6, top ? TRACKED : VESSEL);
  line(62, mid, 80, mid + 12, 1.1, VESSEL);
  line(82, mid - 4, 92, mid + 6, 0.8, VESSEL);
}
// The tracked vessel, followed down through the stack.
line(62, 36, 62, 96, 1.2, TRACKED);

writeFileSync(
  new URL('../media/icon.png', import.meta.url),
  encodePng({ width: SIZE, height: SIZE, channels: 3, data }),
);
