/**
 * The generator's only source of randomness. Same seed, same numbers on every platform: the
 * state is a 32-bit integer stepped with integer arithmetic (mulberry32), so nothing depends on
 * Math.random or on floating-point rounding differences.
 */

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * An independent stream for one part of the generator (trees, capillaries, noise…), so that
   * changing how many numbers one part draws does not reshuffle the others.
   */
  fork(label: string): Random {
    let h = this.state ^ 0x9e3779b9;
    for (let n = 0; n < label.length; n++) h = Math.imul(h ^ label.charCodeAt(n), 0x85ebca6b);
    return new Random(splitmix32(h >>> 0));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal (Box–Muller; one value per call keeps the stream simple to reason about). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** A well-mixed 32-bit hash of an integer; used to derive seeds. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
