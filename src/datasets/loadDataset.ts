import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import { validateCase } from './caseSchema.js';
import { ProblemList } from './problems.js';
import type { RawCase } from './rawCase.js';
import { readCsv } from './readCsv.js';
import { readDocument } from './readDocument.js';
import { readJsonl } from './readJsonl.js';
import type { Dataset, GoldenCase } from './types.js';

type Reader = (text: string, problems: ProblemList) => Iterable<RawCase>;

const readers: Record<string, Reader> = {
  '.jsonl': readJsonl,
  '.json': (text, problems) => readDocument(text, 'json', problems),
  '.yaml': (text, problems) => readDocument(text, 'yaml', problems),
  '.yml': (text, problems) => readDocument(text, 'yaml', problems),
  '.csv': readCsv,
};

/** Reads and validates a golden dataset; every problem in the file is reported in one error. */
export async function loadDataset(path: string): Promise<Dataset> {
  const reader = readers[extname(path).toLowerCase()];
  if (!reader) {
    throw new InputError(
      `unsupported dataset format "${extname(path) || '(no extension)'}"`,
      { file: path },
      `use one of ${Object.keys(readers).join(', ')}`,
    );
  }
  const bytes = await readDatasetBytes(path);
  const cases = parseDataset(bytes.toString('utf8'), path, reader);
  return { path, hash: createHash('sha256').update(bytes).digest('hex'), cases };
}

async function readDatasetBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputError(
        'dataset file not found',
        { file: path },
        `check the suite's \`dataset\` field (relative paths resolve from ${process.cwd()})`,
        error,
      );
    }
    if (code === 'EISDIR') {
      throw new InputError('dataset path is a directory, expected a file', { file: path }, undefined, error);
    }
    throw error;
  }
}

function parseDataset(text: string, file: string, reader: Reader): GoldenCase[] {
  const problems = new ProblemList();
  const rawCases = reader(text.replace(/^\uFEFF/, ''), problems);
  const cases: GoldenCase[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const raw of rawCases) {
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
    cases.push(golden);
  }
  problems.throwIfAny(file);
  if (cases.length === 0) {
    throw new InputError('the dataset has no cases', { file }, 'add at least one case, e.g. {"id": "c1", "vars": {...}}');
  }
  return cases;
}
