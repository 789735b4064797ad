/**
 * The run report's page: static HTML, no script at all, so its Content-Security-Policy allows
 * none; the one style block carries the nonce. The table follows the paper (Table II: the
 * baseline, then each factor varied alone; Table I: the en-face task), in percent, the classical
 * baseline's columns beside the model's.
 */
import type { EvalSummary, ScoreRow } from './evalSummary';
import { percent } from './evalSummary';
import { curveSvg } from './curveSvg';
import { curveSummary, type RunReport } from './runReport';

export function reportContentSecurityPolicy(nonce: string): string {
  return [`default-src 'none'`, `style-src 'nonce-${nonce}'`, `script-src 'none'`].join('; ');
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const TARGET_NAMES: Readonly<Record<string, string>> = { rv: 'RV', faz: 'FAZ' };

function targetName(target: string): string {
  return TARGET_NAMES[target] ?? target.toUpperCase();
}

const SCORE_HEADERS =
  '<th>Dice (%)</th><th>Jaccard (%)</th><th>Classical Dice (%)</th><th>Classical Jaccard (%)</th>' +
  '<th>Classical + gate Dice (%)</th><th>Classical + gate Jaccard (%)</th>';

/** The model's Dice and Jaccard, then the classical baseline's, bare and gated ("–" where not scored). */
function scoreCells(row: Omit<ScoreRow, 'factor' | 'value'>): string {
  const cells = [row.dice, row.jaccard, row.classicalDice, row.classicalJaccard];
  return [...cells, row.gatedClassicalDice, row.gatedClassicalJaccard]
    .map((v) => `<td class="num">${percent(v)}</td>`)
    .join('');
}

/** Rows of one factor share its name cell, as in the paper. */
function sequenceRows(rows: readonly ScoreRow[]): string {
  const out: string[] = [];
  rows.forEach((row, i) => {
    const first = i === 0 || rows[i - 1]!.factor !== row.factor;
    let span = 1;
    while (first && rows[i + span]?.factor === row.factor) span++;
    const factor = first
      ? `<th scope="rowgroup"${span > 1 ? ` rowspan="${span}"` : ''}>${escapeHtml(row.factor)}</th>`
      : '';
    out.push(
      `<tr${row.factor === 'Baseline' ? ' class="baseline"' : ''}>${factor}<td>${escapeHtml(row.value)}</td>${scoreCells(row)}<td class="num n">${row.n}</td></tr>`,
    );
  });
  return out.join('\n');
}

function evaluationHtml(summary: EvalSummary): string {
  const parts = [
    `<p class="meta">Target ${escapeHtml(targetName(summary.target))} · model ${escapeHtml(summary.model)} · data ${escapeHtml(summary.data)}</p>`,
  ];
  if (summary.sequence.length > 0) {
    parts.push(
      '<h3>Layer-sequence task (Table II)</h3>',
      `<p class="meta">Protocol: ${escapeHtml(summary.protocol)} (docs/evaluation.md)</p>`,
      `<table><thead><tr><th>Condition</th><th>Value</th>${SCORE_HEADERS}<th>Object-frames</th></tr></thead>`,
      `<tbody>${sequenceRows(summary.sequence)}</tbody></table>`,
      '<p class="note">Baseline: 4 frames, 2 prompted frames, 5 positive and 3 negative points; each other row varies one factor. Classical: a smoothed threshold set from the same points (docs/evaluation.md); the model has to beat it to be worth clicking. Classical + gate: the same through the visibility gate the tracker applies to vessels.</p>',
    );
  }
  if (summary.enface !== undefined) {
    const e = summary.enface;
    parts.push(
      '<h3>En-face task (Table I)</h3>',
      `<table><thead><tr><th>Task</th>${SCORE_HEADERS}<th>Objects</th></tr></thead>`,
      `<tbody><tr><th scope="row">${escapeHtml(targetName(summary.target))} en-face</th>${scoreCells(e)}<td class="num n">${e.n}</td></tr></tbody></table>`,
    );
  }
  return parts.join('\n');
}

const STYLE = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 20px 20px; }
.status { padding: 8px 12px; border-left: 3px solid var(--vscode-charts-green); }
.status.failed { border-left-color: var(--vscode-errorForeground); }
.meta, .note, .path { color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 12px; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.n { color: var(--vscode-descriptionForeground); }
tr.baseline { font-weight: 600; }
ul.missing li { margin: 4px 0; }
svg.curve { max-width: 720px; width: 100%; height: auto; }
svg .frame { fill: none; stroke: var(--vscode-panel-border); }
svg .grid { stroke: var(--vscode-panel-border); stroke-dasharray: 2 3; }
svg text { fill: var(--vscode-descriptionForeground); font-size: 11px; }
svg .line { fill: none; stroke-width: 1.5; }
svg .line.loss { stroke: var(--vscode-charts-blue); }
svg .line.loss.raw { stroke-opacity: 0.35; stroke-width: 1; }
svg .line.loss.smooth { stroke-width: 2; }
svg .line.dice, svg .dot.dice { stroke: var(--vscode-charts-orange); }
svg .dot.dice { fill: var(--vscode-charts-orange); }
svg text.legend.loss, svg text.tick.loss { fill: var(--vscode-charts-blue); }
svg text.legend.dice, svg text.tick.dice { fill: var(--vscode-charts-orange); }
`;

export function buildReportHtml(report: RunReport, nonce: string): string {
  const body: string[] = [
    '<h1>Fine-tune run report</h1>',
    `<p class="path">${escapeHtml(report.runDir)}</p>`,
    `<p class="status${report.failed ? ' failed' : ''}">${escapeHtml(report.status)}</p>`,
    report.logFile === undefined
      ? ''
      : `<p class="meta">The run's full output: <code>${escapeHtml(report.logFile)}</code></p>`,
    '<h2>Evaluation</h2>',
    report.evaluation === undefined
      ? '<p class="note">No evaluation yet.</p>'
      : evaluationHtml(report.evaluation),
    '<h2>Training</h2>',
    report.curve === undefined
      ? '<p class="note">No curve: the progress log is missing or empty.</p>'
      : `<p class="meta">${escapeHtml(curveSummary(report.curve))}</p>\n${curveSvg(report.curve)}`,
  ];
  if (report.missing.length > 0) {
    body.push(
      '<h2>Missing</h2>',
      `<ul class="missing">${report.missing.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`,
    );
  }
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportContentSecurityPolicy(nonce))}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Fine-tune run report</title>
    <style nonce="${escapeHtml(nonce)}">${STYLE}</style>
  </head>
  <body>
${body.join('\n')}
  </body>
</html>
`;
}
