/**
 * The vessel region over the layer view, styled apart from the tracked objects' filled masks:
 * diagonal hatching over a faint tint, with a solid rim, in one colour; a layer marked as
 * annotated with no region voxels shows nothing here (the panel says it is annotated). Drawn in
 * the image surface's overlay group (world units = image pixels, see maskOverlay.ts), and the
 * brush cursor with it: a ring the size of the brush at the pointer.
 */
import { Group, Mesh, MeshBasicMaterial, PlaneGeometry, RingGeometry } from 'three';
import { RgbaOverlayTexture } from '../rgbaOverlayTexture';

export const REGION_COLOR: readonly [number, number, number] = [0, 229, 255];
/** Hatch period and stripe width in image pixels. */
const HATCH = 6;
const STRIPE = 2;
const TINT_ALPHA = 60;
const LINE_ALPHA = 230;

export class RegionOverlay {
  private readonly material = new MeshBasicMaterial({
    transparent: true,
    depthTest: false,
    depthWrite: false,
  });
  private readonly quad = new Mesh(new PlaneGeometry(1, 1), this.material);
  private readonly cursorMaterial = new MeshBasicMaterial({
    color: '#ffffff',
    transparent: true,
    opacity: 0.9,
    depthTest: false,
    depthWrite: false,
  });
  private readonly cursor = new Mesh(new RingGeometry(0.92, 1, 48), this.cursorMaterial);
  private readonly texture = new RgbaOverlayTexture(this.material);

  /** `color`: the region's by default; the en-face RV has its own. */
  constructor(
    parent: Group,
    private readonly color: readonly [number, number, number] = REGION_COLOR,
  ) {
    this.quad.visible = false;
    this.quad.renderOrder = 1.5;
    this.cursor.visible = false;
    this.cursor.renderOrder = 4;
    parent.add(this.quad, this.cursor);
  }

  /** Shows `mask` (rows × cols, 1 inside) or hides the overlay (null). */
  setMask(mask: Uint8Array | null, width: number, height: number, aspect: number): void {
    if (!mask || mask.length !== width * height) {
      this.quad.visible = false;
      return;
    }
    const rgba = this.texture.resize(width, height);
    const [r, g, b] = this.color;
    const inside = (x: number, y: number): boolean =>
      x >= 0 && y >= 0 && x < width && y < height && mask[x + width * y] === 1;
    for (let y = 0; y < height; y++) {
      // Texture row 0 is the bottom; image row 0 is the top.
      const dst = (height - 1 - y) * width * 4;
      for (let x = 0; x < width; x++) {
        if (mask[x + width * y] !== 1) continue;
        const rim =
          !inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1);
        const stripe = (x + y) % HATCH < STRIPE;
        const at = dst + 4 * x;
        rgba[at] = r;
        rgba[at + 1] = g;
        rgba[at + 2] = b;
        rgba[at + 3] = rim || stripe ? LINE_ALPHA : TINT_ALPHA;
      }
    }
    this.texture.upload();
    this.quad.scale.set(width, height * aspect, 1);
    this.quad.position.set(width / 2, (-height * aspect) / 2, 0.6);
    this.quad.visible = true;
  }

  /** The brush ring around pixel (x, y) covering `radius` pixels, or hidden (null). */
  setCursor(at: { x: number; y: number } | null, radius: number, aspect: number): void {
    this.cursor.visible = at !== null;
    if (!at) return;
    // The brush paints pixels whose centre lies within `radius`: the ring hugs their outer edge.
    const r = Math.max(radius, 0.5) + 0.5;
    this.cursor.position.set(at.x + 0.5, -(at.y + 0.5) * aspect, 2);
    this.cursor.scale.set(r, r * aspect, 1);
  }

  setCursorColor(color: string): void {
    this.cursorMaterial.color.set(color);
  }
}
