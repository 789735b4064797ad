/**
 * The webview's host messages by type: each feature (the app's loading, tracking, brush, sparse
 * panel) registers the handlers of the messages it takes, and a message runs every handler of
 * its type in the order they were registered. Replaces a chain of `handle` calls whose order
 * decided who saw what.
 */
import type { ToWebviewMessage } from '../protocol/editorMessages';

export type MessageType = ToWebviewMessage['type'];
export type MessageOf<T extends MessageType> = Extract<ToWebviewMessage, { type: T }>;

export class MessageTable {
  private readonly handlers = new Map<MessageType, ((message: ToWebviewMessage) => void)[]>();

  /** Adds `handler` for messages of `type` (after those registered before it). */
  on<T extends MessageType>(type: T, handler: (message: MessageOf<T>) => void): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as (message: ToWebviewMessage) => void);
    this.handlers.set(type, list);
  }

  /** Runs the handlers of the message's type; false when no feature takes it. */
  dispatch(message: ToWebviewMessage): boolean {
    const list = this.handlers.get(message.type);
    if (!list) return false;
    for (const handler of list) handler(message);
    return true;
  }
}
