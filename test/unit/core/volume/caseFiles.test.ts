/** Case folder naming: volumes and their label files, as the trainer names them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CASE_FILE_SUFFIXES,
  labelHoldsVessels,
  splitCaseFile,
} from '../../../../src/core/volume/caseFiles';

test('a volume, its label files and other files', () => {
  assert.deepEqual(splitCaseFile('10301.nii.gz'), { name: '10301', suffix: null });
  assert.deepEqual(splitCaseFile('eye.v2.nii'), { name: 'eye.v2', suffix: null });
  for (const suffix of CASE_FILE_SUFFIXES) {
    assert.deepEqual(splitCaseFile(`eye.${suffix}.nii.gz`), { name: 'eye', suffix });
  }
  assert.equal(splitCaseFile('eye.seg.json'), null);
  assert.equal(splitCaseFile('notes.txt'), null);
});

test("the suffixes are the trainer's (trainer/samocta2/data/naming.py)", async () => {
  const { readFileSync } = await import('node:fs');
  const naming = readFileSync('trainer/samocta2/data/naming.py', 'utf8');
  const match = /LABEL_SUFFIXES = \(([^)]*)\)/.exec(naming);
  assert.ok(match, 'LABEL_SUFFIXES found in naming.py');
  const trainer = [...match[1].matchAll(/"([a-z0-9]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...CASE_FILE_SUFFIXES], trainer);
});

test("a generic label with ids above 1 holds vessels (the trainer's label_holds_vessels)", async () => {
  assert.deepEqual(
    [0, 1, 2, 255].map(labelHoldsVessels),
    [false, false, true, true],
    'same boundary as trainer/tests/test_volumes.py',
  );
  const { readFileSync } = await import('node:fs');
  const naming = readFileSync('trainer/samocta2/data/naming.py', 'utf8');
  assert.match(
    naming,
    /def label_holds_vessels\(max_label_id: float\) -> bool:[^]*?return max_label_id > 1\n/,
  );
});
