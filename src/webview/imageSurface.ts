/**
 * Where an image view draws: the shared WebGL renderer (a textured quad, nearest filtering) or,
 * without WebGL2, a 2D canvas. Both draw an 8-bit grey image at a PanZoom placement.
 */
import {
  DataTexture,
  Group,
  Mesh,
  NearestFilter,
  OrthographicCamera,
  PlaneGeometry,
  RedFormat,
  Scene,
  ShaderMaterial,
  UnsignedByteType,
  type WebGLRenderer,
} from 'three';
import type { PanZoom, Size } from './panZoom';

export interface ImageSurface {
  /** Takes an 8-bit grey image, row 0 at the top; the surface may keep the array until drawn. */
  setImage(pixels: Uint8Array, width: number, height: number): void;
  draw(pz: PanZoom, aspect: number, viewport: Size, background: string): void;
  dispose(): void;
}

// Writes the byte straight to the framebuffer (no colour-space chunks): a stored value v shows
// as grey v, which is what the pixel tests and users' eyes compare against.
const FRAGMENT = /* glsl */ `
uniform sampler2D map;
varying vec2 vUv;
void main() {
  float v = texture2D(map, vec2(vUv.x, 1.0 - vUv.y)).r;
  gl_FragColor = vec4(v, v, v, 1.0);
}`;
const VERTEX = /* glsl */ `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

/**
 * World units are image pixels, x right and y up, so pixel (x, y) covers world
 * [x, x+1] × [-(y+1)·aspect, -y·aspect]. Later features (prompts, masks) add meshes to
 * `overlay` in those coordinates.
 */
export class GlImageSurface implements ImageSurface {
  readonly scene = new Scene();
  readonly overlay = new Group();
  private readonly camera = new OrthographicCamera(0, 1, 0, -1, -10, 10);
  private readonly material = new ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    uniforms: { map: { value: null } },
    depthTest: false,
  });
  private readonly quad = new Mesh(new PlaneGeometry(1, 1), this.material);
  private texture: DataTexture | null = null;
  private width = 0;
  private height = 0;

  constructor(private readonly renderer: WebGLRenderer) {
    this.quad.visible = false;
    this.scene.add(this.quad, this.overlay);
  }

  setImage(pixels: Uint8Array, width: number, height: number): void {
    if (!this.texture || width !== this.width || height !== this.height) {
      this.texture?.dispose();
      this.texture = new DataTexture(pixels, width, height, RedFormat, UnsignedByteType);
      this.texture.minFilter = this.texture.magFilter = NearestFilter;
      this.texture.generateMipmaps = false;
      this.texture.unpackAlignment = 1;
      this.material.uniforms.map.value = this.texture;
      this.width = width;
      this.height = height;
    } else {
      this.texture.image.data = pixels;
    }
    this.texture.needsUpdate = true;
    this.quad.visible = true;
  }

  draw(pz: PanZoom, aspect: number, viewport: Size, background: string): void {
    this.quad.scale.set(this.width, this.height * aspect, 1);
    this.quad.position.set(this.width / 2, (-this.height * aspect) / 2, 0);
    const c = this.camera;
    c.left = -pz.offsetX / pz.scale;
    c.right = (viewport.width - pz.offsetX) / pz.scale;
    c.top = pz.offsetY / pz.scale;
    c.bottom = -(viewport.height - pz.offsetY) / pz.scale;
    c.updateProjectionMatrix();
    this.renderer.setRenderTarget(null);
    this.renderer.setClearColor(background, 1);
    this.renderer.render(this.scene, c);
  }

  dispose(): void {
    this.texture?.dispose();
    this.material.dispose();
    this.quad.geometry.dispose();
  }
}

export class CanvasImageSurface implements ImageSurface {
  private readonly source = document.createElement('canvas');
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot create a 2D canvas either.');
    this.ctx = ctx;
  }

  setImage(pixels: Uint8Array, width: number, height: number): void {
    this.source.width = width;
    this.source.height = height;
    const rgba = new ImageData(width, height);
    for (let n = 0; n < pixels.length; n++) {
      const v = pixels[n] ?? 0;
      rgba.data[4 * n] = rgba.data[4 * n + 1] = rgba.data[4 * n + 2] = v;
      rgba.data[4 * n + 3] = 255;
    }
    const sctx = this.source.getContext('2d');
    sctx?.putImageData(rgba, 0, 0);
  }

  draw(pz: PanZoom, aspect: number, viewport: Size, background: string): void {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(viewport.width * dpr);
    const h = Math.round(viewport.height * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    ctx.setTransform(
      dpr * pz.scale,
      0,
      0,
      dpr * pz.scale * aspect,
      dpr * pz.offsetX,
      dpr * pz.offsetY,
    );
    ctx.drawImage(this.source, 0, 0);
  }

  dispose(): void {
    this.source.width = this.source.height = 0;
  }
}
