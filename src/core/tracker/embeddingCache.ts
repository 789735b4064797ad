/**
 * Least-recently-used cache of per-layer image features, bounded by entry count and/or bytes.
 * The image encoder is by far the most expensive graph, and clicks and re-propagations revisit
 * the same layers, so features are computed once per layer and reused by every object.
 * Concurrent requests for the same key share one computation.
 */

/**
 * The default budget of an editor's per-layer features (setting `samOcta2.embeddingCacheMiB`):
 * a SAM 2 layer at 1024 px takes 16 MiB (a 4 MiB image embedding and 12 MiB of high-resolution
 * features, whatever the backbone's size), so 512 MiB holds 32 layers: re-tracking after a click
 * near the prompt reuses them, while a 640-layer stack stays bounded instead of needing 10 GiB.
 */
export const DEFAULT_EMBEDDING_CACHE_MIB = 512;

export interface CacheLimits {
  /** At most this many entries (default: unbounded). */
  maxEntries?: number;
  /** At most this many bytes, as measured by `sizeOf` (default: unbounded). */
  maxBytes?: number;
}

export class EmbeddingCache<K, V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private readonly pending = new Map<K, Promise<V>>();
  private totalBytes = 0;
  private peak = 0;
  private hitCount = 0;
  private missCount = 0;

  private limits: CacheLimits;

  constructor(
    private readonly sizeOf: (value: V) => number,
    limits: CacheLimits = {},
  ) {
    this.limits = checkedLimits(limits);
  }

  /** New limits (the user changed the budget): evicts down to them at once, keeping the rest. */
  setLimits(limits: CacheLimits): void {
    this.limits = checkedLimits(limits);
    this.evict(undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** The most bytes held at any moment since creation (for benchmarks and budget tests). */
  get peakBytes(): number {
    return this.peak;
  }

  get stats(): { hits: number; misses: number } {
    return { hits: this.hitCount, misses: this.missCount };
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, marked as most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const bytes = this.sizeOf(value);
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    this.evict(key);
    this.peak = Math.max(this.peak, this.totalBytes);
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }

  /** The cached value, or `compute()`'s (stored); one computation per key at a time. */
  async getOrCompute(key: K, compute: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) {
      this.hitCount++;
      return hit;
    }
    const running = this.pending.get(key);
    if (running) return running;
    this.missCount++;
    const job = compute().then(
      (value) => {
        this.pending.delete(key);
        this.set(key, value);
        return value;
      },
      (error: unknown) => {
        this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, job);
    return job;
  }

  /** Drops least-recently-used entries until within limits; the newest entry always stays. */
  private evict(newest: K | undefined): void {
    const { maxEntries = Infinity, maxBytes = Infinity } = this.limits;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxEntries && this.totalBytes <= maxBytes) break;
      if (key === newest) break;
      this.delete(key);
    }
  }
}

function checkedLimits(limits: CacheLimits): CacheLimits {
  for (const key of ['maxEntries', 'maxBytes'] as const) {
    const v = limits[key];
    if (v !== undefined && !(v > 0)) throw new RangeError(`${key} must be > 0; got ${v}.`);
  }
  return { ...limits };
}
