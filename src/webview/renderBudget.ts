/**
 * Picks the 3D view's render resolution so that a frame stays within a time budget: with a
 * software rasterizer (SwiftShader) a full-resolution ray march of a 640-deep volume takes
 * seconds, on a GPU milliseconds. Costs are learned from measured frames (time per pixel-step),
 * so the same code serves both.
 */
export interface BudgetOptions {
  /** Frame time aimed at while the user drags (ms). */
  readonly interactiveMs: number;
  /** Frame time allowed for the still frame drawn when the interaction ends (ms). */
  readonly stillMs: number;
  readonly minScale: number;
}

export const DEFAULT_BUDGET: BudgetOptions = { interactiveMs: 50, stillMs: 400, minScale: 0.2 };

export class RenderBudget {
  /** Milliseconds per pixel-step; null until the first frame was measured. */
  private costPerUnit: number | null = null;

  constructor(private readonly options: BudgetOptions = DEFAULT_BUDGET) {}

  /** Linear resolution scale (0..1] for a frame of `pixels` full-resolution pixels. */
  scale(pixels: number, steps: number, interactive: boolean): number {
    // Unmeasured: a guess that a GPU redraws sharper at once and SwiftShader survives.
    if (this.costPerUnit === null) return interactive ? 0.35 : 0.5;
    const budget = interactive ? this.options.interactiveMs : this.options.stillMs;
    const full = this.costPerUnit * pixels * steps;
    const s = Math.sqrt(budget / Math.max(full, 1e-9));
    return Math.min(1, Math.max(this.options.minScale, s));
  }

  /** Records a measured frame: `ms` for `pixels` rendered pixels at `steps` samples. */
  record(ms: number, pixels: number, steps: number): void {
    if (!(ms > 0) || pixels <= 0 || steps <= 0) return;
    const c = ms / (pixels * steps);
    // Smooth a little: single frames are noisy (GC, other tabs), trends are not.
    this.costPerUnit = this.costPerUnit === null ? c : 0.6 * this.costPerUnit + 0.4 * c;
  }
}
