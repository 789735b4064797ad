import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatFrames,
  parseFrames,
  parseGpus,
  parseLearningRate,
  parseRank,
  parseSteps,
  type Parsed,
} from '../../../../../src/extension/finetune/setup/fieldValidation';

function value<T>(parsed: Parsed<T>): T {
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.value;
}

function error<T>(parsed: Parsed<T>): string {
  assert.equal(parsed.ok, false, `expected a refusal, got ${JSON.stringify(parsed)}`);
  return parsed.ok ? '' : parsed.error;
}

test('steps: whole numbers from 1; a handful is allowed with a note that it only checks the setup', () => {
  assert.equal(value(parseSteps(' 2000 ')), 2000);
  assert.match(error(parseSteps('0')), /from 1 to/);
  assert.match(error(parseSteps('2.5')), /whole number/);
  assert.match(error(parseSteps('')), /whole number/);
  assert.match(error(parseSteps('1e3')), /whole number/);
  const few = parseSteps('5');
  assert.ok(few.ok && few.note?.severity === 'info' && /checks the setup/.test(few.note.message));
  assert.equal((parseSteps('500') as { note?: unknown }).note, undefined);
});

test('frame length: a number or a range in several spellings; empty ranges and silly lengths refused', () => {
  assert.equal(value(parseFrames('6')), 6);
  assert.deepEqual(value(parseFrames('4-8')), [4, 8]);
  assert.deepEqual(value(parseFrames('4..8')), [4, 8]);
  assert.deepEqual(value(parseFrames('[4, 8]')), [4, 8]);
  assert.equal(value(parseFrames('5-5')), 5, 'a one-value range is a fixed length');
  assert.match(error(parseFrames('8-4')), /empty: write the smaller number first/);
  assert.match(error(parseFrames('0')), /from 1 to 64/);
  assert.match(error(parseFrames('4-100')), /from 1 to 64/);
  assert.match(error(parseFrames('four')), /such as 6, or a range such as 4-8/);
  const long = parseFrames('4-24');
  assert.ok(long.ok && long.note?.severity === 'warning' && /GPU memory/.test(long.note.message));
  assert.equal(formatFrames([4, 8]), '4-8');
  assert.equal(formatFrames(6), '6');
  assert.deepEqual(value(parseFrames(formatFrames([3, 7]))), [3, 7], 'what is shown reads back');
});

test('LoRA rank: 1 to 1024, a warning above 256', () => {
  assert.equal(value(parseRank('32')), 32);
  assert.match(error(parseRank('0')), /LoRA rank must be from 1 to 1024/);
  assert.match(error(parseRank('-4')), /whole number/);
  const big = parseRank('512');
  assert.ok(big.ok && big.note?.severity === 'warning');
});

test('learning rate: a positive number in any JS spelling; a high one is a warning, not a refusal', () => {
  assert.equal(value(parseLearningRate('5e-6')), 5e-6);
  assert.equal(value(parseLearningRate('0.0001')), 1e-4);
  for (const bad of ['', '0', '-1e-5', 'fast', 'Infinity', 'NaN']) {
    assert.match(error(parseLearningRate(bad)), /positive number such as 5e-6/, bad);
  }
  const high = parseLearningRate('0.1');
  assert.ok(high.ok && high.note?.severity === 'warning' && /diverge/.test(high.note.message));
});

test('GPUs: 1 to 64; more than one says it runs under torchrun', () => {
  assert.equal(value(parseGpus('1')), 1);
  assert.equal((parseGpus('1') as { note?: unknown }).note, undefined);
  const four = parseGpus('4');
  assert.ok(four.ok && four.value === 4 && /torchrun/.test(four.note?.message ?? ''));
  assert.match(error(parseGpus('0')), /from 1 to 64/);
  assert.match(error(parseGpus('two')), /whole number/);
});
