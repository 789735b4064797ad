/**
 * The layer and view keys when VS Code binds them (issue 16): the host's commands
 * (commands/editorKeys.ts) arrive as `editorKey` and are applied here, except while a text field
 * has the focus. Once init says the host binds them (hostKeys), the webview's own handling of
 * those keys stands down, or each press would count twice; without it (tests, a host that binds
 * none) keyboard.ts's keys work as before.
 */
import type { EditorKey } from '../protocol/editorMessages';
import { focusedTextEntry, type LayerKeyAction } from './keyboard';
import type { MessageTable } from './messageTable';
import type { ViewController } from './viewController';

const LAYER_KEYS: Readonly<
  Record<Extract<EditorKey, { layer: unknown }>['layer'], LayerKeyAction>
> = {
  previous: { step: -1 },
  next: { step: 1 },
  first: { to: 'first' },
  last: { to: 'last' },
};

export class HostKeys {
  private bound = false;

  constructor(
    private readonly controller: Pick<ViewController, 'layerKey' | 'setView' | 'volume'>,
    /** The keyboard's prompt cursor shows: the arrows move it, so their layer steps are not taken. */
    private readonly arrowsTaken: () => boolean = () => false,
  ) {}

  registerMessages(table: MessageTable): void {
    table.on('init', (message) => (this.bound = message.hostKeys === true));
    table.on('editorKey', ({ key }) => {
      if (focusedTextEntry()) return;
      if ('view' in key) this.controller.setView(key.view);
      else if ((key.layer === 'previous' || key.layer === 'next') && this.arrowsTaken()) return;
      else this.controller.layerKey(LAYER_KEYS[key.layer]);
    });
  }

  /** A layer key pressed in the webview: taken but left to the keybinding when the host binds it. */
  ownKey(action: LayerKeyAction): boolean {
    return this.bound ? this.controller.volume !== null : this.controller.layerKey(action);
  }
}
