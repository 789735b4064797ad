/**
 * The map stays true: every folder under src/ is in docs/architecture.md and every folder of the
 * trainer package in trainer/README.md (each as a backticked path ending in `/`), every path the
 * two maps name exists, src/protocol stays type-only (interfaces, type aliases and type-only
 * imports and exports: no statement that would emit code), and test/unit mirrors src/ (the test
 * of a file is found by its path).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = new URL('../..', import.meta.url).pathname;
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Folders below `top` (relative to the repository), `top` included, skipping caches. */
function folders(top: string): string[] {
  const out = [top];
  for (const entry of readdirSync(join(ROOT, top), { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== '__pycache__')
      out.push(...folders(join(top, entry.name)));
  }
  return out;
}

/** The backticked paths of `text` that start with `prefix`. */
function namedPaths(text: string, prefix: string): string[] {
  return [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).filter((p) => p.startsWith(prefix));
}

test('every folder under src/ is in docs/architecture.md, and every src path it names exists', () => {
  const map = read('docs/architecture.md');
  const missing = folders('src')
    .filter((f) => f !== 'src')
    .filter((f) => !map.includes(`\`${f}/\``));
  assert.deepEqual(missing, [], 'add these folders to docs/architecture.md ("Where things live")');
  const stale = namedPaths(map, 'src/').filter(
    (p) => !existsSync(join(ROOT, p.replace(/[*].*$/, ''))),
  );
  assert.deepEqual(stale, [], 'docs/architecture.md names paths that do not exist');
});

test('every folder of the trainer package is in trainer/README.md, and every path it names exists', () => {
  const map = read('trainer/README.md');
  const missing = folders('trainer/samocta2')
    .map((f) => relative('trainer', f))
    .filter((f) => !map.includes(`\`${f}/\``));
  assert.deepEqual(missing, [], 'add these folders to trainer/README.md ("Files")');
  const stale = namedPaths(map, 'samocta2/').filter(
    (p) => !existsSync(join(ROOT, 'trainer', p.replace(/[*].*$/, ''))),
  );
  assert.deepEqual(stale, [], 'trainer/README.md names paths that do not exist');
});

test('src/protocol is type-only: no statement there emits code', () => {
  const runtime: string[] = [];
  for (const name of readdirSync(join(ROOT, 'src/protocol')).filter((n) => n.endsWith('.ts'))) {
    const path = `src/protocol/${name}`;
    const source = ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      const typeOnly =
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true) ||
        (ts.isExportDeclaration(statement) && statement.isTypeOnly);
      if (!typeOnly) {
        const { line } = source.getLineAndCharacterOfPosition(statement.getStart());
        runtime.push(`${path}:${line + 1}: ${statement.getText().split('\n')[0]}`);
      }
    }
  }
  assert.deepEqual(
    runtime,
    [],
    'runtime values belong in src/core (e.g. core/sparse/sparseConstants.ts)',
  );
});

/**
 * Tests with no one source file to mirror, each with why. Every other test of test/unit is
 * test/unit/<part>/<path>.test.ts for src/<part>/<path>.ts, or <path>.<aspect>.test.ts when a
 * file has several (readNifti.errors.test.ts).
 */
const CROSS_CUTTING: Readonly<Record<string, string>> = {
  'test/unit/architectureMap.test.ts': 'the maps in docs/ and trainer/README.md against the tree',
  'test/unit/packageJson.test.ts': "package.json's contributions against the code that uses them",
  'test/unit/bench/benchTable.goals.test.ts':
    'bench/benchTable.ts (the benchmark harness lives in bench/, not src/)',
};

/** Files below `top` (relative to the repository). */
function files(top: string): string[] {
  return readdirSync(join(ROOT, top), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** The source file a unit test mirrors: test/unit/a/b.c.test.ts → src/a/b.ts. */
function mirroredSource(testPath: string): string {
  const inUnit = relative('test/unit', testPath);
  return join('src', dirname(inUnit), `${basename(inUnit).split('.')[0]}.ts`);
}

test('mirroredSource maps a test to its source, aspect suffixes included', () => {
  assert.equal(
    mirroredSource('test/unit/core/labels/maskRuns.test.ts'),
    'src/core/labels/maskRuns.ts',
  );
  assert.equal(
    mirroredSource('test/unit/core/nifti/readNifti.errors.test.ts'),
    'src/core/nifti/readNifti.ts',
  );
  assert.equal(mirroredSource('test/unit/flat.test.ts'), 'src/flat.ts');
});

test('every test in test/unit mirrors a source file, and only tests live there', () => {
  const all = files('test/unit');
  const notTests = all.filter((f) => !f.endsWith('.test.ts'));
  assert.deepEqual(notTests, [], 'shared test helpers belong in test/support/');
  const orphans = all
    .filter((f) => f.endsWith('.test.ts') && !(f in CROSS_CUTTING))
    .filter((f) => !existsSync(join(ROOT, mirroredSource(f))))
    .map((f) => `${f} (no ${mirroredSource(f)})`);
  assert.deepEqual(
    orphans,
    [],
    'name each test after the file it tests (test/unit/<part>/<path>[.<aspect>].test.ts), ' +
      'or list it in CROSS_CUTTING with the reason',
  );
  const stale = Object.keys(CROSS_CUTTING).filter((f) => !existsSync(join(ROOT, f)));
  assert.deepEqual(stale, [], 'CROSS_CUTTING lists tests that do not exist');
});
