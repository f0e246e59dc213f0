import { parse } from 'csv-parse/sync';
import { reservedSegment } from '../reservedKeys.js';
import { repeatedKeyProblems } from '../repeatedKeys.js';
import type { ProblemList } from './problems.js';
import type { RawCase } from './rawCase.js';

/**
 * CSV with a header row. Columns:
 * - `id`; `tags`, several tags separated by `|` (a comma would fight the CSV quoting);
 * - `expected`: parsed as JSON when it is valid JSON (`42`, `{"a":1}`, `"x"`), else the raw text;
 * - `expected.<field>` (dotted, may nest): builds an `expected` object, values read like `expected`;
 *   a field inside another column's object cell (`expected.a` and `expected.a.b`) is added to it;
 * - `checks`: a JSON array of check objects;
 * - `vars.<name>` or any other column `<name>`: the variable `<name>`, always a string.
 * Empty cells in `expected*`, `tags` and `checks` mean "not given".
 */
export function readCsv(text: string, problems: ProblemList): RawCase[] {
  let records: CsvEntry[];
  try {
    const options = { info: true, raw: true, bom: true, skip_empty_lines: true, relax_column_count: false };
    // With `info` and `raw`, csv-parse returns entries rather than plain rows; its types do not say so.
    records = parse(text, options) as unknown as CsvEntry[];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    const message = error instanceof Error ? error.message.replace(/ (?:at|on) line \d+/g, '') : String(error);
    problems.add({ line, message: `not valid CSV (${message})` });
    return [];
  }
  const [header, ...rows] = records;
  if (!header) return [];
  const lines = new RecordLines();
  const columns = header.record.map((name) => name.trim());
  if (!checkHeader(columns, lines.startOf(header), problems)) return [];
  return rows.map((row) => {
    const line = lines.startOf(row);
    return { value: caseFromRow(columns, row.record, line, problems), line };
  });
}

interface CsvEntry {
  record: string[];
  raw: string;
}

/**
 * The line each record starts on, counted from the records' raw text, read in order: a quoted cell
 * may span several lines, and skipped blank lines lead a record's raw text. csv-parse's own
 * `info.lines` counts a CRLF inside a quoted cell as two lines, so it is not used.
 */
class RecordLines {
  private next = 1;

  startOf(entry: CsvEntry): number {
    const start = this.next + lineBreaks(entry.raw, true);
    this.next += lineBreaks(entry.raw, false);
    return start;
  }
}

/** Line breaks (CRLF, LF or CR, each one) in `text`, or only those before its first other character. */
function lineBreaks(text: string, leadingOnly: boolean): number {
  let count = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === 10 || (char === 13 && text.charCodeAt(at + 1) !== 10)) count++;
    else if (char !== 13 && leadingOnly) break;
  }
  return count;
}

function checkHeader(columns: string[], line: number, problems: ProblemList): boolean {
  let ok = true;
  const seen = new Set<string>();
  columns.forEach((column, index) => {
    if (column === '') {
      problems.add({ line, message: `column ${index + 1} has no name in the header row` });
      ok = false;
    } else if (seen.has(column)) {
      problems.add({ line, field: column, message: `column "${column}" appears twice in the header row` });
      ok = false;
    } else {
      const reserved = reservedSegment(column.split('.'));
      if (reserved) {
        problems.add({ line, field: column, message: `column "${column}" uses the reserved name "${reserved}" (__proto__, constructor and prototype would reach the prototype of every object); rename the column` });
        ok = false;
      }
    }
    seen.add(column);
  });
  if (seen.has('expected') && columns.some((column) => column.startsWith('expected.'))) {
    problems.add({ line, field: 'expected', message: 'use either an "expected" column or "expected.<field>" columns, not both' });
    ok = false;
  }
  return ok && noSharedTargets(columns, line, problems);
}

/**
 * What a column sets in the case: `vars.<name>` for a variable (`ticket` and `vars.ticket` both
 * set the variable `ticket`), else the column's own name (`id`, `expected.priority`).
 */
function targetOf(column: string): string {
  if (column === 'id' || column === 'tags' || column === 'checks' || column === 'expected' || column.startsWith('expected.')) return column;
  return column.startsWith('vars.') ? column : `vars.${column}`;
}

/** Columns that would set the same variable: only one cell would be kept, without a word. */
function noSharedTargets(columns: string[], line: number, problems: ProblemList): boolean {
  let ok = true;
  const columnOf = new Map<string, string>();
  for (const column of columns) {
    const target = targetOf(column);
    const earlier = columnOf.get(target);
    if (earlier !== undefined) {
      problems.add({ line, field: column, message: `columns "${earlier}" and "${column}" both set the variable "${target.slice('vars.'.length)}"; only one cell would be kept: keep one of the two columns` });
      ok = false;
      continue;
    }
    columnOf.set(target, column);
  }
  return ok;
}

function caseFromRow(columns: string[], cells: string[], line: number, problems: ProblemList): unknown {
  const result: Record<string, unknown> = {};
  const vars: Record<string, unknown> = {};
  const expectedCells: ExpectedCell[] = [];
  columns.forEach((column, index) => {
    const cell = cells[index] ?? '';
    if (column === 'id') {
      if (cell !== '') result.id = cell;
    } else if (column === 'tags') {
      const tags = cell.split('|').map((tag) => tag.trim()).filter((tag) => tag !== '');
      if (tags.length > 0) result.tags = tags;
    } else if (column === 'expected') {
      if (cell !== '') result.expected = jsonOrText(cell);
      noRepeatedKeys(cell, result.expected, column, line, problems);
    } else if (column.startsWith('expected.')) {
      if (cell === '') return;
      const value = jsonOrText(cell);
      expectedCells.push({ column, path: column.split('.'), value });
      noRepeatedKeys(cell, value, column, line, problems);
    } else if (column === 'checks') {
      if (cell === '') return;
      try {
        result.checks = JSON.parse(cell);
      } catch {
        problems.add({ line, field: 'checks', message: 'expected a JSON array of checks' });
        return;
      }
      noRepeatedKeys(cell, result.checks, 'checks', line, problems);
    } else {
      vars[column.startsWith('vars.') ? column.slice('vars.'.length) : column] = cell;
    }
  });
  setExpectedCells(result, expectedCells, line, problems);
  result.vars = vars;
  return result;
}

interface ExpectedCell {
  column: string;
  path: string[];
  value: unknown;
}

/**
 * A row's `expected.<field>` cells, outer columns first, so that a field inside an object cell
 * (`expected.a` holding `{"x":1}`, `expected.a.b` holding 2) is added to it. A field two cells
 * give, or one inside a cell that is not an object, is a problem: only one cell could be kept.
 */
function setExpectedCells(result: Record<string, unknown>, cells: ExpectedCell[], line: number, problems: ProblemList): void {
  const set: ExpectedCell[] = [];
  for (const cell of [...cells].sort((a, b) => a.path.length - b.path.length)) {
    const taken = takenPlace(result, cell.path);
    if (taken === undefined) {
      setNested(result, cell.path, cell.value);
      set.push(cell);
      continue;
    }
    // The place holds a value of the deepest cell set so far whose column leads to it.
    const owner = set.filter((earlier) => earlier.path.every((key, index) => taken.path[index] === key)).at(-1)!;
    const place = taken.path.join('.');
    const message =
      taken.path.length === cell.path.length
        ? `the cells of columns "${owner.column}" and "${cell.column}" both set "${place}"; only one would be kept: leave one of them empty`
        : `column "${cell.column}" sets a field inside "${place}", but the cell of column "${owner.column}" sets "${place}" to ${shortJson(taken.value)}, not an object; only one would be kept: leave one of them empty`;
    problems.add({ line, field: cell.column, message });
  }
}

/** The first place along `path` that already holds a value: one that is not an object, or the path's end. */
function takenPlace(target: Record<string, unknown>, path: string[]): { path: string[]; value: unknown } | undefined {
  let current = target;
  for (let index = 0; index < path.length; index++) {
    const key = path[index]!;
    if (!Object.hasOwn(current, key)) return undefined;
    const value = current[key];
    if (index === path.length - 1 || value === null || typeof value !== 'object' || Array.isArray(value)) return { path: path.slice(0, index + 1), value };
    current = value as Record<string, unknown>;
  }
  return undefined;
}

function shortJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 40)}…` : json;
}

/** A JSON cell with a key written twice would keep only the last value: a problem naming the column. */
function noRepeatedKeys(cell: string, value: unknown, column: string, line: number, problems: ProblemList): void {
  for (const { field, message } of repeatedKeyProblems(cell, value, ' of the cell')) problems.add({ line, field: `${column}.${field}`, message });
}

function jsonOrText(cell: string): unknown {
  try {
    return JSON.parse(cell);
  } catch {
    return cell;
  }
}

/** Header names were checked for reserved segments; reads still look at own keys only. */
function setNested(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  path.slice(0, -1).forEach((key) => {
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
  const last = path[path.length - 1];
  if (last !== undefined) current[last] = value;
}
