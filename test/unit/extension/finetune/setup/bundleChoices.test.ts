import { Uri, recorded, resetMock, workspace } from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import {
  bundleLora,
  continuableBundles,
} from '../../../../../src/extension/finetune/setup/bundleChoices';

beforeEach(() => resetMock());

/** The manifest's training.lora as trainer/samocta2/export/bundle_lora.py `lora_entry` writes it. */
function manifest(base: Record<string, unknown>, file = 'lora.pt'): string {
  return JSON.stringify({
    format: 'samocta2-model-bundle',
    name: 'x',
    training: {
      lora: {
        file,
        sha256: 'ab',
        step: 100,
        target: 'faz',
        lora: { r: 8, alpha: 8, target_modules: ['qkv'], dropout: 0.1 },
        base: { image_size: null, seed: 0, fingerprint: 1.5, checkpoint_sha256: null, ...base },
      },
    },
  });
}

function put(path: string, text: string): void {
  recorded.files.set(path, new TextEncoder().encode(text));
}

const fs = workspace.fs as unknown as vscode.FileSystem;
const entry = (dir: string, name: string) => ({
  name,
  uri: Uri.file(dir) as unknown as vscode.Uri,
});

test('bundles with LoRA weights are listed with the base model they adapt', async () => {
  put(
    '/m/faz-a/manifest.json',
    manifest({ size: 'tiny', checkpoint: '/ckpt/sam2.1_hiera_tiny.pt' }),
  );
  put('/m/faz-a/lora.pt', 'PK');
  put('/m/nano-b/manifest.json', manifest({ size: 'nano', checkpoint: null }, 'weights.pt'));
  put('/m/nano-b/weights.pt', 'PK');
  const found = await continuableBundles(fs, [
    entry('/m/faz-a', 'faz-a'),
    entry('/m/nano-b', 'nano-b'),
  ]);
  assert.deepEqual(found, [
    {
      dir: '/m/faz-a',
      name: 'faz-a',
      size: 'tiny',
      baseCheckpoint: '/ckpt/sam2.1_hiera_tiny.pt',
      loraRank: 8,
      target: 'faz',
    },
    { dir: '/m/nano-b', name: 'nano-b', size: 'nano', loraRank: 8, target: 'faz' },
  ]);
});

test('bundles without LoRA weights, with the file gone, or with a broken manifest are left out', async () => {
  put(
    '/m/plain/manifest.json',
    JSON.stringify({ format: 'samocta2-model-bundle', training: null }),
  );
  put('/m/gone/manifest.json', manifest({ size: 'tiny' }));
  put('/m/broken/manifest.json', '{ not json');
  put('/m/odd/manifest.json', manifest({ size: 'huge' }));
  put('/m/odd/lora.pt', 'PK');
  const found = await continuableBundles(fs, [
    entry('/m/plain', 'plain'),
    entry('/m/gone', 'gone'),
    entry('/m/broken', 'broken'),
    entry('/m/odd', 'odd'),
    entry('/m/absent', 'absent'),
  ]);
  assert.deepEqual(found, []);
  assert.equal(bundleLora({ training: { lora: { base: {} } } }), undefined);
  assert.equal(bundleLora('text'), undefined);
});

test('a bundle that carries its base weights (base.file) needs no base path; a missing copy rules it out', async () => {
  put(
    '/m/with-base/manifest.json',
    manifest({ size: 'tiny', checkpoint: '/gone/sam2.1_hiera_tiny.pt', file: 'base.pt' }),
  );
  put('/m/with-base/lora.pt', 'PK');
  put('/m/with-base/base.pt', 'PK');
  put('/m/lost-base/manifest.json', manifest({ size: 'tiny', file: 'base.pt' }));
  put('/m/lost-base/lora.pt', 'PK');
  const found = await continuableBundles(fs, [
    entry('/m/with-base', 'with-base'),
    entry('/m/lost-base', 'lost-base'),
  ]);
  assert.deepEqual(found, [
    {
      dir: '/m/with-base',
      name: 'with-base',
      size: 'tiny',
      baseCheckpoint: '/gone/sam2.1_hiera_tiny.pt',
      baseInBundle: true,
      loraRank: 8,
      target: 'faz',
    },
  ]);
});
