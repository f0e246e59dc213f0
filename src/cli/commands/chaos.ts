/**
 * `promptgold chaos`: previews the chaos cases a suite generates — no model is called — or lists
 * the operators. `--out` writes them as a JSONL dataset (loadable like any golden dataset).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { listOperators } from '../../chaos/index.js';
import { stableStringify } from '../../canonical.js';
import type { GoldenCase } from '../../datasets/types.js';
import { RunSession } from '../../engine/assemble.js';
import { importSuites } from '../../engine/loadSuite.js';
import { InputError, fileWriteError } from '../../errors.js';
import { checkOutputPath, flagOutput } from '../../outputPath.js';
import { replaceFileWith } from '../../replaceFile.js';
import { redactKnownSecrets } from '../../secrets.js';
import { discoverSuiteFiles } from '../discover.js';
import { parseIntegerOption, parseListOption } from '../options.js';

export interface ChaosFlags {
  operators?: string[];
  seed?: string;
  perCase?: string;
  out?: string;
  list?: boolean;
}

export async function chaosCommand(suiteArgs: string[], flags: ChaosFlags): Promise<number> {
  if (flags.list) {
    process.stdout.write(formatOperatorList());
    return 0;
  }
  if (suiteArgs.length === 0) throw new InputError('name a suite file or folder, or pass --list', { field: 'suite' }, 'promptgold chaos suites/triage/triage.eval.ts');
  if (flags.out) await checkOutputPath(resolve(flags.out), flagOutput('--out', 'chaos.jsonl'));
  const session = await RunSession.open();
  const operators = parseListOption(flags.operators);
  const generated: GoldenCase[] = [];
  let goldenCount = 0;
  for (const file of await discoverSuiteFiles(suiteArgs, session.config.suites)) {
    for (const suite of await importSuites(file)) {
      const chaos = {
        ...(suite.chaos ?? {}),
        ...(operators ? { operators } : {}),
        ...(flags.seed ? { seed: parseIntegerOption(flags.seed, '--seed', 0) } : {}),
        ...(flags.perCase ? { perCase: parseIntegerOption(flags.perCase, '--per-case', 1) } : {}),
      };
      const loaded = await session.loadSuite({ ...suite, chaos }, file, { chaos: true });
      for (const goldenCase of loaded.cases) {
        if (goldenCase.chaos) generated.push(goldenCase);
        else goldenCount++;
      }
    }
  }
  if (flags.out) {
    const file = resolve(flags.out);
    try {
      await mkdir(dirname(file), { recursive: true });
      await replaceFileWith(file, redactKnownSecrets(generated.map((c) => stableStringify(asDatasetLine(c))).join('\n') + (generated.length ? '\n' : '')));
    } catch (error) {
      throw fileWriteError(error, file, flags.out);
    }
    process.stdout.write(`wrote ${generated.length} chaos cases to ${flags.out}\n`);
  }
  process.stdout.write(formatPreview(generated, goldenCount, Boolean(flags.out)));
  return 0;
}

function asDatasetLine(goldenCase: GoldenCase) {
  return { id: goldenCase.id, vars: goldenCase.vars, expected: goldenCase.expected, tags: goldenCase.tags, chaos: goldenCase.chaos };
}

/** One line per operator: how many cases it made, and its first edit, with invisible characters shown. */
export function formatPreview(generated: GoldenCase[], goldenCount: number, wroteFile: boolean): string {
  const byOperator = new Map<string, GoldenCase[]>();
  for (const c of generated) {
    const operator = c.chaos!.operators.join('+');
    byOperator.set(operator, [...(byOperator.get(operator) ?? []), c]);
  }
  const lines = [`${generated.length} chaos cases from ${goldenCount} golden cases (${byOperator.size} operators):`];
  for (const [operator, cases] of [...byOperator.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const first = cases[0]!;
    const field = first.chaos!.fields[0];
    const text = field ? String(first.vars[field] ?? '') : '';
    lines.push(`  ${operator.padEnd(28)} ${String(cases.length).padStart(5)}  e.g. ${first.id}: ${showInvisible(text).slice(0, 90)}`);
  }
  if (!wroteFile) lines.push('write them all with --out <file.jsonl>');
  return `${lines.join('\n')}\n`;
}

/** Makes invisible, control and bidi characters visible as ⟨U+XXXX⟩ so a preview shows the edit. */
export function showInvisible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]|[\u{e0000}-\u{e007f}]/gu, (ch) => `⟨U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`).replace(/\n/g, '⏎');
}

function formatOperatorList(): string {
  const rows = listOperators();
  const width = Math.max(...rows.map((r) => r.name.length));
  return `${rows.map((r) => `${r.name.padEnd(width)}  ${r.family.padEnd(10)} ${r.description}\n${' '.repeat(width + 13)}must hold: ${r.property}${r.optIn ? ' (opt-in)' : ''}`).join('\n')}\n`;
}
