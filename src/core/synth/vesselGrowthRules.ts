/**
 * The local rules by which a vessel tip grows: where it turns, how it tapers and dips, when and
 * how it branches, and where the trees enter the field. Lengths in mm, angles in radians.
 */
import type { FazShape } from './fazShape';
import { fazDistance } from './fazShape';
import type { Random } from './random';

export interface Tip {
  tree: number;
  x: number;
  y: number;
  /** Depth of the centreline below the ILM, mm. */
  rel: number;
  heading: number;
  radius: number;
  /** Length still to grow before the next bifurcation. */
  untilBranch: number;
  /** Target depth as a share of the inner retina: 0 under the ILM, 0.6 ICP, 0.88 DCP. */
  depthShare: number;
}

const MIN_RADIUS_MM = 0.0055;
const TAPER_LENGTH_MM = 3.5;
/** Depth change per mm of length: vessels dip gently, never plunge. */
const MAX_DIP_SLOPE = 0.12;

export class GrowthRules {
  constructor(
    private readonly rng: Random,
    private readonly disc: readonly [number, number],
    private readonly faz: FazShape,
  ) {}

  /**
   * New heading: away from the disc, curving around the fovea when large, heading for the FAZ
   * rim when small, with a random wander so no two vessels look alike.
   */
  steer(tip: Tip): number {
    const [fx, fy] = this.faz.centreMm;
    const away = unit(tip.x - this.disc[0], tip.y - this.disc[1]);
    const toFovea = unit(fx - tip.x, fy - tip.y);
    let around: [number, number] = [-toFovea[1], toFovea[0]];
    if (around[0] * away[0] + around[1] * away[1] < 0) around = [-around[0], -around[1]];
    const rim = Math.max(fazDistance(this.faz, tip.x, tip.y), 0);
    const small = clamp(1 - tip.radius / 0.022, 0, 1);
    const wFovea = 0.15 + 0.55 * small;
    const wAround = Math.exp(-rim / (small > 0.5 ? 0.15 : 0.35)) * (1.2 - small);
    const dx = away[0] * (1 - wFovea) + toFovea[0] * wFovea + around[0] * wAround;
    const dy = away[1] * (1 - wFovea) + toFovea[1] * wFovea + around[1] * wAround;
    const diff = wrapAngle(Math.atan2(dy, dx) - tip.heading);
    // Weak steering and a small wander: a vessel keeps the direction its bifurcation gave it and
    // bends smoothly, so daughters diverge instead of all following one flow line.
    const gain = 0.03 + 0.05 * small;
    return tip.heading + clamp(gain * diff, -0.03, 0.03) + 0.035 * this.rng.normal();
  }

  taper(radius: number, step: number): number {
    return radius * Math.exp(-step / TAPER_LENGTH_MM);
  }

  tooThin(radius: number): boolean {
    return radius < MIN_RADIUS_MM;
  }

  /** Next centreline depth below the ILM: toward the tip's plexus, at a gentle slope. */
  nextDepth(tip: Tip, innerThickness: number, radius: number, step: number): number {
    const floor = 0.008 + radius;
    const target = Math.max(
      floor,
      Math.min(tip.depthShare * innerThickness, innerThickness - radius),
    );
    const slope = MAX_DIP_SLOPE * step;
    return tip.rel + clamp(target - tip.rel, -slope, slope);
  }

  /**
   * Splits the tip by Murray's law; the tip itself becomes the larger daughter (in place) and the
   * smaller one is returned, or null when the tip is too thin to split.
   */
  branch(tip: Tip): Tip | null {
    const rng = this.rng;
    const r = tip.radius;
    if (r < 2.2 * MIN_RADIUS_MM) {
      tip.untilBranch = Infinity;
      return null;
    }
    const k = rng.range(0.35, 0.95);
    const ra = r / Math.cbrt(1 + k * k * k);
    const rb = k * ra;
    const angle = (big: number, other: number): number =>
      Math.acos(clamp((r ** 4 + big ** 4 - other ** 4) / (2 * r * r * big * big), -1, 1));
    const side = rng.chance(0.5) ? 1 : -1;
    const parentHeading = tip.heading;
    tip.heading = parentHeading + side * angle(ra, rb);
    tip.radius = ra;
    tip.untilBranch = branchInterval(rng, ra);
    return {
      ...tip,
      heading: parentHeading - side * angle(rb, ra),
      radius: rb,
      untilBranch: branchInterval(rng, rb) * rng.range(0.4, 1),
      depthShare: rb < 0.012 ? pickPlexus(rng) : tip.depthShare,
    };
  }
}

/** Trees enter the field at its border, more and larger ones on the disc side. */
export function drawRoots(
  rng: Random,
  fieldMm: readonly [number, number],
  disc: readonly [number, number],
  fovea: readonly [number, number],
): Tip[] {
  const [w, h] = fieldMm;
  const wanted = rng.int(12, 18);
  const nearest = Math.hypot(disc[0] - clamp(disc[0], 0, w), disc[1] - clamp(disc[1], 0, h));
  const roots: Tip[] = [];
  for (let attempt = 0; attempt < 400 && roots.length < wanted; attempt++) {
    const t = rng.range(0, 2 * (w + h));
    const [x, y, nx, ny] = borderPoint(t, w, h);
    const closeness = Math.exp(-(Math.hypot(x - disc[0], y - disc[1]) - nearest) / 2);
    if (!rng.chance(0.25 + 0.75 * closeness)) continue;
    if (roots.some((r) => Math.hypot(r.x - x, r.y - y) < 0.25)) continue;
    const radius = rng.range(0.01, 0.02) + 0.026 * closeness * rng.range(0.5, 1);
    const away = unit(x - disc[0], y - disc[1]);
    const toFovea = unit(fovea[0] - x, fovea[1] - y);
    roots.push({
      tree: roots.length + 1,
      x,
      y,
      rel: 0.008 + radius,
      // Into the field, turned the way blood flows from the disc and a little toward the fovea.
      heading: Math.atan2(ny + away[1] + 0.6 * toFovea[1], nx + away[0] + 0.6 * toFovea[0]),
      radius,
      untilBranch: branchInterval(rng, radius) * rng.range(0.3, 1),
      depthShare: 0,
    });
  }
  return roots;
}

function borderPoint(t: number, w: number, h: number): [number, number, number, number] {
  // Returns a point on the border and the inward normal there.
  if (t < w) return [t, 0, 0, 1];
  if (t < w + h) return [w, t - w, -1, 0];
  if (t < 2 * w + h) return [2 * w + h - t, h, 0, -1];
  return [0, 2 * (w + h) - t, 1, 0];
}

function branchInterval(rng: Random, radius: number): number {
  return rng.range(0.6, 1.4) * (0.08 + 5 * radius);
}

function pickPlexus(rng: Random): number {
  const u = rng.next();
  return u < 0.45 ? 0.22 : u < 0.75 ? 0.6 : 0.88;
}

function unit(x: number, y: number): [number, number] {
  const n = Math.hypot(x, y) || 1;
  return [x / n, y / n];
}

function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
