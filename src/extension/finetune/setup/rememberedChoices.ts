/**
 * The last setup's answers, kept per workspace (ExtensionContext.workspaceState) so the next
 * setup starts from them. What comes back is checked field by field: state written by another
 * version of the extension, or edited by hand, falls back to the defaults instead of failing.
 */
import { MODEL_SIZES, TARGETS } from '../run/taskDefinition';
import { DEFAULT_CHOICES, RELEASED_SIZES, type BaseModel, type SetupChoices } from './setupChoices';

export const REMEMBERED_KEY = 'samOcta2.finetuneSetup';

/** The part of vscode.Memento used here. */
export interface ChoiceMemento {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void>;
}

type Fields = Record<string, unknown>;

const isText = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown, min: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min;
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): v is T =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v);

function readBase(v: unknown): BaseModel | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const f = v as Fields;
  if (f.kind === 'nano') return { kind: 'nano' };
  if (f.kind === 'sam' && oneOf(f.size, RELEASED_SIZES) && isText(f.checkpoint)) {
    return { kind: 'sam', size: f.size, checkpoint: f.checkpoint };
  }
  if (f.kind === 'bundle' && isText(f.bundle) && isText(f.name) && oneOf(f.size, MODEL_SIZES)) {
    return {
      kind: 'bundle',
      bundle: f.bundle,
      name: f.name,
      size: f.size,
      ...(isText(f.checkpoint) ? { checkpoint: f.checkpoint } : {}),
      ...(isCount(f.loraRank, 1) ? { loraRank: f.loraRank } : {}),
      ...(f.baseInBundle === true ? { baseInBundle: true } : {}),
    };
  }
  return undefined;
}

function readFrames(v: unknown): SetupChoices['frames'] | undefined {
  if (isCount(v, 1)) return v;
  if (Array.isArray(v) && v.length === 2 && isCount(v[0], 1) && isCount(v[1], 1) && v[0] <= v[1]) {
    return [v[0], v[1]];
  }
  return undefined;
}

/** The remembered answers over the defaults; anything unreadable keeps its default. */
export function recallChoices(memento: ChoiceMemento): SetupChoices {
  const stored = memento.get(REMEMBERED_KEY);
  if (typeof stored !== 'object' || stored === null) return DEFAULT_CHOICES;
  const f = stored as Fields;
  const d = DEFAULT_CHOICES;
  return {
    data: isText(f.data) ? f.data : d.data,
    base: readBase(f.base) ?? d.base,
    target: oneOf(f.target, TARGETS) ? f.target : d.target,
    steps: isCount(f.steps, 1) ? f.steps : d.steps,
    frames: readFrames(f.frames) ?? d.frames,
    loraRank: isCount(f.loraRank, 1) ? f.loraRank : d.loraRank,
    lr: typeof f.lr === 'number' && Number.isFinite(f.lr) && f.lr > 0 ? f.lr : d.lr,
    device: oneOf(f.device, ['cuda', 'cpu'] as const) ? f.device : d.device,
    gpus: isCount(f.gpus, 1) ? f.gpus : d.gpus,
    out: isText(f.out) ? f.out : d.out,
  };
}

export async function rememberChoices(
  memento: ChoiceMemento,
  choices: SetupChoices,
): Promise<void> {
  await memento.update(REMEMBERED_KEY, choices);
}
