/**
 * The map stays true: every folder under src/ is in docs/architecture.md and every folder of the
 * trainer package in trainer/README.md (each as a backticked path ending in `/`), every path the
 * two maps name exists, and src/protocol stays type-only (interfaces, type aliases and type-only
 * imports and exports: no statement that would emit code).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
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
