// Packages the extension as dist/sam-octa2.vsix: a production build, then `vsce package` in a
// staging folder. Why stage: vsce lists every file under its working folder before applying
// .vscodeignore, and this repository also holds .venv (torch) and .tools (code-server):
// hundreds of thousands of files, half a minute of walking. The stage holds only the candidates;
// .vscodeignore still decides what goes in.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stage = join(root, '.cache', 'vsix-stage');
const out = join(root, 'dist', 'sam-octa2.vsix');
/** Issue 16: the package stays small enough to install quickly; training weights stay out. */
const MAX_VSIX_BYTES = 25 * 1024 * 1024;
/** Everything the .vsix may hold; .vscodeignore filters further. */
const CANDIDATES = [
  'package.json',
  'package.nls.json',
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
    '--no-rewrite-relative-links',
    '--out',
    out,
  ],
  { cwd: stage, stdio: 'inherit' },
);
rmSync(stage, { recursive: true, force: true });

// The package step of scripts/test.sh fails here when the .vsix grows past the limit.
const bytes = statSync(out).size;
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
if (bytes > MAX_VSIX_BYTES) {
  console.error(
    `error: ${out} is ${mb(bytes)}, over the ${mb(MAX_VSIX_BYTES)} limit: run "npx vsce ls" in a stage to see what grew, and keep weights and data out (.vscodeignore).`,
  );
  process.exit(1);
}
console.log(`${out}: ${mb(bytes)} (limit ${mb(MAX_VSIX_BYTES)})`);
