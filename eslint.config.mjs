// Flat config. The one structural rule that matters: src/core stays pure (no vscode, DOM or Node),
// so the same tracker and NIfTI code run in the webview, the extension host, the CLI and tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.venv/**',
      '.tools/**',
      '.cache/**',
      'trainer/**',
      'test-results/**',
      'models/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode'], message: 'src/core must not import vscode.' },
            {
              group: ['node:*', 'fs', 'path', 'zlib', 'os', 'child_process'],
              message: 'src/core must not import Node modules; inject I/O.',
            },
            {
              group: ['three', 'onnxruntime-*'],
              message: 'src/core gets the ONNX runtime injected and never renders.',
            },
            {
              group: ['../extension/*', '../webview/*', '../cli/*'],
              message: 'src/core is imported by the shells, never the reverse.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer'],
    },
  },
  {
    // The engine runs in the tracker worker and in the extension host: no vscode, no DOM, no
    // shell; Node only in ortNode.ts (onnxruntime-node), which the worker never imports.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/ortNode.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode'], message: 'src/engine must not import vscode.' },
            {
              group: ['node:*', 'fs', 'path', 'os', 'child_process', 'onnxruntime-node'],
              message: 'Node belongs in src/engine/ortNode.ts only (the worker bundles the rest).',
            },
            {
              group: ['../extension/*', '../webview/*', '../cli/*'],
              message: 'src/engine is imported by the shells, never the reverse.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer'],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
