// Packages the extension as dist/sam-octa2.vsix: a production build, then `vsce package` in a
// staging folder. Why stage: vsce lists every file under its working folder before applying
// .vscodeignore, and this repository also holds .venv (torch) and .tools (code-server):
// hundreds of thousands of files, half a minute of walking. The stage holds only the candidates;
// .vscodeignore still decides what goes in.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stage = join(root, '.cache', 'vsix-stage');
const out = join(root, 'dist', 'sam-octa2.vsix');
/** Everything the .vsix may hold; .vscodeignore filters further. */
const CANDIDATES = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  '.vscodeignore',
  'dist',
  'media',
  'models',
  'trainer', // the fine-tune task runs it (.vscodeignore keeps its package and configs)
];

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], {
  stdio: 'inherit',
});

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const name of CANDIDATES) {
  const from = join(root, name);
  if (existsSync(from)) {
    cpSync(from, join(stage, name), { recursive: true, filter: (src) => !src.endsWith('.vsix') });
  }
}

const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(
  process.execPath,
  [
    vsce,
    'package',
    '--no-dependencies', // node_modules are bundled into dist/
    '--allow-missing-repository',
    '--skip-license',
    '--no-rewrite-relative-links',
    '--out',
    out,
  ],
  { cwd: stage, stdio: 'inherit' },
);
rmSync(stage, { recursive: true, force: true });
