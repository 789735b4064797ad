/**
 * Coloured masks and prompt points over a 2D image view (the layer view, or the projection view
 * for the footprint), drawn in the image surface's overlay group: world units are image pixels,
 * x right, y up, pixel (x, y) covering [x, x+1] × [-(y+1)·aspect, -y·aspect].
 */
import {
  BufferGeometry,
  CircleGeometry,
  Group,
  Line,
  LineBasicMaterial,
  LineLoop,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  RingGeometry,
  Vector3,
} from 'three';
import type { PromptShape, ShapePoint } from '../../core/tracker/promptShapes';
import { RgbaOverlayTexture } from '../rgbaOverlayTexture';

export interface ColoredMask {
  readonly mask: Uint8Array;
  readonly color: string;
}

/** A drawn prompt in its object's colour (a negative scribble is drawn in red). */
export interface ColoredShape {
  readonly shape: PromptShape;
  readonly color: string;
}

export interface MarkerPoint {
  readonly x: number;
  readonly y: number;
  readonly positive: boolean;
  readonly color: string;
}

/** On-screen radius of a prompt marker, CSS px. */
const MARKER_PX = 6;

export class MaskOverlay {
  readonly root = new Group();
  private readonly material = new MeshBasicMaterial({
    transparent: true,
    opacity: 0.5,
    depthTest: false,
    depthWrite: false,
  });
  private readonly quad = new Mesh(new PlaneGeometry(1, 1), this.material);
  private readonly markers = new Group();
  private readonly outlines = new Group();
  private readonly texture = new RgbaOverlayTexture(this.material);
  private aspect = 1;

  constructor(parent: Group) {
    this.quad.visible = false;
    this.quad.renderOrder = 1;
    this.markers.renderOrder = 2;
    this.outlines.renderOrder = 2;
    this.root.add(this.quad, this.outlines, this.markers);
    parent.add(this.root);
  }

  setOpacity(opacity: number): void {
    this.material.opacity = opacity;
  }

  /** Later masks draw over earlier ones; an empty list hides the overlay. */
  setMasks(masks: readonly ColoredMask[], width: number, height: number, aspect: number): void {
    this.aspect = aspect;
    if (masks.length === 0) {
      this.quad.visible = false;
      return;
    }
    const rgba = this.texture.resize(width, height);
    for (const { mask, color } of masks) {
      const [r, g, b] = rgb(color);
      for (let y = 0; y < height; y++) {
        // Texture row 0 is the bottom; image row 0 is the top.
        const dst = (height - 1 - y) * width * 4;
        const src = y * width;
        for (let x = 0; x < width; x++) {
          if (mask[src + x] !== 1) continue;
          const at = dst + 4 * x;
          rgba[at] = r;
          rgba[at + 1] = g;
          rgba[at + 2] = b;
          rgba[at + 3] = 255;
        }
      }
    }
    this.texture.upload();
    this.quad.scale.set(width, height * aspect, 1);
    this.quad.position.set(width / 2, (-height * aspect) / 2, 0.5);
    this.quad.visible = true;
  }

  setPoints(points: readonly MarkerPoint[]): void {
    for (const child of [...this.markers.children]) {
      this.markers.remove(child);
      child.traverse((o) => {
        if (o instanceof Mesh) (o.material as MeshBasicMaterial).dispose();
      });
    }
    for (const p of points) this.markers.add(marker(p, this.aspect));
  }

  /** Scribbles, boxes and lassos as lines over the layer (one pixel wide on screen). */
  setShapes(shapes: readonly ColoredShape[]): void {
    for (const child of [...this.outlines.children]) {
      this.outlines.remove(child);
      if (child instanceof Line) {
        child.geometry.dispose();
        (child.material as LineBasicMaterial).dispose();
      }
    }
    for (const { shape, color } of shapes) this.outlines.add(outline(shape, color, this.aspect));
  }

  /** Keeps markers a constant size on screen; `scale` = CSS px per image pixel. */
  setZoom(scale: number): void {
    const r = MARKER_PX / Math.max(scale, 1e-6);
    for (const m of this.markers.children) m.scale.set(r, r, 1);
  }
}

const DISC = new CircleGeometry(1, 20);
const RING = new RingGeometry(0.72, 1, 20);

function marker(p: MarkerPoint, aspect: number): Group {
  const g = new Group();
  const fill = new MeshBasicMaterial({
    color: p.positive ? p.color : '#000000',
    depthTest: false,
    depthWrite: false,
  });
  const rim = new MeshBasicMaterial({
    color: p.positive ? '#ffffff' : '#ff3030',
    depthTest: false,
    depthWrite: false,
  });
  const disc = new Mesh(DISC, fill);
  const ring = new Mesh(RING, rim);
  disc.renderOrder = ring.renderOrder = 3;
  g.add(disc, ring);
  g.position.set(p.x + 0.5, -(p.y + 0.5) * aspect, 1);
  return g;
}

function outline(shape: PromptShape, color: string, aspect: number): Line {
  const at = (p: ShapePoint) => new Vector3(p.x + 0.5, -(p.y + 0.5) * aspect, 1);
  const negative = shape.kind === 'scribble' && !shape.positive;
  const material = new LineBasicMaterial({
    color: negative ? '#ff3030' : color,
    depthTest: false,
    depthWrite: false,
  });
  if (shape.kind === 'box') {
    const [a, b] = [shape.from, shape.to];
    const corners = [a, { x: b.x, y: a.y }, b, { x: a.x, y: b.y }];
    return new LineLoop(new BufferGeometry().setFromPoints(corners.map(at)), material);
  }
  const geometry = new BufferGeometry().setFromPoints(shape.path.map(at));
  return shape.kind === 'lasso' ? new LineLoop(geometry, material) : new Line(geometry, material);
}

function rgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.replace('#', ''), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
