import './vscodeMock';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { FinetuneEvent } from '../../src/extension/finetune/progressParser';
import {
  NOT_STARTED,
  nodeSpawnTrainer,
  TrainerTerminal,
  type TrainerChild,
} from '../../src/extension/finetune/trainerTerminal';

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
