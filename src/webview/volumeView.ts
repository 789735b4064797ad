/**
 * The 3D view: the volume ray-marched on a 3D texture (MIP or compositing), orbit controls, the
 * current layer's plane outlined, and a depth clip. The box is scaled by dims × spacing (mm), and
 * oriented so depth runs down the screen and the layer's x/y match the layer view seen from above.
 */
import {
  BackSide,
  BoxGeometry,
  Data3DTexture,
  DoubleSide,
  EdgesGeometry,
  Group,
  LinearFilter,
  LineBasicMaterial,
  LineSegments,
  Matrix4,
  Mesh,
  MeshBasicMaterial,
  OrthographicCamera,
  PerspectiveCamera,
  PlaneGeometry,
  RedFormat,
  Scene,
  ShaderMaterial,
  UnsignedByteType,
  Vector3,
  WebGLRenderTarget,
  type WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { layerAxes } from '../core/volume/layers';
import type { Axis } from '../core/volume/volume';
import type { Size } from './panZoom';
import { RenderBudget } from './renderBudget';
import type { CameraState, RenderMode } from './viewState';
import {
  BLIT_FRAGMENT,
  BLIT_VERTEX,
  MAX_STEPS,
  VOLUME_FRAGMENT,
  VOLUME_VERTEX,
} from './volumeShader';

export interface VolumeTextureInput {
  readonly dims: readonly [number, number, number];
  readonly data: Uint8Array;
}

export interface VolumeViewEvents {
  changed(): void;
  cameraChanged(camera: CameraState): void;
}

/** Wait after the last interaction before drawing the full-quality still frame. */
const STILL_DELAY_MS = 150;
const DEFAULT_DIRECTION = new Vector3(0.55, 0.75, 1.25).normalize();

export class VolumeView {
  readonly scene = new Scene();
  /** Drawn crisply over the (possibly lower-resolution) volume: plane, outlines, later surfaces. */
  readonly overlayScene = new Scene();
  readonly camera = new PerspectiveCamera(35, 1, 0.01, 100);
  /** Tracked objects' surfaces, in the unit box's local space (axes i, j, k; -0.5..0.5). */
  readonly objectRoot = new Group();
  private readonly controls: OrbitControls;
  private readonly volumeRoot = new Group();
  private readonly overlayRoot = new Group();
  private readonly material = new ShaderMaterial({
    vertexShader: VOLUME_VERTEX,
    fragmentShader: VOLUME_FRAGMENT,
    side: BackSide,
    depthTest: false,
    depthWrite: false,
    uniforms: {
      uVolume: { value: null },
      uCamera: { value: new Vector3() },
      uClipMin: { value: new Vector3(0, 0, 0) },
      uClipMax: { value: new Vector3(1, 1, 1) },
      uMode: { value: 0 },
      uSteps: { value: 256 },
    },
  });
  private readonly box = new Mesh(new BoxGeometry(1, 1, 1), this.material);
  private readonly boxScale = new Group();
  private readonly plane: Group;
  private readonly target = new WebGLRenderTarget(1, 1, { depthBuffer: false });
  private readonly blitScene = new Scene();
  private readonly blitCamera = new OrthographicCamera();
  private readonly budget = new RenderBudget();
  private readonly syncPixel = new Uint8Array(4);
  private texture: Data3DTexture | null = null;
  private interacting = false;
  private stillTimer: number | undefined;
  private viewport: Size = { width: 1, height: 1 };
  private axis: Axis = 2;
  /** The volume's size in mm along i, j, k. */
  private extentMm: number[] = [1, 1, 1];
  private depthScale = 1;
  private layerFraction = 0.5;
  background = '#000000';

  constructor(
    private readonly renderer: WebGLRenderer,
    canvas: HTMLCanvasElement,
    private readonly events: VolumeViewEvents,
  ) {
    this.volumeRoot.matrixAutoUpdate = this.overlayRoot.matrixAutoUpdate = false;
    this.scene.add(this.volumeRoot);
    this.volumeRoot.add(this.box);
    this.box.frustumCulled = false;
    this.overlayScene.add(this.overlayRoot);
    this.overlayRoot.add(this.boxScale);
    const edges = new LineSegments(
      new EdgesGeometry(new BoxGeometry(1, 1, 1)),
      new LineBasicMaterial({ color: 0x808080, transparent: true, opacity: 0.5, depthTest: false }),
    );
    this.plane = layerPlane();
    this.boxScale.add(edges, this.plane, this.objectRoot);

    const blit = new Mesh(
      new PlaneGeometry(1, 1),
      new ShaderMaterial({
        vertexShader: BLIT_VERTEX,
        fragmentShader: BLIT_FRAGMENT,
        uniforms: { map: { value: this.target.texture } },
        depthTest: false,
        transparent: true,
        premultipliedAlpha: true,
      }),
    );
    blit.frustumCulled = false;
    this.blitScene.add(blit);
    this.target.texture.minFilter = this.target.texture.magFilter = LinearFilter;

    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enabled = false;
    this.controls.addEventListener('change', () => this.events.changed());
    this.controls.addEventListener('start', () => this.setInteracting(true));
    this.controls.addEventListener('end', () => {
      this.setInteracting(false);
      this.events.cameraChanged(this.cameraState());
    });
    this.resetCamera();
  }

  get hasTexture(): boolean {
    return this.texture !== null;
  }

  setActive(active: boolean): void {
    this.controls.enabled = active;
  }

  setTexture(input: VolumeTextureInput, dims: readonly number[], spacing: readonly number[]): void {
    this.texture?.dispose();
    const [tx, ty, tz] = input.dims;
    const tex = new Data3DTexture(input.data, tx, ty, tz);
    tex.format = RedFormat;
    tex.type = UnsignedByteType;
    tex.minFilter = tex.magFilter = LinearFilter;
    tex.unpackAlignment = 1;
    tex.needsUpdate = true;
    // The GPU holds the texels after the upload; drop the CPU copy (up to the 3D budget in MB).
    tex.onUpdate = () => {
      tex.image.data = null;
    };
    this.texture = tex;
    this.material.uniforms.uVolume.value = tex;
    // Upload now (we are in an idle callback), so that the first frame's time measures
    // rendering only and the resolution budget starts from a true figure.
    this.renderer.initTexture(tex);
    this.extentMm = [0, 1, 2].map((a) => (dims[a] ?? 1) * (spacing[a] || 1));
    this.placeBox();
    const diagonal = Math.hypot(tx, ty, tz);
    this.material.uniforms.uSteps.value = Math.min(MAX_STEPS, Math.max(64, Math.ceil(diagonal)));
    this.events.changed();
  }

  /** Stretches the depth axis `factor` times (the box, the plane and the surfaces with it). */
  setDepthScale(factor: number): void {
    this.depthScale = factor;
    this.placeBox();
    this.events.changed();
  }

  /** The box in true proportions (mm), depth times depthScale, its longest side 1. */
  private placeBox(): void {
    const mm = this.extentMm.map((v, a) => (a === this.axis ? v * this.depthScale : v));
    const longest = Math.max(...mm);
    const size = new Vector3(mm[0]! / longest, mm[1]! / longest, mm[2]! / longest);
    this.box.scale.copy(size);
    this.boxScale.scale.copy(size);
  }

  setDepthAxis(axis: Axis): void {
    this.axis = axis;
    this.placeBox();
    const [across, down] = layerAxes(axis);
    const images: Vector3[] = [];
    images[across] = new Vector3(1, 0, 0);
    images[down] = new Vector3(0, 0, 1);
    images[axis] = new Vector3(0, -1, 0);
    const basis = new Matrix4().makeBasis(images[0]!, images[1]!, images[2]!);
    this.volumeRoot.matrix.copy(basis);
    this.overlayRoot.matrix.copy(basis);
    this.volumeRoot.matrixWorldNeedsUpdate = this.overlayRoot.matrixWorldNeedsUpdate = true;
    this.plane.rotation.set(axis === 1 ? Math.PI / 2 : 0, axis === 0 ? Math.PI / 2 : 0, 0);
    this.placePlane();
    this.events.changed();
  }

  setLayer(index: number, count: number): void {
    this.layerFraction = (index + 0.5) / Math.max(1, count);
    this.placePlane();
    this.events.changed();
  }

  /** Shows only layers from..to (inclusive) of `count`. */
  setClip(from: number, to: number, count: number): void {
    const lo = Math.min(from, to) / count;
    const hi = (Math.max(from, to) + 1) / count;
    const min = new Vector3(0, 0, 0);
    const max = new Vector3(1, 1, 1);
    min.setComponent(this.axis, lo);
    max.setComponent(this.axis, hi);
    this.material.uniforms.uClipMin.value = min;
    this.material.uniforms.uClipMax.value = max;
    this.events.changed();
  }

  setMode(mode: RenderMode): void {
    this.material.uniforms.uMode.value = mode === 'mip' ? 0 : 1;
    this.events.changed();
  }

  resize(viewport: Size): void {
    this.viewport = viewport;
    this.camera.aspect = viewport.width / Math.max(1, viewport.height);
    this.camera.updateProjectionMatrix();
  }

  resetCamera(): void {
    this.controls.target.set(0, 0, 0);
    this.camera.position.copy(DEFAULT_DIRECTION).multiplyScalar(2.4);
    this.camera.up.set(0, 1, 0);
    this.controls.update();
    this.events.changed();
  }

  cameraState(): CameraState {
    const p = this.camera.position;
    const t = this.controls.target;
    return { position: [p.x, p.y, p.z], target: [t.x, t.y, t.z] };
  }

  setCamera(state: CameraState): void {
    this.camera.position.set(...state.position);
    this.controls.target.set(...state.target);
    this.controls.update();
    this.events.changed();
  }

  /** A wheel or key on the canvas counts as interaction too (OrbitControls reports drags only). */
  nudge(): void {
    this.setInteracting(true);
    this.setInteracting(false);
  }

  render(): void {
    const r = this.renderer;
    r.setRenderTarget(null);
    r.setClearColor(this.background, 1);
    if (!this.texture) {
      r.clear();
      return;
    }
    this.scene.updateMatrixWorld();
    this.overlayScene.updateMatrixWorld();
    this.material.uniforms.uCamera.value = this.box.worldToLocal(this.camera.position.clone());
    const dpr = r.getPixelRatio();
    const fullW = Math.max(1, Math.round(this.viewport.width * dpr));
    const fullH = Math.max(1, Math.round(this.viewport.height * dpr));
    const steps = this.material.uniforms.uSteps.value as number;
    const scale = this.budget.scale(fullW * fullH, steps, this.interacting);
    const w = Math.max(1, Math.round(fullW * scale));
    const h = Math.max(1, Math.round(fullH * scale));
    if (this.target.width !== w || this.target.height !== h) this.target.setSize(w, h);

    const t0 = performance.now();
    r.setRenderTarget(this.target);
    r.setClearColor(0x000000, 0);
    r.clear();
    r.render(this.scene, this.camera);
    // Reading one pixel waits for the frame: the measured time feeds the resolution budget.
    r.readRenderTargetPixels(this.target, 0, 0, 1, 1, this.syncPixel);
    this.budget.record(performance.now() - t0, w * h, steps);
    // The first frames run on a guess; draw again when the budget now affords a sharper still.
    if (!this.interacting && this.budget.scale(fullW * fullH, steps, false) > scale * 1.25) {
      this.events.changed();
    }

    r.setRenderTarget(null);
    r.setClearColor(this.background, 1);
    r.clear();
    const autoClear = r.autoClear;
    r.autoClear = false;
    r.render(this.blitScene, this.blitCamera);
    // The blit quad wrote depth; object surfaces depth-test among themselves only.
    r.clearDepth();
    r.render(this.overlayScene, this.camera);
    r.autoClear = autoClear;
  }

  dispose(): void {
    window.clearTimeout(this.stillTimer);
    this.controls.dispose();
    this.texture?.dispose();
    this.target.dispose();
    this.material.dispose();
  }

  private placePlane(): void {
    const c = this.layerFraction - 0.5;
    this.plane.position.set(0, 0, 0);
    this.plane.position.setComponent(this.axis, c);
  }

  private setInteracting(on: boolean): void {
    window.clearTimeout(this.stillTimer);
    if (on) {
      this.interacting = true;
      return;
    }
    this.stillTimer = window.setTimeout(() => {
      this.interacting = false;
      this.events.changed();
    }, STILL_DELAY_MS);
  }
}

/** A translucent quad with an outline, in the unit box's local space (normal along z). */
function layerPlane(): Group {
  const accent = 0x3794ff;
  const fill = new Mesh(
    new PlaneGeometry(1, 1),
    new MeshBasicMaterial({
      color: accent,
      transparent: true,
      opacity: 0.1,
      side: DoubleSide,
      depthTest: false,
      depthWrite: false,
    }),
  );
  const outline = new LineSegments(
    new EdgesGeometry(new PlaneGeometry(1, 1)),
    new LineBasicMaterial({ color: accent, depthTest: false }),
  );
  const g = new Group();
  g.add(fill, outline);
  return g;
}
