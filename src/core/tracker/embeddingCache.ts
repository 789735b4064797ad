/**
 * Least-recently-used cache of per-layer image features, bounded by entry count and/or bytes.
 * The image encoder is by far the most expensive graph, and clicks and re-propagations revisit
 * the same layers, so features are computed once per layer and reused by every object.
 * Concurrent requests for the same key share one computation.
 */

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
  private hitCount = 0;
  private missCount = 0;

  constructor(
    private readonly sizeOf: (value: V) => number,
    private readonly limits: CacheLimits = {},
  ) {
    for (const key of ['maxEntries', 'maxBytes'] as const) {
      const v = limits[key];
      if (v !== undefined && !(v > 0)) throw new RangeError(`${key} must be > 0; got ${v}.`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
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
  private evict(newest: K): void {
    const { maxEntries = Infinity, maxBytes = Infinity } = this.limits;
    for (const key of this.entries.keys()) {
      if (this.entries.size <= maxEntries && this.totalBytes <= maxBytes) break;
      if (key === newest) break;
      this.delete(key);
    }
  }
}
