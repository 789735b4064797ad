/**
 * Adds a fine-tune run to the text of .vscode/tasks.json, keeping every other entry, its
 * comments and its formatting: the file is edited in place with jsonc-parser (the JSON-with-
 * comments dialect VS Code reads tasks.json in), never rewritten. A file that does not parse is
 * left alone: the caller says why and offers the entry to paste instead. Pure.
 */
import {
  applyEdits,
  findNodeAtLocation,
  getNodeValue,
  modify,
  parseTree,
  printParseErrorCode,
  type FormattingOptions,
  type ParseError,
} from 'jsonc-parser';
import { FINETUNE_TASK_TYPE, type FinetuneTaskDefinition } from '../run/taskDefinition';
import { TRAINER_PROBLEM_MATCHER } from '../../trainerTask/trainerTask';

export type TaskEntry = FinetuneTaskDefinition & {
  readonly label: string;
  readonly problemMatcher: readonly string[];
};

/** One replacement in the old text: what a WorkspaceEdit applies to an open document. */
export interface TextChange {
  readonly offset: number;
  readonly length: number;
  readonly content: string;
}

export type MergedTasks =
  | {
      readonly ok: true;
      /** The whole new text (for a file that does not exist yet, and for tests). */
      readonly text: string;
      /** The smallest replacement that turns the old text into `text`. */
      readonly change: TextChange;
      readonly replaced: boolean;
    }
  | { readonly ok: false; readonly problem: string };

/** New lines are indented as the file's first indented line is (tabs or n spaces), else 2 spaces. */
export function fileFormatting(text: string): FormattingOptions {
  const indent = /^[ \t]+(?=\S)/m.exec(text)?.[0] ?? '  ';
  return {
    insertSpaces: !indent.startsWith('\t'),
    tabSize: indent.startsWith('\t') ? 4 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
}

export function taskEntry(definition: FinetuneTaskDefinition, label: string): TaskEntry {
  return { ...definition, label, problemMatcher: [TRAINER_PROBLEM_MATCHER] };
}

// VS Code reads tasks.json with comments and trailing commas allowed; so does this.
const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function isFinetuneTask(value: unknown, label: string): boolean {
  const task = value as Record<string, unknown> | null;
  return (
    typeof task === 'object' &&
    task !== null &&
    task.type === FINETUNE_TASK_TYPE &&
    task.label === label
  );
}

/** The old and new text differ only between a common start and a common end. */
export function changeBetween(before: string, after: string): TextChange {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < shorter - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++;
  }
  return {
    offset: start,
    length: before.length - start - end,
    content: after.slice(start, after.length - end),
  };
}

/**
 * The edited text: `entry` replaces the fine-tune task of the same label (the same run set up
 * again) or is appended. `existing` undefined means there is no tasks.json yet.
 */
export function mergeTaskEntry(existing: string | undefined, entry: TaskEntry): MergedTasks {
  const before = existing ?? '';
  if (before.trim() === '') {
    const text = `${JSON.stringify({ version: '2.0.0', tasks: [entry] }, null, 2)}\n`;
    return { ok: true, text, change: changeBetween(before, text), replaced: false };
  }
  const errors: ParseError[] = [];
  const root = parseTree(before, errors, PARSE_OPTIONS);
  const error = errors[0];
  if (error !== undefined) {
    return {
      ok: false,
      problem: `it is not valid JSON with comments (${printParseErrorCode(error.error)} on line ${lineOf(before, error.offset)})`,
    };
  }
  if (root?.type !== 'object') {
    return { ok: false, problem: 'it is not a JSON object with a "tasks" list' };
  }
  const tasks = findNodeAtLocation(root, ['tasks']);
  if (tasks !== undefined && tasks.type !== 'array') {
    return { ok: false, problem: '"tasks" in it is not a list' };
  }
  const items = tasks?.children ?? [];
  const same = items.findIndex((item) => isFinetuneTask(getNodeValue(item), entry.label));
  const formattingOptions = fileFormatting(before);
  // Missing keys go first (version, then tasks), so no line of the user's is reformatted.
  let text = before;
  if (findNodeAtLocation(root, ['version']) === undefined) {
    const first = { formattingOptions, getInsertionIndex: () => 0 };
    text = applyEdits(text, modify(text, ['version'], '2.0.0', first));
  }
  if (tasks === undefined) {
    const afterVersion = (keys: string[]): number => keys.indexOf('version') + 1;
    const options = { formattingOptions, getInsertionIndex: afterVersion };
    text = applyEdits(text, modify(text, ['tasks'], [entry], options));
  } else {
    const path = ['tasks', same >= 0 ? same : items.length];
    const options = { formattingOptions, isArrayInsertion: same < 0 };
    text = applyEdits(text, modify(text, path, entry, options));
  }
  return { ok: true, text, change: changeBetween(before, text), replaced: same >= 0 };
}
