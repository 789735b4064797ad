/**
 * The run's curves as one inline SVG: training loss against the left axis, validation Dice
 * against the right one (0-1), both over optimizer steps. Inline markup, no script and no
 * remote resource, so the report's CSP can forbid both. Colours come from CSS classes that the
 * page maps to the theme's chart colours.
 */
import type { CurvePoint, TrainingCurve } from './trainingCurve';

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 56, top: 16, bottom: 44 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Per-step loss is noisy; from this many steps a smoothed line is drawn over the raw one. */
const SMOOTH_FROM = 50;
const SMOOTHING = 0.9;

/** Exponential moving average, bias-corrected so the first points are not pulled to zero. */
export function smoothed(points: readonly CurvePoint[], weight = SMOOTHING): CurvePoint[] {
  let average = 0;
  return points.map((p, i) => {
    average = weight * average + (1 - weight) * p.value;
    return { step: p.step, value: average / (1 - weight ** (i + 1)) };
  });
}

/** About `count` round tick values covering [lo, hi]; whole numbers only when `whole`. */
export function niceTicks(lo: number, hi: number, count = 5, whole = false): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  if (whole) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

/** Tick labels with as many decimals as the tick spacing needs, so 1.175 never reads 1.18. */
function tickLabels(ticks: readonly number[]): string[] {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return ticks.map((t) => t.toFixed(decimals));
}

/** The loss axis: the data's range, widened a little so the line does not run on the frame. */
export function lossRange(points: readonly CurvePoint[]): [number, number] {
  const values = points.map((p) => p.value);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? (hi - lo) * 0.08 : Math.max(Math.abs(hi) * 0.1, 0.1);
  return [lo - pad, hi + pad];
}

export function curveSvg(curve: TrainingCurve): string {
  const steps = [...curve.loss, ...curve.valDice].map((p) => p.step);
  const maxStep = Math.max(1, ...steps);
  const x = (step: number) => MARGIN.left + (step / maxStep) * PLOT_W;
  const [lossLo, lossHi] = curve.loss.length > 0 ? lossRange(curve.loss) : [0, 1];
  const yLoss = (v: number) => MARGIN.top + (1 - (v - lossLo) / (lossHi - lossLo)) * PLOT_H;
  const yDice = (v: number) => MARGIN.top + (1 - v) * PLOT_H;
  const path = (points: readonly CurvePoint[], y: (v: number) => number) =>
    points.map((p) => `${x(p.step).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const bottom = MARGIN.top + PLOT_H;
  const right = MARGIN.left + PLOT_W;
  const parts: string[] = [
    `<svg class="curve" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Training loss and validation Dice by step">`,
    `<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}"/>`,
  ];
  const stepTicks = niceTicks(0, maxStep, 5, true);
  tickLabels(stepTicks).forEach((text, i) => {
    parts.push(
      `<text class="tick" x="${x(stepTicks[i]!).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${text}</text>`,
    );
  });
  parts.push(
    `<text class="axis" x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 6}" text-anchor="middle">step</text>`,
  );
  if (curve.loss.length > 0) {
    const lossTicks = niceTicks(lossLo, lossHi);
    tickLabels(lossTicks).forEach((text, i) => {
      const y = yLoss(lossTicks[i]!).toFixed(1);
      parts.push(
        `<line class="grid" x1="${MARGIN.left}" x2="${right}" y1="${y}" y2="${y}"/>`,
        `<text class="tick loss" x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${text}</text>`,
      );
    });
    const smooth = curve.loss.length >= SMOOTH_FROM;
    parts.push(
      `<polyline class="line loss${smooth ? ' raw' : ''}" points="${path(curve.loss, yLoss)}"/>`,
    );
    if (smooth) {
      parts.push(
        `<polyline class="line loss smooth" points="${path(smoothed(curve.loss), yLoss)}"/>`,
      );
    }
    parts.push(
      `<text class="legend loss" x="${MARGIN.left + 8}" y="${MARGIN.top + 14}">— training loss${smooth ? ' (smoothed)' : ''}</text>`,
    );
  }
  if (curve.valDice.length > 0) {
    const diceTicks = niceTicks(0, 1);
    tickLabels(diceTicks).forEach((text, i) => {
      parts.push(
        `<text class="tick dice" x="${right + 6}" y="${yDice(diceTicks[i]!).toFixed(1)}" dominant-baseline="middle">${text}</text>`,
      );
    });
    parts.push(`<polyline class="line dice" points="${path(curve.valDice, yDice)}"/>`);
    for (const p of curve.valDice) {
      parts.push(
        `<circle class="dot dice" cx="${x(p.step).toFixed(1)}" cy="${yDice(p.value).toFixed(1)}" r="3"><title>step ${p.step}: Dice ${p.value.toFixed(4)}</title></circle>`,
      );
    }
    parts.push(
      `<text class="legend dice" x="${right - 8}" y="${MARGIN.top + 14}" text-anchor="end">— validation Dice</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
