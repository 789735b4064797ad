import { Uri, recorded, resetMock } from '../../../../support/vscodeMock';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import {
  curveSvg,
  niceTicks,
  smoothed,
} from '../../../../../src/extension/finetune/report/curveSvg';
import {
  parseEvalJson,
  parsePythonJson,
  percent,
} from '../../../../../src/extension/finetune/report/evalSummary';
import {
  buildReportHtml,
  reportContentSecurityPolicy,
} from '../../../../../src/extension/finetune/report/reportHtml';
import {
  SHOW_RUN_REPORT_COMMAND,
  registerRunReport,
  showRunReport,
} from '../../../../../src/extension/finetune/report/reportPanel';
import {
  CHECKPOINT_FILE,
  EVAL_FILES,
  PROGRESS_LOG,
  TASK_LOG,
  readRunFolder,
  type RunFiles,
} from '../../../../../src/extension/finetune/report/runFolder';
import { buildRunReport } from '../../../../../src/extension/finetune/report/runReport';
import { readTrainingCurve } from '../../../../../src/extension/finetune/report/trainingCurve';
import { RUN_FILES } from '../../../../../src/extension/trainerTask/runPlan';

/** A real run of the trainer (test/fixtures/finetuneRun/README.md says how it was made). */
const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../fixtures/finetuneRun/${name}`, import.meta.url), 'utf8');
const evalJson = fixture('eval/eval.json');
const evalMd = fixture('eval/eval.md');
const progress = fixture('progress.jsonl');

beforeEach(() => resetMock());

test("the evaluation reads into the paper's rows, matching the trainer's own eval.md", () => {
  const parsed = parseEvalJson(evalJson);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
  const { summary } = parsed;
  assert.equal(summary.target, 'rv');
  assert.deepEqual(
    summary.sequence.map((r) => r.factor),
    [
      'Baseline',
      ...['Frame length', 'Prompted frames', 'Positive points', 'Negative points'].flatMap((f) => [
        f,
        f,
        f,
      ]),
    ],
  );
  // Every row the trainer printed in eval.md, in percent with two decimals, is the same here.
  const mdRows = evalMd
    .split('\n')
    .filter((l) => /^\| (Baseline|Frame|Prompted|Positive|Negative)/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, 5)
        .map((c) => c.trim()),
    );
  assert.equal(mdRows.length, summary.sequence.length);
  summary.sequence.forEach((row, i) => {
    assert.deepEqual([row.factor, row.value, percent(row.dice), percent(row.jaccard)], mdRows[i]);
    assert.ok(row.n > 0);
  });
  const enfaceRow = evalMd.split('\n').find((l) => l.startsWith('| RV en-face'))!;
  const [, dice, jaccard] = enfaceRow
    .split('|')
    .slice(1, 4)
    .map((c) => c.trim());
  assert.deepEqual(
    [percent(summary.enface!.dice), percent(summary.enface!.jaccard)],
    [dice, jaccard],
  );
});

test('the classical baseline reads beside the model and shows as its own columns', () => {
  // The fixture run predates the baseline: its columns read as not scored ("–").
  const old = parseEvalJson(evalJson);
  assert.ok(old.ok);
  assert.equal(old.summary.sequence[0]!.classicalDice, null);
  const oldHtml = buildReportHtml(
    buildRunReport({ ...complete, evaluation: { name: 'eval.json', text: evalJson } }),
    'n',
  );
  assert.match(oldHtml, /<th>Classical Dice \(%\)<\/th><th>Classical Jaccard \(%\)<\/th>/);
  assert.match(oldHtml, /<td class="num">–<\/td><td class="num">–<\/td><td class="num n">/);

  // Today's trainer writes classical_dice / classical_jaccard in every row and the en-face entry.
  const raw = JSON.parse(evalJson) as {
    sequence: Record<string, unknown>[];
    enface: Record<string, unknown>;
  };
  raw.sequence.forEach((row, i) =>
    Object.assign(row, {
      classical_dice: 0.5 + i / 100,
      classical_jaccard: 0.25,
      gated_classical_dice: 0.6,
      gated_classical_jaccard: 0.45,
    }),
  );
  Object.assign(raw.enface, { classical_dice: 0.6234, classical_jaccard: 0.4 });
  const text = JSON.stringify(raw);
  const parsed = parseEvalJson(text);
  assert.ok(parsed.ok);
  assert.deepEqual(
    parsed.summary.sequence.slice(0, 2).map((r) => [r.classicalDice, r.classicalJaccard]),
    [
      [0.5, 0.25],
      [0.51, 0.25],
    ],
  );
  assert.equal(parsed.summary.enface!.classicalDice, 0.6234);
  const html = buildReportHtml(
    buildRunReport({ ...complete, evaluation: { name: 'eval.json', text } }),
    'n',
  );
  assert.match(
    html,
    /<td>4, 2, 5, 3<\/td><td class="num">19\.14<\/td><td class="num">18\.75<\/td><td class="num">50\.00<\/td><td class="num">25\.00<\/td><td class="num">60\.00<\/td><td class="num">45\.00<\/td>/,
  );
  assert.match(
    html,
    /en-face<\/th>(<td class="num">[\d.]+<\/td>){2}<td class="num">62\.34<\/td><td class="num">40\.00<\/td><td class="num">–<\/td><td class="num">–<\/td>/,
  );
});

test("Python's NaN (a condition without objects) reads as no score, not as a broken file", () => {
  const withNan = evalJson.replace(/"dice": [0-9.e-]+/, '"dice": NaN');
  const parsed = parseEvalJson(withNan);
  assert.ok(parsed.ok);
  assert.equal(parsed.summary.sequence[0]!.dice, null);
  assert.equal(percent(null), '–');
  assert.deepEqual(parsePythonJson('{"a": "NaN stays text", "b": -Infinity}'), {
    a: 'NaN stays text',
    b: null,
  });
  for (const [text, reason] of [
    ['{', /not JSON/],
    ['[1]', /not an object/],
    ['{"target": "rv"}', /neither "sequence" rows nor an "enface" score/],
    ['{"sequence": [{"dice": 1}]}', /has no "factor"/],
  ] as const) {
    const bad = parseEvalJson(text);
    assert.equal(bad.ok, false, text);
    assert.match(bad.ok ? '' : bad.problem, reason);
  }
});

test('the curve has every loss and validation point the trainer printed', () => {
  const lines = progress
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const curve = readTrainingCurve(progress);
  const steps = lines.filter((l) => l.event === 'step');
  const vals = lines.filter((l) => l.event === 'val');
  assert.deepEqual(
    curve.loss,
    steps.map((l) => ({ step: l.step, value: l.loss })),
  );
  assert.deepEqual(
    curve.valDice,
    vals.map((l) => ({ step: l.step, value: l.dice })),
  );
  assert.equal(curve.valDice.length, 3);
  assert.deepEqual(curve.end, { kind: 'done', step: 12, total: 12, stopped: false });
  assert.equal(curve.device, 'cpu');
});

test('a resumed run (log appended) keeps the later value of a repeated step', () => {
  const lines = progress.trim().split('\n');
  const firstPart = lines.slice(0, lines.findIndex((l) => l.includes('"step": 6,')) + 1);
  // The run was cut after step 6 and resumed from its step-4 checkpoint: steps 5, 6 again.
  const resumed = [...firstPart, 'Traceback: killed', ...lines.slice(1)].join('\n');
  const curve = readTrainingCurve(resumed);
  assert.deepEqual(curve.loss, readTrainingCurve(progress).loss);
  assert.equal(curve.end.kind, 'done');
});

test('an unfinished, interrupted or failed log says so', () => {
  const lines = progress.trim().split('\n');
  const unfinished = readTrainingCurve(lines.slice(0, 5).join('\n') + '\n{"event": "step", "st');
  assert.deepEqual(unfinished.end, { kind: 'unfinished', step: 4, total: 12 });
  const failed = readTrainingCurve(
    [...lines.slice(0, 3), '{"event": "error", "message": "CUDA out of memory at step 3"}'].join(
      '\n',
    ),
  );
  assert.deepEqual(failed.end, { kind: 'error', message: 'CUDA out of memory at step 3' });
  const interrupted = readTrainingCurve(
    [
      ...lines.slice(0, 3),
      '{"event": "interrupted", "step": 2, "checkpoint": "run/checkpoint.pt"}',
    ].join('\n'),
  );
  assert.equal(interrupted.end.kind, 'interrupted');
  assert.equal(readTrainingCurve('warning: something\n\n').events, 0);
});

const runDir = Uri.file('/ws/runs/nano_rv') as unknown as vscode.Uri;
const complete: RunFiles = {
  runDir,
  evaluation: { name: 'eval/eval.json', text: evalJson },
  progressLog: { name: 'progress.jsonl', text: progress },
  hasCheckpoint: true,
  hasConfig: true,
};

test('a finished run: status, table, curve and nothing missing', () => {
  const report = buildRunReport(complete);
  assert.equal(report.failed, false);
  assert.equal(report.status, 'Finished: 12 steps on cpu.');
  assert.deepEqual(report.missing, []);
  assert.ok(report.evaluation && report.curve);
});

test('a failed run shows the trainer error and lists what is missing with what to do', () => {
  const lines = progress.trim().split('\n').slice(0, 4);
  const report = buildRunReport({
    runDir,
    progressLog: {
      name: 'progress.jsonl',
      text: [...lines, '{"event": "error", "message": "loss is nan at step 3"}'].join('\n'),
    },
    hasCheckpoint: false,
    hasConfig: true,
  });
  assert.equal(report.failed, true);
  assert.equal(report.status, 'Failed: loss is nan at step 3');
  assert.equal(report.evaluation, undefined);
  assert.equal(report.curve?.loss.length, 3, 'the curve so far is still drawn');
  assert.match(
    report.missing.join('\n'),
    /No evaluation \(eval\/eval\.json or eval\.json\): run "python -m samocta2 eval/,
  );
  assert.match(report.missing.join('\n'), /No validation points/);
  assert.match(report.missing.join('\n'), /No checkpoint\.pt/);
  const empty = buildRunReport({ runDir, hasCheckpoint: false, hasConfig: false });
  assert.equal(empty.status, 'No training has been recorded in this folder.');
  assert.equal(empty.missing.length, 4);
  const unreadable = buildRunReport({ ...complete, evaluation: { name: 'eval.json', text: '{' } });
  assert.match(unreadable.missing[0]!, /^eval\.json cannot be read: it is not JSON/);
});

test('the page allows no script and no remote resource; the style carries the nonce', () => {
  const html = buildReportHtml(buildRunReport(complete), 'n0nce');
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.equal(csp, reportContentSecurityPolicy('n0nce'));
  assert.match(csp!, /default-src 'none'/);
  assert.match(csp!, /script-src 'none'/);
  assert.match(html, /<style nonce="n0nce">/);
  assert.doesNotMatch(html, /<script|https?:\/\/|\sstyle="/);
  // The table in the paper's layout: a factor's name spans its three rows.
  assert.match(html, /<th scope="rowgroup" rowspan="3">Frame length<\/th><td>4<\/td>/);
  assert.match(
    html,
    /<tr class="baseline"><th scope="rowgroup">Baseline<\/th><td>4, 2, 5, 3<\/td><td class="num">19\.14<\/td><td class="num">18\.75<\/td>/,
  );
  assert.match(html, /RV en-face<\/th><td class="num">1\.07<\/td><td class="num">0\.55<\/td>/);
  const vals = progress
    .split('\n')
    .filter((l) => l.includes('"val"'))
    .map((l) => JSON.parse(l) as { step: number; dice: number });
  const best = vals.reduce((b, v) => (v.dice > b.dice ? v : b));
  assert.ok(html.includes(`best validation Dice ${best.dice.toFixed(3)} at step ${best.step}`));
});

test('the chart draws one point per step and per validation, inside its frame', () => {
  const curve = readTrainingCurve(progress);
  const svg = curveSvg(curve);
  const polylines = [...svg.matchAll(/<polyline class="line (loss|dice)" points="([^"]+)"/g)];
  assert.deepEqual(
    polylines.map((m) => m[1]),
    ['loss', 'dice'],
  );
  const points = (i: number) => polylines[i]![2]!.split(' ').map((p) => p.split(',').map(Number));
  assert.equal(points(0).length, 12);
  assert.equal(points(1).length, 3);
  for (const [x, y] of [...points(0), ...points(1)]) {
    assert.ok(x! >= 56 && x! <= 584 && y! >= 16 && y! <= 256, `${x},${y} inside the plot`);
  }
  // The last step is at the right edge; a higher loss is drawn higher up.
  assert.equal(points(0).at(-1)![0], 584);
  const [a, b] = [curve.loss[0]!, curve.loss[1]!];
  assert.equal(points(0)[0]![1]! < points(0)[1]![1]!, a.value > b.value);
  assert.deepEqual(niceTicks(0, 12, 5, true), [0, 5, 10]);
  assert.deepEqual(niceTicks(0, 3, 5, true), [0, 1, 2, 3], 'steps are whole');
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

function loadFixtureRun(dir: string): void {
  for (const name of ['eval/eval.json', 'progress.jsonl', 'config.yaml']) {
    recorded.files.set(`${dir}/${name}`, new TextEncoder().encode(fixture(name)));
  }
  recorded.files.set(`${dir}/checkpoint.pt`, new Uint8Array([0x50, 0x4b]));
}

test('the run folder is read through workspace.fs; absent files are answers, not errors', async () => {
  loadFixtureRun('/ws/runs/a');
  const { workspace } = await import('../../../../support/vscodeMock');
  const files = await readRunFolder(
    workspace.fs as unknown as vscode.FileSystem,
    Uri.file('/ws/runs/a') as unknown as vscode.Uri,
  );
  assert.equal(files.evaluation?.name, 'eval/eval.json');
  assert.equal(files.progressLog?.text, progress);
  assert.equal(files.hasCheckpoint, true);
  assert.equal(files.hasConfig, true);
  const none = await readRunFolder(
    workspace.fs as unknown as vscode.FileSystem,
    Uri.file('/ws/nothing') as unknown as vscode.Uri,
  );
  assert.deepEqual(
    [none.evaluation, none.progressLog, none.hasCheckpoint, none.hasConfig],
    [undefined, undefined, false, false],
  );
});

test('the command asks for a folder, opens one panel per run and refreshes it when shown again', async () => {
  loadFixtureRun('/ws/runs/a');
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
  } as unknown as vscode.ExtensionContext;
  const registration = registerRunReport(context);
  recorded.openDialog = () => [Uri.file('/ws/runs/a')];
  await recorded.commands.get(SHOW_RUN_REPORT_COMMAND)!();
  assert.equal(recorded.webviewPanels.length, 1);
  const panel = recorded.webviewPanels[0]!;
  assert.equal(panel.title, 'Run report: a');
  assert.deepEqual(panel.options, { enableScripts: false, localResourceRoots: [] });
  assert.match(panel.webview.html, /Finished: 12 steps on cpu\./);
  recorded.files.delete('/ws/runs/a/eval/eval.json');
  await showRunReport(context, Uri.file('/ws/runs/a') as unknown as vscode.Uri);
  assert.equal(recorded.webviewPanels.length, 1, 'the same panel');
  assert.equal(panel.revealed, 1);
  assert.match(panel.webview.html, /No evaluation yet/);
  // Called with a folder (from the fine-tune command) it asks nothing.
  recorded.openDialog = () => {
    throw new Error('must not ask');
  };
  await recorded.commands.get(SHOW_RUN_REPORT_COMMAND)!(Uri.file('/ws/runs/b'));
  assert.equal(recorded.webviewPanels.length, 2);
  assert.match(recorded.webviewPanels[1]!.webview.html, /No training has been recorded/);
  // A closed panel is made anew next time; cancelling the folder dialog opens nothing.
  panel.dispose();
  recorded.openDialog = () => undefined;
  await recorded.commands.get(SHOW_RUN_REPORT_COMMAND)!();
  assert.equal(recorded.webviewPanels.length, 2);
  await showRunReport(context, Uri.file('/ws/runs/a') as unknown as vscode.Uri);
  assert.equal(recorded.webviewPanels.length, 3);
  registration.dispose();
  assert.equal(recorded.commands.has(SHOW_RUN_REPORT_COMMAND), false);
});

test('the report reads the files the fine-tune task writes, under the same names', () => {
  assert.equal(PROGRESS_LOG, RUN_FILES.progress);
  assert.equal(TASK_LOG, RUN_FILES.log);
  assert.equal(CHECKPOINT_FILE, RUN_FILES.checkpoint);
  assert.equal(EVAL_FILES[0], RUN_FILES.evalJson.split(/[\\/]/).join('/'));
});

test('a failed run points to its full log when the task kept one', () => {
  const log = Uri.file('/ws/runs/nano_rv/fine-tune.log') as unknown as vscode.Uri;
  const failedLines = [
    ...progress.split('\n').slice(0, 2),
    '{"event": "error", "message": "boom"}',
  ];
  const report = buildRunReport({
    ...complete,
    evaluation: undefined,
    progressLog: { name: 'progress.jsonl', text: failedLines.join('\n') },
    taskLog: log,
  } as RunFiles);
  assert.equal(report.logFile, '/ws/runs/nano_rv/fine-tune.log');
  assert.match(
    buildReportHtml(report, 'n'),
    /full output: <code>\/ws\/runs\/nano_rv\/fine-tune\.log<\/code>/,
  );
  assert.doesNotMatch(buildReportHtml(buildRunReport(complete), 'n'), /full output/);
});

test('long runs get a smoothed loss line over the raw one; labels never round a tick', () => {
  const curve = readTrainingCurve(progress);
  // Sixty steps: the real run's losses five times over.
  const loss = Array.from({ length: 60 }, (_, i) => ({
    step: i + 1,
    value: curve.loss[i % curve.loss.length]!.value,
  }));
  const svg = curveSvg({ ...curve, loss });
  assert.match(svg, /class="line loss raw"/);
  assert.match(svg, /class="line loss smooth"/);
  assert.match(svg, /training loss \(smoothed\)/);
  assert.doesNotMatch(curveSvg(curve), /smooth/, 'twelve steps are drawn as they are');
  const values = loss.map((p) => p.value);
  for (const p of smoothed(loss)) {
    assert.ok(p.value >= Math.min(...values) - 1e-12 && p.value <= Math.max(...values) + 1e-12);
  }
  assert.deepEqual(
    smoothed([1, 2, 3].map((step) => ({ step, value: 0.7 }))).map((p) => p.value.toFixed(12)),
    ['0.700000000000', '0.700000000000', '0.700000000000'],
    'bias-corrected: a flat loss stays flat from the first step',
  );
  // Each loss tick label is the tick's value at the tick spacing's precision.
  const labels = [...svg.matchAll(/class="tick loss"[^>]*>([^<]+)</g)].map((m) => m[1]!);
  const decimals = labels.map((l) => (l.split('.')[1] ?? '').length);
  assert.ok(labels.length >= 3 && new Set(decimals).size === 1, labels.join(' '));
  assert.doesNotMatch(svg, /validation Dice<\/text>[\s\S]*validation Dice<\/text>/);
  assert.doesNotMatch(
    curveSvg({ ...curve, valDice: [] }),
    /— validation Dice/,
    'no legend without data',
  );
});

test("the report names Table II's protocol: the eval.json's, or the project's for an older one", () => {
  const old = parseEvalJson(evalJson); // the fixture predates the protocols
  assert.ok(old.ok);
  assert.equal(old.summary.protocol, 'project');
  const paper = parseEvalJson(JSON.stringify({ ...JSON.parse(evalJson), protocol: 'paper' }));
  assert.ok(paper.ok);
  assert.equal(paper.summary.protocol, 'paper');
  const html = buildReportHtml(
    buildRunReport({
      ...complete,
      evaluation: {
        name: 'eval.json',
        text: JSON.stringify({ ...JSON.parse(evalJson), protocol: 'paper' }),
      },
    }),
    'n',
  );
  assert.match(html, /Layer-sequence task \(Table II\)<\/h3>\s*<p class="meta">Protocol: paper /);
});
