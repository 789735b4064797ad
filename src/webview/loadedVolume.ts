/**
 * The loaded volume and what the views derive from it: the depth axis, the automatic window,
 * the current layer's values and 8-bit pixels, projections. Buffers are reused across layer
 * steps, since stepping through 640 layers is the hot path.
 */
import {
  extractLayer,
  layerAxes,
  layerCount,
  layerDepthMm,
  layerShape,
  resolveDepthAxis,
} from '../core/volume/layers';
import { projectRange } from '../core/volume/projection';
import { applyWindowToUint8, percentileWindow, type ValueWindow } from '../core/volume/window';
import type { Axis, Volume } from '../core/volume/volume';
import { VOXEL_ARRAYS, voxelCount } from '../core/volume/volume';
import type { VolumeHeaderInfo } from '../protocol/editorMessages';
import type { ProjectionMode } from './viewState';

export interface LayerImage {
  readonly values: Float32Array;
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Height of a pixel relative to its width (from the spacing). */
  readonly aspect: number;
}

/** Wraps the host's buffer without copying; throws a user-facing message when it does not fit. */
export function volumeFromMessage(header: VolumeHeaderInfo, buffer: ArrayBuffer): Volume {
  const ctor = VOXEL_ARRAYS[header.type];
  if (!ctor) throw new Error(`Voxel type "${String(header.type)}" is not supported.`);
  const expected = voxelCount(header.dims) * ctor.BYTES_PER_ELEMENT;
  if (buffer.byteLength !== expected) {
    throw new Error(
      `The voxel data holds ${buffer.byteLength} bytes; dims ${header.dims.join('×')} of ` +
        `${header.type} need ${expected}.`,
    );
  }
  return {
    dims: header.dims,
    spacingMm: header.spacingMm,
    affine: header.affine,
    type: header.type,
    data: new ctor(buffer),
  };
}

export class LoadedVolume {
  private axisValue: Axis;
  private readonly autoWindows = new Map<string, ValueWindow>();
  private layerValues: Float32Array = new Float32Array(0);
  private layerPixels: Uint8Array = new Uint8Array(0);
  private projectionKey = '';
  private projectionValues: Float32Array = new Float32Array(0);

  constructor(
    readonly volume: Volume,
    readonly header: VolumeHeaderInfo,
    axisSetting: 'auto' | Axis,
  ) {
    this.axisValue = resolveDepthAxis(volume.dims, axisSetting);
  }

  get axis(): Axis {
    return this.axisValue;
  }

  setAxis(setting: 'auto' | Axis): boolean {
    const axis = resolveDepthAxis(this.volume.dims, setting);
    if (axis === this.axisValue) return false;
    this.axisValue = axis;
    this.projectionKey = '';
    return true;
  }

  get layerCount(): number {
    return layerCount(this.volume.dims, this.axisValue);
  }

  get shape(): { width: number; height: number } {
    return layerShape(this.volume.dims, this.axisValue);
  }

  get aspect(): number {
    const [across, down] = layerAxes(this.axisValue);
    const s = this.volume.spacingMm;
    const a = (s[down] || 1) / (s[across] || 1);
    return Number.isFinite(a) && a > 0 ? a : 1;
  }

  depthMm(index: number): number {
    return layerDepthMm(this.volume, this.axisValue, index);
  }

  /** Percentile window of the whole volume; cached, since it reads every voxel. */
  autoWindow(percentiles: readonly [number, number]): ValueWindow {
    const key = percentiles.join(',');
    let w = this.autoWindows.get(key);
    if (!w) {
      w = percentileWindow(this.volume.data, percentiles[0], percentiles[1]);
      this.autoWindows.set(key, w);
    }
    return w;
  }

  layer(index: number, window: ValueWindow): LayerImage {
    const { width, height } = this.shape;
    this.layerValues = extractLayer(this.volume, this.axisValue, index, this.layerValues);
    this.layerPixels = applyWindowToUint8(this.layerValues, window, this.layerPixels);
    return {
      values: this.layerValues,
      pixels: this.layerPixels,
      width,
      height,
      aspect: this.aspect,
    };
  }

  /** The projection's values; recomputed only when axis, range or mode change. */
  projection(from: number, to: number, mode: ProjectionMode): Float32Array {
    const key = `${this.axisValue}:${from}:${to}:${mode}`;
    if (key !== this.projectionKey) {
      this.projectionValues = projectRange(this.volume, this.axisValue, from, to, mode);
      this.projectionKey = key;
    }
    return this.projectionValues;
  }
}
