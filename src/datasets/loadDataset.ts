import { createHash } from 'node:crypto';
import { sha256Hex } from '../canonical.js';
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import { validateCase } from './caseSchema.js';
import { readFileLines } from './fileLines.js';
import { utf8Text } from '../utf8.js';
import { caseList } from './selectCases.js';
import { describeJsonError } from './jsonError.js';
import { ProblemList } from './problems.js';
import { repeatedKeyProblems } from '../repeatedKeys.js';
import type { RawCase } from './rawCase.js';
import type { Dataset, DatasetSource, GoldenCase } from './types.js';

type Reader = (text: string, problems: ProblemList) => Iterable<RawCase> | Promise<Iterable<RawCase>>;

/** Whole-document formats: parsed at once, their cases held in memory. JSONL is streamed instead. */
const documentReaders: Record<string, Reader> = {
  '.json': async (text, problems) => (await import('./readDocument.js')).readDocument(text, 'json', problems),
  '.yaml': async (text, problems) => (await import('./readDocument.js')).readDocument(text, 'yaml', problems),
  '.yml': async (text, problems) => (await import('./readDocument.js')).readDocument(text, 'yaml', problems),
  '.csv': async (text, problems) => (await import('./readCsv.js')).readCsv(text, problems),
};

const FORMATS = ['.jsonl', ...Object.keys(documentReaders)];

/**
 * A JSONL dataset up to this size is held after its first read, like a whole document: a run walks
 * its cases twice more (the check before the first request, then the run), and reading and
 * validating them again cost more than holding them (~5 MB of memory per MB of file). Above it,
 * every walk reads the file again, so no dataset's size decides the memory a run needs.
 */
const HOLD_JSONL_BYTES = 4 * 1024 * 1024;

export interface OpenDatasetOptions {
  /** A JSONL file up to this many bytes is held after its first read (default 4 MB). */
  holdJsonlBytes?: number;
  /**
   * Sees every valid case of the first read, in file order, so a caller that walks the cases once
   * before the run (a suite's check) need not read a streamed file again for it. It is not called
   * again after it fails; its error is thrown once the file has been read, and only when the file
   * has no problems of its own (those are reported first, as when the walk came after the read).
   */
  visit?: (golden: GoldenCase) => void | Promise<void>;
}

/** Calls a visitor until it first fails, keeping that failure for later. */
class Visits {
  private failure: { error: unknown } | undefined;

  constructor(private readonly visit: OpenDatasetOptions['visit']) {}

  /** A promise only when the visitor returned one (most calls stay synchronous). */
  see(golden: GoldenCase): void | Promise<void> {
    if (!this.visit || this.failure) return;
    let pending: void | Promise<void>;
    try {
      pending = this.visit(golden);
    } catch (error) {
      this.failure = { error };
      return;
    }
    if (pending) {
      return pending.catch((error: unknown) => {
        this.failure ??= { error };
      });
    }
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** Reads and validates a golden dataset; every problem in the file is reported in one error. */
export async function loadDataset(path: string): Promise<Dataset> {
  // Held whatever its size: the caller keeps every case anyway, so one read is enough.
  const source = await openDataset(path, { holdJsonlBytes: Infinity });
  return { path: source.path, hash: source.hash, cases: [...source] };
}

/**
 * Reads and validates a golden dataset, keeping only what must be kept: its hash, its number of
 * cases, and — for a whole-document format — the cases. A JSONL dataset is read again, line by
 * line, each time its cases are walked, so its size never decides the memory a run needs.
 * Every problem in the file is reported in one error.
 */
export async function openDataset(path: string, options: OpenDatasetOptions = {}): Promise<DatasetSource> {
  const extension = extname(path).toLowerCase();
  const visits = new Visits(options.visit);
  if (extension === '.jsonl') return openJsonl(path, options.holdJsonlBytes ?? HOLD_JSONL_BYTES, visits);
  const reader = documentReaders[extension];
  if (!reader) {
    throw new InputError(`unsupported dataset format "${extname(path) || '(no extension)'}"`, { file: path }, `use one of ${FORMATS.join(', ')}`);
  }
  const bytes = await readDatasetBytes(path);
  const problems = new ProblemList();
  const raws = await reader(utf8Text(bytes, path).replace(/^\uFEFF/, ''), problems);
  const cases = [...validCases(raws, path, problems)];
  problems.throwIfAny(path);
  requireCases(cases, path);
  for (const golden of cases) await visits.see(golden);
  visits.throwIfFailed();
  return { path, hash: sha256Hex(bytes), held: true, ...caseList(cases) };
}

function requireCases<T extends { length: number } | number>(cases: T, file: string): T {
  if ((typeof cases === 'number' ? cases : cases.length) === 0) {
    throw new InputError('the dataset has no cases', { file }, 'add at least one case, e.g. {"id": "c1", "vars": {...}}');
  }
  return cases;
}

/** Validated cases, with duplicate ids reported (their first line named); problems go to `problems`. */
function* validCases(raws: Iterable<RawCase>, file: string, problems: ProblemList): Generator<GoldenCase> {
  const firstLineOfId = new Map<string, number>();
  for (const raw of raws) {
    const validation = validateCase(raw.value, { file, line: raw.line });
    if (!validation.ok) {
      validation.problems.forEach((problem) => problems.add(problem));
      continue;
    }
    const golden = validation.value;
    const firstLine = firstLineOfId.get(golden.id);
    if (firstLine !== undefined) {
      const derived = raw.value !== null && typeof raw.value === 'object' && !('id' in raw.value);
      problems.add({
        line: raw.line,
        field: 'id',
        message:
          `duplicate id "${golden.id}" (first used on line ${firstLine})` +
          (derived ? '; this id is derived from vars, so the two cases have identical vars: give them explicit ids' : ''),
      });
      continue;
    }
    firstLineOfId.set(golden.id, raw.line);
    yield golden;
  }
}

/**
 * One JSON value per line; blank lines are skipped; a bad line is a problem, and reading goes on.
 * With `checkKeys`, a line with a key written twice in one object is a problem too (JSON.parse would
 * keep the last value silently); a walk of a file already checked leaves it out.
 */
function* jsonlValues(
  path: string,
  problems: ProblemList,
  options: Parameters<typeof readFileLines>[1],
  checkKeys = false,
): Generator<RawCase> {
  for (const { text, line } of readFileLines(path, options)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      problems.add({ line, message: describeJsonError(error, text).message });
      continue;
    }
    if (checkKeys) {
      const repeated = repeatedKeyProblems(text, value);
      if (repeated.length > 0) {
        for (const { field, message } of repeated) problems.add({ line, field, message });
        continue;
      }
    }
    yield { value, line };
  }
}

/**
 * A JSONL dataset: read once in full to validate it, hash it, count its cases and show them to the
 * visitor. A small one keeps its cases from that read; a larger one is read again by each later
 * walk. Such a walk first checks that the file is the one that was validated (same size and
 * modification time) — a dataset edited during a run would otherwise mix two datasets in one record.
 */
async function openJsonl(path: string, holdBytes: number, visits: Visits): Promise<DatasetSource> {
  await checkReadable(path);
  const problems = new ProblemList();
  const hash = createHash('sha256');
  let validated: Stats | undefined;
  let held: GoldenCase[] | undefined;
  let count = 0;
  const read = jsonlValues(
    path,
    problems,
    {
      onBytes: (bytes) => hash.update(bytes),
      onOpen: (stat) => {
        validated = stat;
        if (stat.size <= holdBytes) held = [];
      },
    },
    true,
  );
  for (const golden of validCases(read, path, problems)) {
    count++;
    held?.push(golden);
    const visited = visits.see(golden);
    if (visited) await visited;
  }
  problems.throwIfAny(path);
  requireCases(count, path);
  visits.throwIfFailed();
  if (held) return { path, hash: hash.digest('hex'), held: true, ...caseList(held) };
  const { size, mtimeMs } = validated!;
  return {
    path,
    hash: hash.digest('hex'),
    count,
    held: false,
    *[Symbol.iterator]() {
      const again = new ProblemList();
      const unchanged = (stat: Stats) => {
        if (stat.size !== size || stat.mtimeMs !== mtimeMs) throw changedDuringRun(path);
      };
      // Checked when the walk starts and again when it ends, and never read past the checked
      // length: lines appended meanwhile are not taken for cases of this run.
      let walked = 0;
      for (const raw of jsonlValues(path, again, { onOpen: unchanged, onEnd: unchanged, maxBytes: size })) {
        const validation = validateCase(raw.value, { file: path, line: raw.line });
        if (!validation.ok) throw changedDuringRun(path);
        walked++;
        yield validation.value;
      }
      if (again.count > 0 || walked !== count) throw changedDuringRun(path);
    },
  };
}

function changedDuringRun(path: string): InputError {
  return new InputError('the dataset changed after it was checked', { file: path }, 'leave the dataset alone while a run reads it, then start the run again');
}

/** Fails with a clear error when the file is missing or is a folder. */
async function checkReadable(path: string): Promise<void> {
  const found = await stat(path).catch((error: unknown) => {
    throw fileError(error, path);
  });
  if (found.isDirectory()) throw fileError(Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' }), path);
}

async function readDatasetBytes(path: string): Promise<Buffer> {
  return readFile(path).catch((error: unknown) => {
    throw fileError(error, path);
  });
}

function fileError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new InputError('dataset file not found', { file: path }, `check the suite's \`dataset\` field (relative paths resolve from ${process.cwd()})`, error);
  }
  if (code === 'EISDIR') return new InputError('dataset path is a directory, expected a file', { file: path }, undefined, error);
  return error;
}
