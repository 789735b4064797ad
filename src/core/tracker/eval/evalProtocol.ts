/**
 * The two named protocols of the layer-sequence evaluation (Table II), as the trainer's
 * trainer/samocta2/protocols.py defines them: `paper` (the SAM-OCTA2 authors' evaluation code)
 * and `project` (this project's; the default, and what every earlier figure was made with).
 * docs/evaluation.md says why each rule differs.
 */
export type ProtocolName = 'paper' | 'project';

export interface EvalProtocol {
  name: ProtocolName;
  /** Dice and Jaccard of a frame where neither the prediction nor the truth has the object. */
  emptyScore: number;
  /** One sequence per object in its own depth span, or one per subject over its objects. */
  sequences: 'perObject' | 'perSubject';
  /** The third prompted frame: (T - 1) // 2 ('lower') or T // 2 ('upper'). */
  middle: 'lower' | 'upper';
  /** Vessels with fewer pixels on a layer are absent there (truth and prompts). */
  minObjectPx: number;
  /** Points drawn at the model's input resolution, not the label's. */
  promptsAtModelResolution: boolean;
  /** Printed under every table; the trainer prints the same words. */
  summary: string;
}

export const PAPER: EvalProtocol = {
  name: 'paper',
  emptyScore: 0,
  sequences: 'perSubject',
  middle: 'upper',
  minObjectPx: 100,
  promptsAtModelResolution: true,
  summary:
    "the authors' conventions: one evenly spread sequence per subject over the objects on its " +
    'prompted frames, middle frame T//2, points drawn at model resolution (negative ring 3-9 px, ' +
    'chessboard), vessels of 100+ px per layer, empty-vs-empty frames score 0',
};

export const PROJECT: EvalProtocol = {
  name: 'project',
  emptyScore: 1,
  sequences: 'perObject',
  middle: 'lower',
  minObjectPx: 0,
  promptsAtModelResolution: false,
  summary:
    "this project's: one sequence per object inside its own depth span, middle frame (T-1)//2, " +
    'points drawn at label resolution (negative ring 3-11 px, Euclidean), every object size, ' +
    'empty-vs-empty frames score 1',
};

export const PROTOCOLS: Record<ProtocolName, EvalProtocol> = { paper: PAPER, project: PROJECT };

/** The minimum vessel size of a protocol for a target (the authors' FAZ has none). */
export function minObjectPx(protocol: EvalProtocol, target: 'rv' | 'faz'): number {
  return target === 'rv' ? protocol.minObjectPx : 0;
}
