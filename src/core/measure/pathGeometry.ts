/**
 * Geometry of a centreline given as a sequence of 3D points in mm: Gaussian smoothing along the
 * path (a skeleton's pixel staircase would add up to 8 % of false length and turn at every
 * step), then arc length, chord, and total curvature: the sum of the turning angles between
 * consecutive steps, i.e. ∫|κ| ds, in radians (Hart et al. 1999).
 */
export type Point3 = readonly [number, number, number];

/**
 * Gaussian smoothing over the points' order with sigma in samples. End points stay where they
 * are and the kernel is cut to the samples that exist, so an open path keeps its chord.
 */
export function smoothPath(points: readonly Point3[], sigma: number): Point3[] {
  if (sigma <= 0 || points.length < 3) return points.map((p) => [p[0], p[1], p[2]]);
  const radius = Math.ceil(3 * sigma);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, n) =>
    Math.exp(-((n - radius) ** 2) / (2 * sigma * sigma)),
  );
  const last = points.length - 1;
  return points.map((point, i) => {
    if (i === 0 || i === last) return [point[0], point[1], point[2]];
    // A symmetric window that fits: near an end it shrinks, so the end is not pulled inward.
    const reach = Math.min(radius, i, last - i);
    let sum = 0;
    const acc = [0, 0, 0];
    for (let d = -reach; d <= reach; d++) {
      const w = weights[d + radius];
      const q = points[i + d];
      acc[0] += w * q[0];
      acc[1] += w * q[1];
      acc[2] += w * q[2];
      sum += w;
    }
    return [acc[0] / sum, acc[1] / sum, acc[2] / sum];
  });
}

export function pathLength(points: readonly Point3[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i++) length += distance(points[i - 1], points[i]);
  return length;
}

export function chordLength(points: readonly Point3[]): number {
  return points.length < 2 ? 0 : distance(points[0], points[points.length - 1]);
}

/**
 * Sum of turning angles (radians) between steps of at least `step` mm, taken by walking the path
 * and keeping a point every `step` mm: sub-step jitter is not counted as bending.
 */
export function totalCurvature(points: readonly Point3[], step: number): number {
  const kept: Point3[] = points.length > 0 ? [points[0]] : [];
  for (let i = 1; i < points.length; i++) {
    if (distance(kept[kept.length - 1], points[i]) >= step || i === points.length - 1) {
      kept.push(points[i]);
    }
  }
  let turning = 0;
  for (let i = 1; i + 1 < kept.length; i++) {
    const a = sub(kept[i], kept[i - 1]);
    const b = sub(kept[i + 1], kept[i]);
    const cos = dot(a, b) / (Math.hypot(...a) * Math.hypot(...b));
    if (Number.isFinite(cos)) turning += Math.acos(Math.max(-1, Math.min(1, cos)));
  }
  return turning;
}

function distance(a: Point3, b: Point3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function sub(a: Point3, b: Point3): [number, number, number] {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
