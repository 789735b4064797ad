/**
 * One object's SAM 2 memory bank (docs/model-bundle.md section 5): the outputs of its prompted
 * (conditioning) layers and of its tracked layers, and the rule that picks which memories and
 * object pointers the memory attention sees for the layer being tracked. Memories are kept at
 * bfloat16 precision, as 16-bit words (the contract's storage dtype; half the bytes).
 */

export interface BankEntry {
  /** Memory encoder output [1, M, H, W] as bfloat16 bit patterns. */
  readonly memory: Uint16Array;
  /** Object pointer [1, C]. */
  readonly objPtr: Float32Array;
  /** Object score logit; > 0 means the object is on this layer. */
  readonly score: number;
}

export interface BankParams {
  /** Number of layers along the tracking axis (T). */
  numLayers: number;
  /** manifest memory.num_maskmem (7): conditioning slot + 6 recent memories. */
  numMaskmem: number;
  /** manifest memory.max_obj_ptrs_in_encoder (16). */
  maxObjPtrs: number;
}

/** What memory_attention reads for one layer, in the reference's order. */
export interface MemorySelection {
  memories: Uint16Array[];
  memoryTpos: number[];
  objPtrs: Float32Array[];
  /** Normalized positions: distance / (window - 1). */
  objPtrTpos: number[];
  /** Layers the memories and pointers came from (for tests and debugging). */
  memoryLayers: number[];
  objPtrLayers: number[];
}

export type Direction = 1 | -1;

export class MemoryBank {
  readonly cond = new Map<number, BankEntry>();
  readonly nonCond = new Map<number, BankEntry>();
  /** min(T, maxObjPtrs): how far back pointers reach (window - 1 layers). */
  readonly ptrWindow: number;

  constructor(readonly params: BankParams) {
    if (params.numLayers < 1) throw new RangeError('A memory bank needs at least one layer.');
    this.ptrWindow = Math.min(params.numLayers, params.maxObjPtrs);
  }

  /** How many layers back (in tracking order) a tracked entry can still be read. */
  get reach(): number {
    return Math.max(this.params.numMaskmem - 1, this.ptrWindow - 1);
  }

  clear(): void {
    this.cond.clear();
    this.nonCond.clear();
  }

  /** Memories and pointers for tracking layer `f` in direction `d` (section 5.3). */
  select(f: number, d: Direction): MemorySelection {
    const sel: MemorySelection = {
      memories: [],
      memoryTpos: [],
      objPtrs: [],
      objPtrTpos: [],
      memoryLayers: [],
      objPtrLayers: [],
    };
    const condLayers = [...this.cond.keys()].sort((a, b) => a - b);
    for (const t of condLayers) {
      sel.memories.push(this.cond.get(t)!.memory);
      sel.memoryTpos.push(0);
      sel.memoryLayers.push(t);
    }
    const { numMaskmem, numLayers } = this.params;
    // Oldest first (tpos 1 = six back ... 6 = the previous layer), as the reference stacks them.
    for (let k = numMaskmem - 1; k >= 1; k--) {
      const p = f - d * k;
      const entry = this.nonCond.get(p);
      if (!entry) continue;
      sel.memories.push(entry.memory);
      sel.memoryTpos.push(numMaskmem - k);
      sel.memoryLayers.push(p);
    }
    const div = Math.max(this.ptrWindow - 1, 1);
    for (const t of condLayers) {
      const distance = d * (f - t);
      if (distance < 0) continue; // only pointers from the near side (the past)
      sel.objPtrs.push(this.cond.get(t)!.objPtr);
      sel.objPtrTpos.push(distance / div);
      sel.objPtrLayers.push(t);
    }
    for (let k = 1; k < this.ptrWindow; k++) {
      const t = f - d * k;
      if (t < 0 || t >= numLayers) break;
      const entry = this.nonCond.get(t);
      if (!entry) continue;
      sel.objPtrs.push(entry.objPtr);
      sel.objPtrTpos.push(k / div);
      sel.objPtrLayers.push(t);
    }
    return sel;
  }

  /**
   * Drops tracked entries no later read can reach, once layer `f` is done in direction `d` of
   * a track that started at `start`: everything more than `reach` layers behind, except what
   * the backward pass from `start` will still read (layers start+1 .. start+reach).
   */
  forgetBehind(f: number, d: Direction, start: number): void {
    const t = f - d * (this.reach + 1);
    if (d === 1 && t <= start + this.reach) return;
    this.nonCond.delete(t);
  }
}

/** float32 -> bfloat16 bit patterns, round to nearest, ties to even (section 5.3). */
export function toBFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i];
    out[i] = (u + 0x7fff + ((u >>> 16) & 1)) / 65536;
  }
  return out;
}

/** bfloat16 bit patterns -> float32 values, written into `out` at `offset`. */
export function fromBFloat16(halves: Uint16Array, out: Float32Array, offset = 0): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset + offset * 4, halves.length);
  for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
}
