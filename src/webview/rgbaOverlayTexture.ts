/**
 * The RGBA texture an overlay paints into on the CPU (masks, regions): reallocated only when the
 * layer size changes, nearest-neighbour so that pixels stay crisp when zoomed, sRGB like the
 * layer itself. Row 0 of the texture is the bottom of the image.
 */
import {
  DataTexture,
  type MeshBasicMaterial,
  NearestFilter,
  RGBAFormat,
  SRGBColorSpace,
  UnsignedByteType,
} from 'three';

export class RgbaOverlayTexture {
  private texture: DataTexture | null = null;
  private width = 0;
  private height = 0;
  /** width × height × 4 bytes; valid after `resize`. */
  rgba = new Uint8Array(0);

  constructor(private readonly material: MeshBasicMaterial) {}

  /** Makes the texture `width` × `height` (cleared) and puts it on the material. */
  resize(width: number, height: number): Uint8Array {
    if (!this.texture || width !== this.width || height !== this.height) {
      this.texture?.dispose();
      this.rgba = new Uint8Array(width * height * 4);
      this.texture = new DataTexture(this.rgba, width, height, RGBAFormat, UnsignedByteType);
      this.texture.minFilter = this.texture.magFilter = NearestFilter;
      this.texture.generateMipmaps = false;
      this.texture.colorSpace = SRGBColorSpace;
      this.material.map = this.texture;
      this.material.needsUpdate = true;
      this.width = width;
      this.height = height;
    }
    this.rgba.fill(0);
    return this.rgba;
  }

  /** After painting into `rgba`: upload it. */
  upload(): void {
    if (this.texture) this.texture.needsUpdate = true;
  }
}
