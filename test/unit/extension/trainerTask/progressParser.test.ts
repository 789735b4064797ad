import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseProgressLine,
  ProgressParser,
  type FinetuneEvent,
} from '../../../../src/extension/trainerTask/progressParser';

// Lines as trainer/samocta2/progress.py writes them (json.dumps: ", " and ": " separators).
const RUN = [
  '{"event": "start", "step": 0, "total": 3, "device": "cpu", "trainable": 123456, "share": 0.012}',
  '{"event": "step", "step": 1, "total": 3, "epoch": 0.25, "loss": 0.91, "lr": 5e-06, "it_s": 0.0, "eta_s": null}',
  '{"event": "step", "step": 2, "total": 3, "epoch": 0.5, "loss": 0.7, "lr": 5e-06, "it_s": 1.5, "eta_s": 0.6666}',
  '{"event": "val", "step": 2, "dice": 0.81, "jaccard": 0.7}',
  '{"event": "checkpoint", "step": 2, "path": "runs/a/checkpoint.pt"}',
  '{"event": "done", "step": 3, "total": 3, "checkpoint": "runs/a/checkpoint.pt", "stopped": false, "loss": 0.6}',
];

const EXPECTED: FinetuneEvent[] = [
  { event: 'start', step: 0, total: 3, device: 'cpu', trainable: 123456 },
  {
    event: 'step',
    step: 1,
    total: 3,
    epoch: 0.25,
    loss: 0.91,
    lr: 5e-6,
    it_s: 0,
    eta_s: null,
  },
  {
    event: 'step',
    step: 2,
    total: 3,
    epoch: 0.5,
    loss: 0.7,
    lr: 5e-6,
    it_s: 1.5,
    eta_s: 0.6666,
  },
  { event: 'val', step: 2, dice: 0.81, jaccard: 0.7 },
  { event: 'checkpoint', step: 2, path: 'runs/a/checkpoint.pt' },
  { event: 'done', step: 3, total: 3, checkpoint: 'runs/a/checkpoint.pt', stopped: false },
];

function feed(parser: ProgressParser, chunks: (string | Uint8Array)[]): FinetuneEvent[] {
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

test('a whole run in one chunk gives every event in order', () => {
  assert.deepEqual(feed(new ProgressParser(), [RUN.join('\n') + '\n']), EXPECTED);
});

test('lines split anywhere across chunks, one character at a time included', () => {
  const text = RUN.join('\n') + '\n';
  const chars = [...text];
  assert.deepEqual(feed(new ProgressParser(), chars), EXPECTED);
  for (const size of [2, 7, 50, 333]) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    assert.deepEqual(feed(new ProgressParser(), chunks), EXPECTED, `chunks of ${size}`);
  }
});

test('events are returned as soon as their line is complete', () => {
  const parser = new ProgressParser();
  assert.deepEqual(parser.push(RUN[0]!.slice(0, 20)), []);
  assert.deepEqual(parser.push(RUN[0]!.slice(20) + '\n' + RUN[1]!.slice(0, 5)), [EXPECTED[0]]);
  assert.deepEqual(parser.push(RUN[1]!.slice(5) + '\n'), [EXPECTED[1]]);
});

test('CRLF line ends (Windows) and a last line without a newline', () => {
  const text = RUN.join('\r\n');
  assert.deepEqual(feed(new ProgressParser(), [text.slice(0, 100), text.slice(100)]), EXPECTED);
});

test('bytes split inside a UTF-8 character decode correctly', () => {
  const line = '{"event": "error", "message": "données introuvables: /data/é"}\n';
  const bytes = new TextEncoder().encode(line);
  const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
  const events = feed(new ProgressParser(), [bytes.slice(0, cut), bytes.slice(cut)]);
  assert.deepEqual(events, [{ event: 'error', message: 'données introuvables: /data/é' }]);
});

test('garbage lines between events are skipped, not fatal', () => {
  const garbage = [
    'UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.',
    '',
    '   ',
    '{"event": "step", "step": 1',
    '{not json at all}',
    '[1, 2, 3]',
    '{"event": "step"}',
    '{"event": "step", "step": "one", "total": 3}',
    '{"event": "checkpoint", "step": 2}',
    '{"event": "error"}',
    '"a string"',
    'null',
    '\u0000\u0001binary',
    'W1126 19:00:00 torch/distributed/run.py: Setting OMP_NUM_THREADS environment variable',
  ];
  const mixed = RUN.flatMap((line, i) => [garbage[i * 2] ?? '', line, garbage[i * 2 + 1] ?? '']);
  assert.deepEqual(feed(new ProgressParser(), [mixed.join('\n')]), EXPECTED);
  for (const line of garbage) assert.equal(parseProgressLine(line), undefined, line);
});

test('unknown events (other subcommands, newer trainers) are ignored', () => {
  assert.equal(
    parseProgressLine('{"event": "layer", "volume": "a.nii.gz", "layer": 3}'),
    undefined,
  );
  assert.equal(parseProgressLine('{"event": "eval", "dice": 0.8}'), undefined);
  assert.equal(parseProgressLine('{"step": 3, "total": 4}'), undefined);
});

test('a progress bar redrawn with bare CRs before an event still gives the event', () => {
  const line = ' 10%|#     |\r 20%|##    |\r' + RUN[4];
  assert.deepEqual(parseProgressLine(line), EXPECTED[4]);
});

test('non-finite values the trainer wrote as null stay null; extra fields are dropped', () => {
  const event = parseProgressLine(
    '{"event": "step", "step": 5, "total": 9, "epoch": 1.0, "loss": null, "lr": 1e-5, "it_s": 2, "eta_s": 2.0, "extra": 1}',
  );
  assert.deepEqual(event, {
    event: 'step',
    step: 5,
    total: 9,
    epoch: 1,
    loss: null,
    lr: 1e-5,
    it_s: 2,
    eta_s: 2,
  });
});

test('interrupted, error and an early-stopped done', () => {
  const events = feed(new ProgressParser(), [
    '{"event": "interrupted", "step": 40, "checkpoint": "runs/x/checkpoint.pt"}\n',
    '{"event": "error", "message": "dataset folder d has no \'rv\' objects"}\n',
    '{"event": "done", "step": 4, "total": 10, "checkpoint": "c.pt", "stopped": true}\n',
  ]);
  assert.deepEqual(events, [
    { event: 'interrupted', step: 40, checkpoint: 'runs/x/checkpoint.pt' },
    { event: 'error', message: "dataset folder d has no 'rv' objects" },
    { event: 'done', step: 4, total: 10, checkpoint: 'c.pt', stopped: true },
  ]);
});

test('an endless line without newlines is dropped, and parsing resumes after it', () => {
  const parser = new ProgressParser();
  const junk = '{"event": "error", "message": "' + 'x'.repeat(10_000);
  const events: FinetuneEvent[] = [];
  for (let i = 0; i < 20; i++) events.push(...parser.push(junk));
  events.push(...parser.push('"}\n' + RUN[0] + '\n'));
  events.push(...parser.end());
  assert.deepEqual(events, [EXPECTED[0]]);
});
