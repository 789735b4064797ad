/**
 * Checks a trainer task definition (a tasks.json entry, or one a panel built) field by field,
 * for every trainer task type: each field has a rule that returns what is wrong, unknown keys
 * are reported so typos do not pass silently, and VS Code's own task keys are let through.
 * Pure: no vscode, no I/O.
 */

/** Returns the problem with `value` (the whole sentence, naming `name`), or undefined. */
export type Rule = (value: unknown, name: string) => string | undefined;

export type ParsedFields<Definition> =
  | { readonly ok: true; readonly definition: Definition }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Keys of a tasks.json entry that belong to VS Code, not to the definition. */
const TASK_KEYS = new Set([
  'label',
  'id',
  'problemMatcher',
  'group',
  'presentation',
  'options',
  'dependsOn',
  'detail',
  'icon',
  'isBackground',
  'runOptions',
  'hide',
]);

/**
 * The entry's fields checked against `rules` (and its `type`), with every problem found;
 * `entries` is null when `raw` is not even an object.
 */
export function checkTaskFields(
  raw: unknown,
  type: string,
  rules: Readonly<Record<string, Rule>>,
): { entries: Record<string, unknown> | null; problems: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { entries: null, problems: ['the task definition must be an object'] };
  }
  const entries = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (entries.type !== type) problems.push(`"type" must be "${type}"`);
  for (const [key, value] of Object.entries(entries)) {
    if (key === 'type' || value === undefined || TASK_KEYS.has(key)) continue;
    const rule = rules[key];
    if (rule === undefined) {
      problems.push(`unknown field "${key}"; supported: ${Object.keys(rules).join(', ')}`);
      continue;
    }
    const problem = rule(value, key);
    if (problem !== undefined) problems.push(problem);
  }
  return { entries, problems };
}

/** The definition: `type` and the fields of `rules` the entry sets (VS Code's keys dropped). */
export function definitionOf<Definition>(
  entries: Record<string, unknown>,
  type: string,
  rules: Readonly<Record<string, Rule>>,
): Definition {
  const definition: Record<string, unknown> = { type };
  for (const key of Object.keys(rules)) {
    if (entries[key] !== undefined) definition[key] = entries[key];
  }
  return definition as Definition;
}

/** A whole number of at least `min`. */
export function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/** auto, cpu, cuda or cuda:N: the trainer's `--device`. */
export function isDevice(value: unknown): boolean {
  return typeof value === 'string' && /^(auto|cpu|cuda|cuda:\d+)$/.test(value);
}

/** A non-empty path. */
export function isPath(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}
