/**
 * The volume editor's wiring: builds the view state, the views, the feature panels, the toolbar
 * and the view controller, connects their events, and routes the host's messages through one
 * table. Behaviour lives in the parts; a new feature panel is constructed here, placed after the
 * others, and added to `features`.
 */
import type { ToWebviewMessage, ViewKind } from '../protocol/editorMessages';
import { BrushController } from './brush/brushController';
import type { EditorFeature } from './editorFeature';
import { EditorViews } from './editorViews';
import { Footer } from './footer';
import { HostKeys } from './hostKeys';
import type { Layout } from './layout';
import { MeasuresController } from './measures/measuresController';
import { MessageTable } from './messageTable';
import { PanelLayoutControl } from './panelLayout';
import { PromptCursor } from './promptCursor';
import { PromptShapeTool } from './tracking/promptShapeTool';
import { LayerListLine } from './sparse/layerListLine';
import { SparseController } from './sparse/sparseController';
import type { TestedParts } from './testHook';
import { Toolbar } from './toolbar';
import { TrackingController } from './tracking/trackingController';
import { ViewController } from './viewController';
import type { ViewState } from './viewState';
import { ViewStateStore } from './viewStateStore';
import { bindViewportInput } from './viewportInput';
import { ViewportNotices } from './viewportNotices';
import { registerVolumeLoading } from './volumeLoading';
import type { HostClient } from './vscodeApi';

/** Shown when a host message cannot be taken (e.g. voxels that do not fit their header). */
const SUPPORTED = 'The editor shows 3D NIfTI-1/2 volumes (.nii, .nii.gz) of 8–64-bit voxels.';

export class App implements TestedParts {
  readonly state: ViewStateStore;
  readonly views: EditorViews;
  readonly controller: ViewController;
  readonly tracking: TrackingController;
  readonly brush: BrushController;
  readonly sparse: SparseController;
  /** Where the user is in a dataset layer list (docs/sparse-annotation.md §6). */
  readonly layerList: LayerListLine;
  readonly measures: MeasuresController;
  readonly promptCursor: PromptCursor;
  readonly promptShapes: PromptShapeTool;
  /** Host messages by type, to the parts that registered for them. */
  private readonly messages = new MessageTable();

  constructor(layout: Layout, host: HostClient<ViewState>) {
    const state = new ViewStateStore(host);
    this.state = state;
    const post = host.post.bind(host);
    // The controller is built last (it needs the features and the toolbar); the events below
    // reach it only after construction.
    const views = new EditorViews(layout, {
      view: () => state.current.view,
      beforeDraw: (scale) => {
        this.tracking.beforeDraw(scale);
        this.promptCursor.redraw();
      },
      image: (kind: ViewKind) => ({
        hover: (p) => this.controller.showReadout(kind, p),
        // Point prompts (issue 4): clicks on the layer view only.
        click: (p, negative) => {
          if (kind === 'layer' && this.controller.loaded && this.brush.allowsPrompts)
            this.tracking.click(state.current.layer, p.x, p.y, negative);
        },
      }),
      cameraChanged: (camera) => state.update({ camera }),
    });
    this.views = views;
    if (state.current.camera) views.volume?.setCamera(state.current.camera);
    const changed = () => views.requestRender();

    this.tracking = new TrackingController(
      // The brush is created after the tracking controller; its label list follows the objects.
      {
        post,
        changed,
        objectsChanged: () => {
          this.brush?.objectsChanged();
          this.measures?.objectsChanged();
        },
      },
      {
        layerOverlay: views.overlayOf('layer'),
        projectionOverlay: views.overlayOf('projection'),
        surfaceRoot: views.volume?.objectRoot ?? null,
        runtimeBase: new URL('./', import.meta.url).href,
      },
    );
    this.brush = new BrushController(
      {
        post,
        changed,
        pixelAt: (sx, sy) => views.imageView(state.current.view)?.pixelAt(sx, sy) ?? null,
        settingsChanged: (brush) => state.update({ brush }),
      },
      this.tracking,
      views.overlayOf('layer'),
      views.overlayOf('projection'),
      state.current.brush,
    );
    this.brush.viewChanged(state.current.view);
    const showLayer = (layer: number) => {
      if (state.current.view !== 'layer') this.controller.setView('layer');
      this.controller.setLayer(layer);
    };
    this.sparse = new SparseController(
      { post, setLayer: showLayer, changed },
      views.overlayOf('layer'),
    );
    this.layerList = new LayerListLine(showLayer);
    this.measures = new MeasuresController(
      { post, changed, objects: () => this.tracking.trackedObjects() },
      {
        layerOverlay: views.overlayOf('layer'),
        projectionOverlay: views.overlayOf('projection'),
        runtimeBase: new URL('./', import.meta.url).href,
      },
    );
    this.promptCursor = new PromptCursor({
      screenOf: (x, y) => views.imageView('layer')?.screenOf(x, y) ?? null,
      place: (layer, x, y, negative) => {
        if (this.brush.allowsPrompts) this.tracking.click(layer, x, y, negative);
      },
      remove: (layer, x, y) => this.tracking.removeNearestPoint(layer, x, y),
      draw: (layer, shape) => {
        if (this.brush.allowsPrompts) this.tracking.drawShape(layer, shape);
      },
      draft: (shape) => this.tracking.draftShape(shape),
    });
    layout.viewport.append(this.promptCursor.element);
    // Scribble, box and lasso prompts (issue 20): a row under the tracking panel's controls.
    this.promptShapes = new PromptShapeTool({
      pixelAt: (sx, sy) => views.imageView('layer')?.pixelAt(sx, sy) ?? null,
      allowsPrompts: () => this.controller.loaded && this.brush.allowsPrompts,
      draw: (layer, shape) => this.tracking.drawShape(layer, shape),
      shapesOn: (layer) => this.tracking.shapesOn(layer),
      edit: (layer, index, move) => this.tracking.editShape(layer, index, move),
      draft: (shape) => this.tracking.draftShape(shape),
    });
    this.tracking.panel.element.append(this.promptShapes.element);
    const panels = new PanelLayoutControl(
      [this.tracking.panel.element, this.brush.panel.element],
      this.sparse.panel.element,
      post,
    );
    // The panels stand after the toolbar in this order; every change reaches them in this order.
    const features: EditorFeature[] = [
      this.tracking,
      this.brush,
      this.sparse,
      this.layerList,
      panels,
      this.promptCursor,
      this.promptShapes,
      this.measures,
    ];
    layout.toolbar.after(
      this.tracking.panel.element,
      this.brush.panel.element,
      this.layerList.element,
      this.sparse.panel.element,
    );
    // Measures stand between the view and the footer, opened from the footer: no room taken
    // while closed.
    layout.viewport.after(this.measures.panel.element);
    layout.slider.parentElement?.append(this.measures.panel.toggle);

    const notices = new ViewportNotices(layout);
    const toolbar = new Toolbar(layout.toolbar, {
      view: (view) => this.controller.setView(view),
      depthAxis: (choice) => this.controller.setDepthAxis(choice),
      window: (min, max) => this.controller.setWindow({ auto: false, min, max }),
      autoWindow: () => this.controller.setWindow({ ...state.current.window, auto: true }),
      range: (from, to) => this.controller.setRange(from, to),
      projection: (projection) => this.controller.setProjection(projection),
      render3d: (render3d) => {
        state.update({ render3d });
        views.volume?.setMode(render3d);
      },
      depthScale: (depthScale) => {
        state.update({ depthScale });
        views.volume?.setDepthScale(depthScale);
      },
      resetCamera: () => {
        views.volume?.resetCamera();
        state.update({ camera: null });
      },
      fit: () => views.imageView(state.current.view)?.fit(),
    });
    layout.toolbar.append(panels.toggle);
    views.volume?.setMode(state.current.render3d);
    views.volume?.setDepthScale(state.current.depthScale);
    const footer = new Footer(layout);
    this.controller = new ViewController({
      layout,
      state,
      views,
      notices,
      toolbar,
      footer,
      features,
      post,
    });

    const hostKeys = new HostKeys(this.controller, () => this.promptCursor.position !== null);
    bindViewportInput(layout.viewport, layout.slider, {
      activeImageView: () => views.imageView(state.current.view),
      pointerLeft: () => this.controller.showReadout(state.current.view, null),
      sliderMoved: (value) => this.controller.setLayer(value),
      layerKey: (action) => hostKeys.ownKey(action),
      pointerTool: () =>
        this.brush.takesPointer
          ? this.brush
          : this.promptShapes.takesPointer
            ? this.promptShapes
            : null,
      brushKey: (direction) => this.brush.radiusKey(direction),
      promptCursor: this.promptCursor,
    });
    registerVolumeLoading(this.messages, this.controller, notices);
    hostKeys.registerMessages(this.messages);
    for (const f of features) f.registerMessages?.(this.messages);
    host.onMessage((m) => this.handle(m, post));
    this.controller.syncChrome();
    post({ type: 'ready' });
  }

  /** A message no part can take shows as a load error here and as an error in VS Code. */
  private handle(message: ToWebviewMessage, post: HostClient<ViewState>['post']): void {
    try {
      this.messages.dispatch(message);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.controller.fail(text, SUPPORTED);
      post({ type: 'showError', message: text });
    }
  }
}
