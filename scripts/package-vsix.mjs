// Packages the extension: a production build, then `vsce package` in a staging folder, once per
// target. Why stage: vsce lists every file under its working folder before applying
// .vscodeignore, and this repository also holds .venv (torch) and .tools (code-server):
// hundreds of thousands of files, half a minute of walking. The stage holds only the candidates;
// .vscodeignore still decides what goes in.
//
// Targets (issue 17): `universal` (the default; dist/sam-octa2.vsix) has no native code, so no
// host engine; `linux-x64`, `darwin-arm64`, `win32-x64`, ... (dist/sam-octa2-<target>.vsix,
// `vsce package --target`) carry onnxruntime-node with only that platform's binaries, for the
// host engine. `node scripts/package-vsix.mjs --target universal --target linux-x64` makes both
// from one build.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stage = join(root, '.cache', 'vsix-stage');
/** Issue 16: the package stays small enough to install quickly; training weights stay out. */
const MAX_VSIX_BYTES = 25 * 1024 * 1024;
/**
 * A platform .vsix adds onnxruntime-node's native runtime for its platform (45 MB unpacked on
 * Linux x64, 86 MB on macOS arm64); the universal one keeps the 25 MB limit.
 */
const MAX_PLATFORM_VSIX_BYTES = 60 * 1024 * 1024;
/** onnxruntime-node's platform folders, by vsce target. */
const ORT_PLATFORMS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};
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

const targets = targetsFrom(process.argv.slice(2));

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], {
  stdio: 'inherit',
});
let failed = false;
for (const target of targets) failed = !packageTarget(target) || failed;
if (failed) process.exit(1);

function targetsFrom(args) {
  const named = args.flatMap((arg, i) => (args[i - 1] === '--target' ? [arg] : []));
  const unknown = named.filter((t) => t !== 'universal' && !(t in ORT_PLATFORMS));
  if (unknown.length > 0) {
    console.error(
      `error: unknown target ${unknown.join(', ')}; use universal or ${Object.keys(ORT_PLATFORMS).join(', ')}.`,
    );
    process.exit(2);
  }
  return named.length > 0 ? named : ['universal'];
}

/** Stages and packages one target; false when the .vsix is over its size limit. */
function packageTarget(target) {
  const universal = target === 'universal';
  const out = join(root, 'dist', universal ? 'sam-octa2.vsix' : `sam-octa2-${target}.vsix`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const name of CANDIDATES) {
    const from = join(root, name);
    if (existsSync(from)) {
      cpSync(from, join(stage, name), { recursive: true, filter: (src) => !src.endsWith('.vsix') });
    }
  }
  if (!universal) stageOnnxruntimeNode(ORT_PLATFORMS[target]);

  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(
    process.execPath,
    [
      vsce,
      'package',
      '--no-dependencies', // node_modules are bundled into dist/, but for onnxruntime-node
      '--no-rewrite-relative-links',
      ...(universal ? [] : ['--target', target]),
      '--out',
      out,
    ],
    { cwd: stage, stdio: 'inherit' },
  );
  rmSync(stage, { recursive: true, force: true });

  // The package step of scripts/test.sh fails here when a .vsix grows past its limit.
  const limit = universal ? MAX_VSIX_BYTES : MAX_PLATFORM_VSIX_BYTES;
  const bytes = statSync(out).size;
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (bytes > limit) {
    console.error(
      `error: ${out} is ${mb(bytes)}, over the ${mb(limit)} limit: run "npx vsce ls" in a stage to see what grew, and keep weights and data out (.vscodeignore).`,
    );
    return false;
  }
  console.log(`${out}: ${mb(bytes)} (limit ${mb(limit)})`);
  return true;
}

/**
 * onnxruntime-node (its JS and this platform's binaries only) and onnxruntime-common in
 * dist/node_modules, where dist/extension.js finds them by name (scripts/build.mjs keeps
 * onnxruntime-node external: a native module cannot be bundled). Not a top-level node_modules:
 * vsce leaves that out when packaging without dependencies.
 */
function stageOnnxruntimeNode(platformFolder) {
  const modules = join(root, 'node_modules');
  const into = join(stage, 'dist', 'node_modules');
  for (const file of ['package.json', 'LICENSE', 'README.md', 'dist']) {
    const from = join(modules, 'onnxruntime-node', file);
    if (existsSync(from)) cpSync(from, join(into, 'onnxruntime-node', file), { recursive: true });
  }
  const bin = join('bin', 'napi-v6', platformFolder);
  cpSync(join(modules, 'onnxruntime-node', bin), join(into, 'onnxruntime-node', bin), {
    recursive: true,
  });
  for (const file of ['package.json', 'LICENSE', 'README.md', join('dist', 'cjs')]) {
    const from = join(modules, 'onnxruntime-common', file);
    if (existsSync(from)) cpSync(from, join(into, 'onnxruntime-common', file), { recursive: true });
  }
}
