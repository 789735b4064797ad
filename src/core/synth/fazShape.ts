/**
 * The foveal avascular zone: a capillary-free region around the fovea, roughly round but with the
 * irregular, lobed rim seen in real OCTA (a circle with a few low harmonics on its radius).
 */
import type { Random } from './random';

export interface FazShape {
  centreMm: readonly [number, number];
  /** Mean radius, mm. */
  radiusMm: number;
  /** Relative amplitudes and phases of harmonics 2..5 of the rim. */
  harmonics: readonly { order: number; amplitude: number; phase: number }[];
}

export function drawFazShape(rng: Random, centreMm: readonly [number, number]): FazShape {
  const harmonics = [2, 3, 4, 5].map((order) => ({
    order,
    amplitude: rng.range(0, 0.1) / Math.sqrt(order - 1),
    phase: rng.range(0, 2 * Math.PI),
  }));
  // OCTA-500 3M FAZ areas span ~0.1–0.5 mm²; a mean radius of 0.2–0.33 mm covers that.
  return { centreMm, radiusMm: rng.range(0.2, 0.33), harmonics };
}

/** Rim radius (mm) in the direction of angle theta. */
export function fazRadiusAt(faz: FazShape, theta: number): number {
  let f = 1;
  for (const h of faz.harmonics) f += h.amplitude * Math.cos(h.order * theta + h.phase);
  return faz.radiusMm * f;
}

/**
 * Signed distance-like measure (mm): negative inside the FAZ, positive outside, measured along
 * the ray from the centre (exact for a circle, close enough for a gently lobed rim).
 */
export function fazDistance(faz: FazShape, x: number, y: number): number {
  const dx = x - faz.centreMm[0];
  const dy = y - faz.centreMm[1];
  return Math.hypot(dx, dy) - fazRadiusAt(faz, Math.atan2(dy, dx));
}

/** Largest rim radius: vessel growth keeps outside this plus a margin. */
export function fazMaxRadius(faz: FazShape): number {
  let f = 1;
  for (const h of faz.harmonics) f += h.amplitude;
  return faz.radiusMm * f;
}
