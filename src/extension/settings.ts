/**
 * Reads the `samOcta2.*` settings into the protocol's EditorSettings. Users can write anything
 * into settings.json, so every value is checked and falls back to its default when invalid
 * (the JSON schema in package.json only warns, it does not stop bad values).
 */
import type { Axis } from '../core/volume/volume';
import { DEFAULT_EMBEDDING_CACHE_MIB } from '../core/tracker/embeddingCache';
import { INFERENCE_ENGINES } from '../engine/engineChoice';
import type { EditorSettings, InferenceEngineSetting } from '../protocol/editorMessages';

export const SETTINGS_SECTION = 'samOcta2';

/** The part of vscode.WorkspaceConfiguration this module needs (so tests need no vscode). */
export interface SettingsSource {
  get<T>(key: string): T | undefined;
}

export const DEFAULT_SETTINGS: EditorSettings = {
  depthAxis: 'auto',
  windowPercentiles: [1, 99.5],
  max3dTextureMB: 256,
  embeddingCacheMiB: DEFAULT_EMBEDDING_CACHE_MIB,
  inferenceEngine: 'auto',
};

const AXES: Readonly<Record<string, Axis>> = { i: 0, j: 1, k: 2 };
const MIN_TEXTURE_MB = 16;
/** Four 1024 px layers' features (16 MiB each): less would re-encode on every step back. */
const MIN_EMBEDDING_CACHE_MIB = 64;

export function readEditorSettings(source: SettingsSource): EditorSettings {
  return {
    depthAxis: readDepthAxis(source.get<unknown>('depthAxis')),
    windowPercentiles: readPercentiles(source.get<unknown>('windowPercentiles')),
    max3dTextureMB: readTextureBudget(source.get<unknown>('max3dTextureMB')),
    embeddingCacheMiB: readEmbeddingCacheBudget(source.get<unknown>('embeddingCacheMiB')),
    inferenceEngine: readInferenceEngine(source.get<unknown>('inferenceEngine')),
  };
}

function readInferenceEngine(value: unknown): InferenceEngineSetting {
  return INFERENCE_ENGINES.find((engine) => engine === value) ?? 'auto';
}

function readDepthAxis(value: unknown): EditorSettings['depthAxis'] {
  if (value === 'auto') return 'auto';
  if (typeof value === 'string' && value in AXES) return AXES[value] as Axis;
  // Also accept the numeric form the protocol uses, for settings written by hand.
  if (value === 0 || value === 1 || value === 2) return value;
  return DEFAULT_SETTINGS.depthAxis;
}

function readPercentiles(value: unknown): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) return DEFAULT_SETTINGS.windowPercentiles;
  const [low, high] = value as unknown[];
  if (typeof low !== 'number' || typeof high !== 'number') {
    return DEFAULT_SETTINGS.windowPercentiles;
  }
  if (!(low >= 0 && high <= 100 && low < high)) return DEFAULT_SETTINGS.windowPercentiles;
  return [low, high];
}

function readTextureBudget(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_SETTINGS.max3dTextureMB;
  return Math.max(MIN_TEXTURE_MB, value);
}

function readEmbeddingCacheBudget(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return DEFAULT_SETTINGS.embeddingCacheMiB;
  return Math.max(MIN_EMBEDDING_CACHE_MIB, Math.round(value));
}
