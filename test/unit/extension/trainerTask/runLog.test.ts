import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileRunLog } from '../../../../src/extension/trainerTask/runLog';

const at = () => new Date('2026-11-26T20:00:00Z');

test('the log and progress lines go to the run folder, appended across runs', () => {
  const root = mkdtempSync(join(tmpdir(), 'samocta2-runlog-'));
  try {
    const folder = join(root, 'runs', 'rv1');
    const first = new FileRunLog(folder, root, at);
    first.write('> python -m samocta2 train\n');
    first.progress('{"event": "start"}\n');
    assert.equal(first.close(), join(folder, 'fine-tune.log'));
    const second = new FileRunLog(folder, root, at);
    second.progress('{"event": "done"}\n');
    second.close();
    const log = readFileSync(join(folder, 'fine-tune.log'), 'utf8');
    assert.equal(
      (log.match(/===== SAM-OCTA2 fine-tune, 2026-11-26T20:00:00.000Z =====/g) ?? []).length,
      2,
    );
    assert.match(log, /> python -m samocta2 train\n/);
    assert.equal(
      readFileSync(join(folder, 'progress.jsonl'), 'utf8'),
      '{"event": "start"}\n{"event": "done"}\n',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('output before the folder is known is held, then written; never known: a file in the fallback', () => {
  const root = mkdtempSync(join(tmpdir(), 'samocta2-runlog-'));
  try {
    const late = new FileRunLog(undefined, root, at);
    late.write('config read\n');
    late.progress('{"event": "checkpoint"}\n');
    late.setFolder(join(root, 'run'));
    late.write('more\n');
    late.close();
    assert.match(readFileSync(join(root, 'run', 'fine-tune.log'), 'utf8'), /config read\nmore\n$/);
    assert.equal(
      readFileSync(join(root, 'run', 'progress.jsonl'), 'utf8'),
      '{"event": "checkpoint"}\n',
    );

    const never = new FileRunLog(undefined, root, at);
    never.write('error: config file c.yaml not found\n');
    const file = never.close();
    assert.equal(file, join(root, 'samocta2-fine-tune-2026-11-26T20-00-00-000Z.log'));
    assert.equal(readFileSync(file!, 'utf8'), 'error: config file c.yaml not found\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a folder that cannot be written stops the log, not the run, and no log path is claimed', () => {
  const root = mkdtempSync(join(tmpdir(), 'samocta2-runlog-'));
  try {
    writeFileSync(join(root, 'file'), 'x');
    const log = new FileRunLog(join(root, 'file', 'run'), root, at);
    log.write('text\n');
    assert.equal(log.close(), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
