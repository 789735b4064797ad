/**
 * The run's files beside its checkpoint: `fine-tune.log` (everything the task's terminal showed,
 * so a failed run can be read after its terminal is gone) and `progress.jsonl` (the trainer's
 * JSON lines, which the run report draws its curve from). Both are appended to, so a resumed
 * run keeps its history. Output that comes before the run folder is known (a config YAML sets
 * it; the trainer's first checkpoint event tells) is held and written once it is.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RUN_FILES } from './runPlan';

export interface RunLog {
  /** Terminal text (any stage, both streams). */
  write(text: string): void;
  /** The training stage's stdout. */
  progress(text: string): void;
  /** The run folder became known; held output is written there. */
  setFolder(folder: string): void;
  /** Flushes what is held; returns the log file's path, if it could be written. */
  close(): string | undefined;
}

/** Output held before the folder is known; a run prints little before its first checkpoint. */
const MAX_HELD_CHARS = 4 * 1024 * 1024;

/** Appends with node:fs. A write that fails (disk full, folder gone) stops logging, not the run. */
export class FileRunLog implements RunLog {
  private folder: string | undefined;
  private held: { log: string; progress: string } = { log: '', progress: '' };
  private failed = false;
  private written: string | undefined;

  constructor(
    folder: string | undefined,
    /** Where the log goes when no run folder was ever known (the trainer failed early). */
    private readonly fallbackFolder: string = tmpdir(),
    private readonly now: () => Date = () => new Date(),
  ) {
    if (folder !== undefined) this.setFolder(folder);
  }

  write(text: string): void {
    this.append('log', text);
  }

  progress(text: string): void {
    this.append('progress', text);
  }

  setFolder(folder: string): void {
    if (this.folder !== undefined) return;
    this.folder = folder;
    const header = `\n===== SAM-OCTA2 fine-tune, ${this.now().toISOString()} =====\n`;
    this.flush(folder, header + this.held.log, this.held.progress);
    this.held = { log: '', progress: '' };
  }

  close(): string | undefined {
    if (this.folder === undefined) {
      const stamp = this.now().toISOString().replace(/[:.]/g, '-');
      const file = path.join(this.fallbackFolder, `samocta2-fine-tune-${stamp}.log`);
      try {
        appendFileSync(file, this.held.log);
        this.written = file;
      } catch {
        return undefined;
      }
    }
    return this.failed ? undefined : this.written;
  }

  private append(kind: 'log' | 'progress', text: string): void {
    if (this.folder === undefined) {
      if (this.held[kind].length < MAX_HELD_CHARS) this.held[kind] += text;
      return;
    }
    this.flush(this.folder, kind === 'log' ? text : '', kind === 'progress' ? text : '');
  }

  private flush(folder: string, log: string, progress: string): void {
    if (this.failed) return;
    try {
      mkdirSync(folder, { recursive: true });
      if (log !== '') appendFileSync(path.join(folder, RUN_FILES.log), log);
      if (progress !== '') appendFileSync(path.join(folder, RUN_FILES.progress), progress);
      this.written = path.join(folder, RUN_FILES.log);
    } catch {
      this.failed = true;
    }
  }
}
