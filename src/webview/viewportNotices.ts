/**
 * The viewport's overlays and the notices strip: loading progress, the load-error panel, a
 * view-level message (e.g. no WebGL2 for the 3D view) and notices (4D, downsampled 3D, …).
 */
import type { VscodeProgressBar } from '@vscode-elements/elements';
import { codicon, el } from './dom';
import type { Layout } from './layout';

export class ViewportNotices {
  private readonly bar: VscodeProgressBar;
  private readonly stage: HTMLElement;
  private readonly noticeKeys = new Map<string, HTMLElement>();

  constructor(private readonly layout: Layout) {
    this.bar = el('vscode-progress-bar', { indeterminate: true, 'aria-label': 'Loading' });
    this.stage = el('div', { class: 'detail', 'data-testid': 'loading-stage' }, [
      'Waiting for the volume…',
    ]);
    layout.loading.append(el('div', { class: 'title' }, ['Opening volume']), this.bar, this.stage);
  }

  /** fraction in 0..1, or negative when unknown. */
  progress(fraction: number, stage: string): void {
    this.layout.loading.hidden = false;
    if (fraction >= 0 && fraction <= 1) {
      this.bar.indeterminate = false;
      this.bar.max = 100;
      this.bar.value = Math.round(fraction * 100);
    } else {
      this.bar.indeterminate = true;
    }
    this.stage.textContent = stage;
  }

  /** A preview is on screen: the progress moves to a strip over it, with `caption`. */
  previewing(caption: string): void {
    this.layout.loading.classList.add('preview');
    this.layout.loading.dataset.caption = caption;
  }

  loaded(): void {
    this.layout.loading.hidden = true;
    this.layout.loading.classList.remove('preview');
  }

  error(message: string, supported: string): void {
    this.loaded();
    const panel = this.layout.errorPanel;
    panel.replaceChildren(
      codicon('error'),
      el('div', { class: 'title' }, ['This volume cannot be opened']),
      el('div', { class: 'detail', 'data-testid': 'error-message' }, [message]),
      el('div', { class: 'detail', 'data-testid': 'error-supported' }, [supported]),
    );
    panel.hidden = false;
  }

  /** A message over the viewport for the current view only; null hides it. */
  message(content: { title: string; detail: (Node | string)[] } | null): void {
    const box = this.layout.message;
    if (!content) {
      box.hidden = true;
      return;
    }
    box.replaceChildren(
      codicon('warning'),
      el('div', { class: 'title' }, [content.title]),
      el('div', { class: 'detail' }, content.detail),
    );
    box.hidden = false;
  }

  /** Shows (or with text null removes) a notice; the key lets a notice be replaced later. */
  notice(key: string, text: string | null, kind: 'warning' | 'info' = 'warning'): void {
    this.noticeKeys.get(key)?.remove();
    this.noticeKeys.delete(key);
    if (text === null) return;
    const node = el('div', { class: `notice ${kind}`, 'data-notice': key }, [
      codicon(kind === 'warning' ? 'warning' : 'info'),
      el('span', {}, [text]),
    ]);
    this.layout.notices.append(node);
    this.noticeKeys.set(key, node);
  }
}
