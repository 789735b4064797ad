/**
 * Which tree owns each en-face pixel, while the trees grow: lets a tip stop before it comes
 * within a gap of another tree, so that every tree stays its own connected component in the
 * en-face projection (the paper's definition of one vessel).
 */
export class EnfaceOccupancy {
  private readonly owner: Int32Array;
  private readonly nx: number;
  private readonly ny: number;

  constructor(
    fieldMm: readonly [number, number],
    private readonly pixelMm: readonly [number, number],
  ) {
    this.nx = Math.round(fieldMm[0] / pixelMm[0]);
    this.ny = Math.round(fieldMm[1] / pixelMm[1]);
    this.owner = new Int32Array(this.nx * this.ny);
  }

  /** True when a pixel within `radius` mm of (x, y) belongs to a tree other than `tree`. */
  touchesOther(x: number, y: number, radius: number, tree: number): boolean {
    let hit = false;
    this.visitDisc(x, y, radius, (index) => {
      const o = this.owner[index];
      if (o !== 0 && o !== tree) hit = true;
    });
    return hit;
  }

  /** Claims the pixels within `radius` of the segment from (x0, y0) to (x1, y1). */
  markSegment(x0: number, y0: number, x1: number, y1: number, radius: number, tree: number): void {
    const length = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.ceil(length / (0.5 * Math.min(...this.pixelMm))));
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      this.visitDisc(x0 + t * (x1 - x0), y0 + t * (y1 - y0), radius, (index) => {
        if (this.owner[index] === 0) this.owner[index] = tree;
      });
    }
  }

  private visitDisc(x: number, y: number, radius: number, visit: (index: number) => void): void {
    const [px, py] = this.pixelMm;
    const i0 = Math.max(0, Math.ceil((x - radius) / px));
    const i1 = Math.min(this.nx - 1, Math.floor((x + radius) / px));
    const j0 = Math.max(0, Math.ceil((y - radius) / py));
    const j1 = Math.min(this.ny - 1, Math.floor((y + radius) / py));
    const r2 = radius * radius;
    for (let j = j0; j <= j1; j++) {
      const dy = j * py - y;
      for (let i = i0; i <= i1; i++) {
        const dx = i * px - x;
        if (dx * dx + dy * dy <= r2) visit(i + this.nx * j);
      }
    }
  }
}
