/**
 * The 3D view's texture, built lazily: in an idle callback once the first layer is on screen (or
 * at once when the 3D view is shown), rebuilt when the window or the memory budget changes,
 * since the window is baked into its 8-bit texels.
 */
import { buildTexture3D, type Texture3D } from '../core/volume/downsample';
import type { ValueWindow } from '../core/volume/window';
import type { Volume } from '../core/volume/volume';

export interface TextureRequest {
  readonly volume: Volume;
  readonly window: ValueWindow;
  readonly budgetMB: number;
  readonly maxSide: number;
  /** Build at the next chance instead of waiting for idle time. */
  readonly soon: boolean;
}

/** An idle callback's deadline when not urgent: the first layer's paint comes first. */
const IDLE_TIMEOUT_MS = 3000;

export class LazyTexture {
  private key = '';
  private volume: Volume | null = null;
  private task: number | undefined;
  private waiters: (() => void)[] = [];
  /** The texture last built, with the budget it was built for. */
  built: {
    readonly texture: Texture3D;
    readonly budgetMB: number;
    readonly maxSide: number;
  } | null = null;

  constructor(private readonly onBuilt: (texture: Texture3D, request: TextureRequest) => void) {}

  request(r: TextureRequest): void {
    const key = `${r.window.min}:${r.window.max}:${r.budgetMB}:${r.maxSide}`;
    if (key === this.key && r.volume === this.volume) return;
    if (this.task !== undefined) cancelIdleCallback(this.task);
    const build = (): void => {
      this.task = undefined;
      const texture = buildTexture3D(r.volume, r.window, {
        maxSide: r.maxSide,
        maxBytes: r.budgetMB * 2 ** 20,
      });
      this.key = key;
      this.volume = r.volume;
      this.built = { texture, budgetMB: r.budgetMB, maxSide: r.maxSide };
      this.onBuilt(texture, r);
      for (const done of this.waiters.splice(0)) done();
    };
    this.task = requestIdleCallback(build, { timeout: r.soon ? 1 : IDLE_TIMEOUT_MS });
  }

  /** Forgets the built texture (a new volume arrived). */
  reset(): void {
    if (this.task !== undefined) cancelIdleCallback(this.task);
    this.task = undefined;
    this.key = '';
    this.volume = null;
    this.built = null;
  }

  get pending(): boolean {
    return this.task !== undefined;
  }

  /** Resolves when no build is pending and one has completed. */
  whenReady(): Promise<void> {
    if (this.task === undefined && this.built) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
