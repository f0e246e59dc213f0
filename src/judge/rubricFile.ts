/**
 * Markdown rubric files. One criterion per `##` heading or per top-level list item, each followed
 * by what passes and what fails (`Pass:` / `Fail:`), or by five anchored levels (`1:` … `5:`) on
 * a 1-5 rubric:
 *
 *     # Summary quality                      ← optional title
 *     Intro text, shown to the judge.        ← optional
 *
 *     ## covers-key-facts: Names the facts the reader needs
 *     - Pass: every required name, number and decision is there.
 *     - Fail: a required fact is missing or replaced by a vague word.
 *
 * Parsing is strict: a misplaced or missing line is an InputError naming `file:line`.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { utf8Text } from '../utf8.js';
import { CRITERION_ID, slugify, type Criterion, type Rubric, type RubricScale } from './criteria.js';

interface Draft {
  id: string;
  description: string;
  line: number;
  pass?: string;
  fail?: string;
  levels: Map<number, string>;
  /** The field continuation lines are appended to. */
  last: 'description' | 'pass' | 'fail' | number;
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^[-*+]\s+(.*)$/;
const FIELD = /^\s*(?:[-*+]\s+)?(?:\*\*|__)?(pass|fail|\d+)(?:\*\*|__)?\s*[:.)]\s*(?:\*\*|__)?\s*(.*)$/i;
const HEAD_WITH_ID = /^(?:\*\*|__|`)?([a-z0-9][a-z0-9_-]*)(?:\*\*|__|`)?\s*:\s*(.+)$/;

export function readRubricFile(file: string, scale: RubricScale): Rubric {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputError('cannot read the rubric file', { file, field: 'file' }, 'check the path (relative paths are resolved from the working directory; use new URL("./rubric.md", import.meta.url) for a path next to the suite)', error);
  }
  return parseRubricMarkdown(utf8Text(bytes, file), file, scale);
}

export function parseRubricMarkdown(text: string, file: string, scale: RubricScale): Rubric {
  // A byte-order mark would hide the first line's heading or list item (it is not text of the rubric).
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const drafts: Draft[] = [];
  const intro: string[] = [];
  let current: Draft | undefined;
  let inFence = false;
  const fail = (line: number, message: string, hint?: string): never => {
    throw new InputError(message, { file, line }, hint);
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
    if (inFence || /^\s*(```|~~~)/.test(raw) || raw.trim() === '' || /^\s*<!--.*-->\s*$/.test(raw)) return;

    const heading = HEADING.exec(raw);
    if (heading) {
      const level = heading[1]!.length;
      if (level === 1) {
        if (drafts.length > 0) fail(lineNo, 'a "#" title after the first criterion', 'keep one "#" title at the top; use "##" for criteria');
        return;
      }
      current = startCriterion(heading[2]!, lineNo, drafts, fail);
      return;
    }

    const field = FIELD.exec(raw);
    if (field) {
      if (!current) fail(lineNo, `"${field[1]}:" comes before any criterion`, 'start each criterion with a "## id: description" heading or a "- id: description" list item');
      addField(current!, field[1]!.toLowerCase(), field[2]!.trim(), lineNo, scale, fail);
      return;
    }

    const item = /^\S/.test(raw) ? LIST_ITEM.exec(raw) : null;
    if (item) {
      current = startCriterion(item[1]!, lineNo, drafts, fail);
      return;
    }

    const continuation = raw.trim().replace(/^[-*+]\s+/, '');
    if (!current) intro.push(continuation);
    else appendTo(current, continuation);
  });

  if (drafts.length === 0) {
    fail(1, 'the rubric file has no criteria', 'add one "## id: description" heading per criterion, followed by "- Pass: …" and "- Fail: …"');
  }
  const rubric: Rubric = { scale, criteria: drafts.map((draft) => finish(draft, scale, fail)), source: file };
  if (intro.length > 0) rubric.intro = intro.join(' ');
  return rubric;
}

type Fail = (line: number, message: string, hint?: string) => never;

function startCriterion(head: string, line: number, drafts: Draft[], fail: Fail): Draft {
  const text = head.trim();
  if (!text) fail(line, 'a criterion without a description', 'write "## id: what is judged"');
  const withId = HEAD_WITH_ID.exec(text);
  const id = withId ? withId[1]! : slugify(text);
  const description = withId ? withId[2]!.trim() : text;
  if (!CRITERION_ID.test(id)) fail(line, `cannot derive a criterion id from "${text}"`, 'start the heading with an id: "## covers-key-facts: …"');
  const earlier = drafts.find((draft) => draft.id === id);
  if (earlier) fail(line, `criterion id "${id}" is already used on line ${earlier.line}`, 'give every criterion its own id');
  const draft: Draft = { id, description, line, levels: new Map(), last: 'description' };
  drafts.push(draft);
  return draft;
}

function addField(draft: Draft, name: string, value: string, line: number, scale: RubricScale, fail: Fail): void {
  if (!value) fail(line, `"${name}:" is empty`, 'say what the judge should look for');
  if (name === 'pass' || name === 'fail') {
    if (scale !== 'pass-fail') fail(line, `"${name}:" in a 1-5 rubric`, 'describe levels "1:" to "5:" instead, or use scale: "pass-fail"');
    if (draft[name] !== undefined) fail(line, `criterion "${draft.id}" already has a "${name}:" line`);
    draft[name] = value;
    draft.last = name;
    return;
  }
  const level = Number(name);
  if (scale !== '1-5') fail(line, `level "${name}:" in a pass-fail rubric`, 'use "Pass:" and "Fail:" lines, or set scale: "1-5"');
  if (!Number.isInteger(level) || level < 1 || level > 5) fail(line, `level ${name} is outside 1–5`);
  if (draft.levels.has(level)) fail(line, `criterion "${draft.id}" already describes level ${level}`);
  draft.levels.set(level, value);
  draft.last = level;
}

function appendTo(draft: Draft, text: string): void {
  const join = (before: string | undefined) => (before ? `${before} ${text}` : text);
  if (draft.last === 'description') draft.description = join(draft.description);
  else if (draft.last === 'pass' || draft.last === 'fail') draft[draft.last] = join(draft[draft.last]);
  else draft.levels.set(draft.last, join(draft.levels.get(draft.last)));
}

function finish(draft: Draft, scale: RubricScale, fail: Fail): Criterion {
  const criterion: Criterion = { id: draft.id, description: draft.description };
  if (scale === 'pass-fail') {
    if (!draft.pass || !draft.fail) {
      fail(draft.line, `criterion "${draft.id}" needs both a "Pass:" and a "Fail:" line`, 'say what passes and what fails, so the judge has both ends');
    }
    criterion.pass = draft.pass;
    criterion.fail = draft.fail;
    return criterion;
  }
  const missing = [1, 2, 3, 4, 5].filter((level) => !draft.levels.has(level));
  if (missing.length > 0) {
    fail(draft.line, `criterion "${draft.id}" does not describe level${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, 'anchor every level "1:" to "5:"; an undescribed level is guessed differently by every judge');
  }
  criterion.levels = [1, 2, 3, 4, 5].map((level) => draft.levels.get(level)!) as Criterion['levels'];
  return criterion;
}
