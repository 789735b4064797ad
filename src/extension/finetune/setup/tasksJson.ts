/**
 * Adds a fine-tune run to the text of .vscode/tasks.json, keeping every other entry. The file
 * is rewritten as plain JSON, so a file with comments (VS Code allows them) or one that does
 * not parse is left alone: the caller says why and offers the entry to paste instead. Pure.
 */
import { FINETUNE_TASK_TYPE, type FinetuneTaskDefinition } from '../run/taskDefinition';
import { TRAINER_PROBLEM_MATCHER } from '../../trainerTask/trainerTask';

export type TaskEntry = FinetuneTaskDefinition & {
  readonly label: string;
  readonly problemMatcher: readonly string[];
};

export type MergedTasks =
  | { readonly ok: true; readonly text: string; readonly replaced: boolean }
  | { readonly ok: false; readonly problem: string };

export function taskEntry(definition: FinetuneTaskDefinition, label: string): TaskEntry {
  return { ...definition, label, problemMatcher: [TRAINER_PROBLEM_MATCHER] };
}

/** Whether `text` has a // or /* comment outside strings. */
export function hasComments(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return true;
  }
  return false;
}

/**
 * The new file text: `entry` replaces the fine-tune task of the same label (the same run set up
 * again) or is appended. `existing` undefined means there is no tasks.json yet.
 */
export function mergeTaskEntry(existing: string | undefined, entry: TaskEntry): MergedTasks {
  const empty = existing === undefined || existing.trim() === '';
  if (!empty && hasComments(existing)) {
    return { ok: false, problem: 'it has comments, which rewriting it would lose' };
  }
  let parsed: unknown = { version: '2.0.0', tasks: [] };
  if (!empty) {
    try {
      parsed = JSON.parse(existing);
    } catch (error) {
      return {
        ok: false,
        problem: `it is not valid JSON (${(error as Error).message}; trailing commas count too)`,
      };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, problem: 'it is not a JSON object with a "tasks" list' };
  }
  const file = parsed as Record<string, unknown>;
  const tasks = file.tasks ?? [];
  if (!Array.isArray(tasks)) return { ok: false, problem: '"tasks" in it is not a list' };
  const same = tasks.findIndex(
    (t: unknown) =>
      typeof t === 'object' &&
      t !== null &&
      (t as Record<string, unknown>).type === FINETUNE_TASK_TYPE &&
      (t as Record<string, unknown>).label === entry.label,
  );
  const merged = same >= 0 ? tasks.map((t, i) => (i === same ? entry : t)) : [...tasks, entry];
  const out = { version: file.version ?? '2.0.0', ...file, tasks: merged };
  return { ok: true, text: `${JSON.stringify(out, null, 2)}\n`, replaced: same >= 0 };
}
