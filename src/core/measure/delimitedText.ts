/**
 * Rows of cells as CSV (RFC 4180: comma, quotes doubled, CRLF-free "\n" lines) or TSV (for a
 * paste into a spreadsheet). Numbers keep 6 significant digits, which is more than any measure
 * here is good for; null is an empty cell, booleans are true/false.
 */
export type TableCell = string | number | boolean | null;

export function formatTable(
  columns: readonly string[],
  rows: readonly Readonly<Record<string, TableCell>>[],
  separator: ',' | '\t' = ',',
): string {
  const lines = [columns.map((c) => quote(c, separator)).join(separator)];
  for (const row of rows) {
    lines.push(columns.map((c) => quote(formatCell(row[c] ?? null), separator)).join(separator));
  }
  return lines.join('\n') + '\n';
}

export function formatCell(value: TableCell): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new RangeError(`Table value ${value} is not a finite number.`);
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  }
  return String(value);
}

function quote(text: string, separator: string): string {
  if (separator === '\t') return text.replace(/[\t\n\r]/g, ' ');
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
