/**
 * Retinal vessel trees as chains of short tube segments in millimetres. Trees enter the 3 mm
 * field from its border, mostly on the optic-disc (nasal) side, arc around the fovea and send
 * ever thinner branches toward it; they stop at the rim of the FAZ. Branching follows Murray's
 * law (r³ = r₁³ + r₂³, with its optimal angles), vessels taper as they go, run just under the
 * ILM when large and dip gently toward the deeper plexuses when small.
 *
 * One tree is one label instance, as the paper defines a vessel as one connected component of the
 * en-face annotation; so trees are grown never to touch one another in the en-face projection
 * (an occupancy grid at the output's en-face resolution keeps a gap between them).
 */
import type { FazShape } from './fazShape';
import { fazDistance } from './fazShape';
import type { Random } from './random';
import type { RetinaGeometry } from './retinaGeometry';
import { EnfaceOccupancy } from './enfaceOccupancy';
import { drawRoots, GrowthRules, type Tip } from './vesselGrowthRules';

export interface VesselSegment {
  tree: number;
  /** End points, mm (x, y, depth). */
  a: readonly [number, number, number];
  b: readonly [number, number, number];
  radiusMm: number;
}

export interface VesselTreeInfo {
  id: number;
  rootMm: readonly [number, number, number];
  rootRadiusMm: number;
  lengthMm: number;
  segments: number;
}

export interface VesselForest {
  segments: VesselSegment[];
  trees: VesselTreeInfo[];
  /** Where the optic disc lies, mm (outside the field). */
  discMm: readonly [number, number];
}

export interface ForestContext {
  rng: Random;
  geometry: RetinaGeometry;
  faz: FazShape;
  fieldMm: readonly [number, number];
  /** En-face pixel size, mm: the grid on which trees must not touch. */
  pixelMm: readonly [number, number];
  /** Disc on the −x side (true) or the +x side. */
  discOnLeft: boolean;
}

const STEP_MM = 0.02;
const MAX_STEPS = 400_000;

export function growVesselForest(ctx: ForestContext): VesselForest {
  const { rng, geometry, faz, fieldMm } = ctx;
  const side = ctx.discOnLeft ? -1 : 1;
  const disc: [number, number] = [faz.centreMm[0] + side * 3.8, faz.centreMm[1] - 0.3];
  const rules = new GrowthRules(rng, disc, faz);
  const occupancy = new EnfaceOccupancy(fieldMm, ctx.pixelMm);
  const gap = Math.max(0.03, 2.5 * Math.max(...ctx.pixelMm));
  const labelFloor = 0.9 * Math.max(...ctx.pixelMm);
  const depthOf = (x: number, y: number, rel: number): number => geometry.column(x, y).ilm + rel;

  let active: Tip[] = drawRoots(rng, fieldMm, disc, faz.centreMm);
  const trees: VesselTreeInfo[] = active.map((t) => ({
    id: t.tree,
    rootMm: [t.x, t.y, depthOf(t.x, t.y, t.rel)],
    rootRadiusMm: t.radius,
    lengthMm: 0,
    segments: 0,
  }));
  const segments: VesselSegment[] = [];
  // Breadth first: every live tip takes one step per round, so trees grow side by side and no
  // tree claims the whole field before the others start.
  for (let steps = 0; active.length > 0 && steps < MAX_STEPS;) {
    const next: Tip[] = [];
    for (const tip of active) {
      steps++;
      const heading = rules.steer(tip);
      const x = tip.x + STEP_MM * Math.cos(heading);
      const y = tip.y + STEP_MM * Math.sin(heading);
      const radius = rules.taper(tip.radius, STEP_MM);
      const reach = Math.max(radius, labelFloor);
      if (
        rules.tooThin(radius) ||
        fazDistance(faz, x, y) < 0.035 + radius ||
        occupancy.touchesOther(x, y, reach + gap, tip.tree)
      ) {
        continue;
      }
      const rel = rules.nextDepth(tip, geometry.innerThickness(x, y), radius, STEP_MM);
      const a: [number, number, number] = [tip.x, tip.y, depthOf(tip.x, tip.y, tip.rel)];
      const b: [number, number, number] = [x, y, depthOf(x, y, rel)];
      segments.push({ tree: tip.tree, a, b, radiusMm: radius });
      occupancy.markSegment(a[0], a[1], x, y, reach, tip.tree);
      trees[tip.tree - 1].lengthMm += STEP_MM;
      trees[tip.tree - 1].segments++;
      const moved: Tip = {
        ...tip,
        x,
        y,
        rel,
        heading,
        radius,
        untilBranch: tip.untilBranch - STEP_MM,
      };
      if (x < 0 || y < 0 || x > fieldMm[0] || y > fieldMm[1]) continue; // goes on outside the scan
      if (moved.untilBranch <= 0) {
        const child = rules.branch(moved);
        if (child) next.push(child);
      }
      next.push(moved);
    }
    active = next;
  }
  return { segments, trees, discMm: disc };
}
