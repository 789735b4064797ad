/**
 * The trainer's JSON-line events of one kind from a task terminal's text (the fine-tune parser,
 * progressParser.ts, knows only the training events): region-predict's `layer`, import-octa500's
 * `subject`. Text arrives in chunks that split lines anywhere; lines that are not such an event
 * are skipped.
 */

export type EventFields = Readonly<Record<string, unknown>>;

export class EventLines {
  private pending = '';
  constructor(
    private readonly event: string,
    private readonly onEvent: (fields: EventFields) => void,
  ) {}

  push(text: string): void {
    const lines = (this.pending + text).split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    if (this.pending.length > 65536) this.pending = '';
    for (const line of lines) {
      const trimmed = line.trim();
      if (!trimmed.startsWith('{') || !trimmed.includes(`"${this.event}"`)) continue;
      try {
        const value = JSON.parse(trimmed) as unknown;
        if (typeof value === 'object' && value !== null && 'event' in value) {
          if ((value as EventFields).event === this.event) this.onEvent(value as EventFields);
        }
      } catch {
        // Not ours after all.
      }
    }
  }
}
