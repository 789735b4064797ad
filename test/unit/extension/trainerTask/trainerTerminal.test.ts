import '../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { FinetuneEvent } from '../../../../src/extension/trainerTask/progressParser';
import type { RunLog } from '../../../../src/extension/trainerTask/runLog';
import {
  NOT_STARTED,
  nodeSpawnTrainer,
  TrainerTerminal,
  type RunPlan,
  type StageEvent,
  type TrainerChild,
} from '../../../../src/extension/trainerTask/trainerTerminal';

/** A trainer process the test drives: output, exit, and the signals it was sent. */
class FakeChild extends EventEmitter implements TrainerChild {
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  readonly signals: string[] = [];
  kill(signal?: NodeJS.Signals): boolean {
    this.signals.push(signal ?? 'SIGTERM');
    return true;
  }
}

function start(): {
  child: FakeChild;
  terminal: TrainerTerminal;
  screen: string[];
  events: FinetuneEvent[];
  exit: number[];
  spawned: unknown[][];
} {
  const child = new FakeChild();
  const spawned: unknown[][] = [];
  const terminal = new TrainerTerminal(
    { command: '/py', args: ['-m', 'samocta2', 'train', '--data=d'] },
    { cwd: '/ws', env: { PYTHONSAFEPATH: '1' } },
    (command, args, options) => {
      spawned.push([command, args, options]);
      return child;
    },
  );
  const screen: string[] = [];
  const events: FinetuneEvent[] = [];
  const exit: number[] = [];
  terminal.onDidWrite((text) => screen.push(text));
  terminal.onProgress((event) => events.push(event));
  terminal.onDidClose((code) => exit.push(code ?? Number.NaN));
  terminal.open();
  return { child, terminal, screen, events, exit, spawned };
}

test('the trainer output reaches the terminal with CRLF, and its JSON lines become events', () => {
  const { child, screen, events, exit, spawned } = start();
  assert.deepEqual(spawned, [
    ['/py', ['-m', 'samocta2', 'train', '--data=d'], { cwd: '/ws', env: { PYTHONSAFEPATH: '1' } }],
  ]);
  child.stdout.emit(
    'data',
    Buffer.from('{"event": "start", "step": 0, "total": 2}\n{"event": "st'),
  );
  child.stderr.emit('data', Buffer.from('training on cpu\n'));
  child.stdout.emit(
    'data',
    Buffer.from('ep", "step": 1, "total": 2, "loss": 0.5, "eta_s": 3.0}\n'),
  );
  child.stdout.emit(
    'data',
    '{"event": "done", "step": 2, "total": 2, "checkpoint": "c.pt", "stopped": false}',
  );
  child.emit('close', 0, null);
  assert.equal(screen[0], '> /py -m samocta2 train --data=d\r\n');
  assert.match(screen.join(''), /"total": 2\}\r\n\{"event": "st.*training on cpu\r\n/s);
  assert.deepEqual(
    events.map((e) => e.event),
    ['start', 'step', 'done'],
  );
  assert.deepEqual(exit, [0]);
});

test('Cancel or Ctrl+C sends SIGINT once, so the trainer saves; the exit code is passed on', () => {
  const { child, terminal, screen, exit } = start();
  terminal.handleInput('x');
  assert.deepEqual(child.signals, []);
  terminal.handleInput('\x03');
  terminal.close();
  terminal.stop();
  assert.deepEqual(child.signals, ['SIGINT']);
  assert.match(screen.join(''), /saves its checkpoint first/);
  child.stdout.emit(
    'data',
    '{"event": "interrupted", "step": 7, "checkpoint": "runs/a/checkpoint.pt"}\n',
  );
  child.emit('close', 130, null);
  assert.deepEqual(exit, [130]);
  terminal.stop();
  assert.deepEqual(child.signals, ['SIGINT'], 'nothing is sent after the end');
});

test('a process killed by a signal reports 130 for SIGINT, 1 otherwise', () => {
  const first = start();
  first.child.emit('close', null, 'SIGINT');
  assert.deepEqual(first.exit, [130]);
  const second = start();
  second.child.emit('close', null, 'SIGKILL');
  assert.deepEqual(second.exit, [1]);
});

test('a Python that cannot start says so in the terminal and closes with 127', () => {
  const { child, screen, exit } = start();
  child.emit('error', new Error('spawn /py ENOENT'));
  child.emit('close', -2, null);
  assert.match(screen.join(''), /could not start \/py: spawn \/py ENOENT/);
  assert.deepEqual(exit, [NOT_STARTED], 'closed once');
});

test('the real spawn passes the environment on top of the host one', async () => {
  const child = nodeSpawnTrainer(
    process.execPath,
    [
      '-e',
      'process.stdout.write(JSON.stringify([process.env.SAMOCTA2_T, typeof process.env.PATH]))',
    ],
    { env: { SAMOCTA2_T: 'yes' } },
  );
  const out: string[] = [];
  child.stdout.on('data', (c) => out.push(String(c)));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out.join('')), ['yes', 'string']);
});

/** A run with a plan: every spawn gets a new FakeChild; the log is kept in memory. */
function startRun(plan: Partial<RunPlan> = {}) {
  const children: FakeChild[] = [];
  const spawned: string[][] = [];
  // As FileRunLog: made with the run folder when the definition names it.
  const log = { text: '', progress: '', folder: plan.runFolder, closed: 0 };
  const runLog: RunLog = {
    write: (t) => void (log.text += t),
    progress: (t) => void (log.progress += t),
    setFolder: (f) => void (log.folder ??= f),
    close: () => {
      log.closed++;
      return log.folder === undefined ? undefined : `${log.folder}/fine-tune.log`;
    },
  };
  const terminal = new TrainerTerminal(
    { command: '/py', args: ['-m', 'samocta2', 'train'] },
    { cwd: '/ws', env: {} },
    (command, args) => {
      spawned.push([command, ...args]);
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    {
      after: (folder) => [
        {
          name: 'eval',
          optional: true,
          line: { command: '/py', args: ['eval', `--metrics-from=${folder}`] },
        },
        {
          name: 'export',
          line: { command: '/py', args: ['export', `--metrics=${folder}/eval/eval.json`] },
        },
      ],
      log: runLog,
      ...plan,
    },
  );
  const stages: StageEvent[] = [];
  const exit: number[] = [];
  const screen: string[] = [];
  terminal.onStage((e) => stages.push(e));
  terminal.onDidClose((code) => exit.push(code ?? Number.NaN));
  terminal.onDidWrite((t) => screen.push(t));
  terminal.open();
  return { children, spawned, log, terminal, stages, exit, screen };
}

const doneLine =
  '{"event": "done", "step": 2, "total": 2, "checkpoint": "runs/rv1/checkpoint.pt", "stopped": false}\n';

test('after training: evaluation, then export, in the same terminal; the run folder comes from the trainer', () => {
  const run = startRun();
  run.children[0]!.stdout.emit('data', '{"event": "start", "step": 0, "total": 2}\n' + doneLine);
  run.children[0]!.stderr.emit('data', 'training on cpu\n');
  run.children[0]!.emit('close', 0, null);
  assert.deepEqual(run.stages, [{ stage: 'eval', state: 'started' }]);
  run.children[1]!.emit('close', 0, null);
  run.children[2]!.stdout.emit('data', '{"event": "exported", "out": "x"}\n');
  run.children[2]!.emit('close', 0, null);
  assert.deepEqual(run.spawned, [
    ['/py', '-m', 'samocta2', 'train'],
    ['/py', 'eval', '--metrics-from=/ws/runs/rv1'],
    ['/py', 'export', '--metrics=/ws/runs/rv1/eval/eval.json'],
  ]);
  assert.deepEqual(run.stages.at(-1), { stage: 'export', state: 'started' });
  assert.deepEqual(run.exit, [0]);
  assert.deepEqual(run.terminal.result, {
    code: 0,
    stage: 'export',
    skipped: [],
    runFolder: '/ws/runs/rv1',
    bundle: '/ws/runs/rv1/bundle',
    logFile: '/ws/runs/rv1/fine-tune.log',
  });
  // The log holds all stages and both streams; progress.jsonl only training's stdout.
  assert.match(run.log.text, /training on cpu\n.*> \/py eval.*> \/py export.*"exported"/s);
  assert.equal(run.log.progress, '{"event": "start", "step": 0, "total": 2}\n' + doneLine);
  assert.equal(run.log.closed, 1);
  assert.match(run.screen.join(''), /\r\n> \/py export/);
});

test('a failed evaluation is reported and the export goes on without its metrics', () => {
  const run = startRun();
  run.children[0]!.stdout.emit('data', doneLine);
  run.children[0]!.emit('close', 0, null);
  run.children[1]!.stdout.emit(
    'data',
    '{"event": "error", "message": "data/val has no rv objects"}\n',
  );
  run.children[1]!.emit('close', 2, null);
  assert.deepEqual(run.stages[1], {
    stage: 'eval',
    state: 'skipped',
    reason: 'data/val has no rv objects',
  });
  assert.deepEqual(run.spawned[2], ['/py', 'export']);
  run.children[2]!.emit('close', 0, null);
  assert.equal(run.terminal.result?.bundle, '/ws/runs/rv1/bundle');
  assert.deepEqual(run.terminal.result?.skipped, [
    { stage: 'eval', reason: 'data/val has no rv objects' },
  ]);
});

test('a failed export ends the run with its last error line and the log path', () => {
  const run = startRun({ runFolder: '/ws/out' });
  run.children[0]!.stdout.emit('data', doneLine);
  run.children[0]!.emit('close', 0, null);
  run.children[1]!.emit('close', 0, null);
  run.children[2]!.stderr.emit(
    'data',
    'Traceback (most recent call last):\n  ...\nOSError: disk full\n\n',
  );
  run.children[2]!.emit('close', 1, null);
  assert.deepEqual(run.exit, [1]);
  assert.equal(run.terminal.result?.stage, 'export');
  assert.equal(run.terminal.result?.error, 'OSError: disk full');
  assert.equal(run.terminal.result?.bundle, undefined);
  // The definition's out was known up front; the trainer's checkpoint path does not move it.
  assert.equal(run.terminal.result?.logFile, '/ws/out/fine-tune.log');
  assert.match(run.screen.join(''), /The full log is in \/ws\/out\/fine-tune\.log/);
});

test('failed or stopped training runs no further stage; Cancel during export stops it', () => {
  const failed = startRun();
  failed.children[0]!.stdout.emit('data', '{"event": "error", "message": "no volumes in d"}\n');
  failed.children[0]!.emit('close', 2, null);
  assert.equal(failed.children.length, 1);
  assert.deepEqual(failed.terminal.result?.error, 'no volumes in d');
  assert.equal(failed.terminal.result?.stage, 'train');

  const stopped = startRun();
  stopped.terminal.stop();
  stopped.children[0]!.stdout.emit(
    'data',
    '{"event": "interrupted", "step": 1, "checkpoint": "runs/rv1/checkpoint.pt"}\n',
  );
  stopped.children[0]!.emit('close', 130, null);
  assert.equal(stopped.children.length, 1);
  assert.deepEqual(stopped.exit, [130]);
  assert.equal(stopped.log.folder, '/ws/runs/rv1');

  const late = startRun();
  late.children[0]!.stdout.emit('data', doneLine);
  late.children[0]!.emit('close', 0, null);
  late.children[1]!.emit('close', 0, null);
  late.terminal.handleInput('\x03');
  assert.deepEqual(late.children[2]!.signals, ['SIGINT']);
  late.children[2]!.emit('close', 130, null);
  assert.deepEqual(late.exit, [130]);
  assert.equal(late.children.length, 3);
});
