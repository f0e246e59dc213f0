/** Layout of a run folder: `run.jsonl`, `prompts.jsonl` (unique rendered prompts), `meta.json`. */
import { readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';

export interface RunMeta {
  runId: string;
  suite: string;
  status: 'running' | 'complete' | 'interrupted' | 'incomplete' | 'aborted';
  startedAt: string;
  finishedAt?: string;
  wallMs?: number;
  /** Batch ids submitted for this run, so --resume collects instead of re-submitting. */
  batches?: string[];
  /** Why the run did not complete, when it did not. */
  reason?: string;
  /** The flags that shaped the plan, so --resume rebuilds the same plan. */
  overrides?: unknown;
  provider?: string;
}

export const RUN_FILE = 'run.jsonl';
export const PROMPTS_FILE = 'prompts.jsonl';
export const META_FILE = 'meta.json';

export function runPaths(dir: string) {
  return { dir, record: join(dir, RUN_FILE), prompts: join(dir, PROMPTS_FILE), meta: join(dir, META_FILE) };
}

export async function readMeta(dir: string): Promise<RunMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as RunMeta;
  } catch {
    return undefined;
  }
}

export async function writeMeta(dir: string, meta: RunMeta): Promise<void> {
  await writeFile(join(dir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

/** `<suite>-<UTC yyyymmdd-hhmmss>`: sorts by time, readable in a listing. */
export function newRunId(suite: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${suite.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${stamp}`;
}

/**
 * Resolve what the user named to a run.jsonl: a run folder, a run.jsonl, any .jsonl record (a
 * committed baseline), or a suite name (its latest run under `runsDir`).
 */
export async function resolveRecordPath(reference: string, runsDir: string): Promise<string> {
  const direct = resolve(reference);
  const info = await stat(direct).catch(() => undefined);
  if (info?.isFile()) return direct;
  if (info?.isDirectory()) {
    const file = join(direct, RUN_FILE);
    if (await stat(file).catch(() => undefined)) return file;
    throw new InputError(`no ${RUN_FILE} in ${reference}`, { file: reference }, 'name a run folder under reports/runs/');
  }
  const latest = await latestRunOf(reference, runsDir);
  if (latest) return join(latest, RUN_FILE);
  throw new InputError(`no run found for "${reference}"`, {}, `name a run folder, a run.jsonl, or a suite with runs in ${runsDir}`);
}

/** `20261122-015959-3` → a key that sorts by the stamp, then the same-second counter (10 after 9). */
function runOrder(stamp: string): string {
  const [day, time, counter] = stamp.split('-');
  return `${day}${time}${(counter ?? '1').padStart(6, '0')}`;
}

export async function latestRunOf(suite: string, runsDir: string): Promise<string | undefined> {
  const entries = await readdir(runsDir).catch(() => [] as string[]);
  const prefix = `${suite}-`;
  const matches = entries
    .filter((name) => name.startsWith(prefix) && /^\d{8}-\d{6}(-\d+)?$/.test(name.slice(prefix.length)))
    .sort((a, b) => runOrder(a.slice(prefix.length)).localeCompare(runOrder(b.slice(prefix.length))));
  const last = matches.at(-1);
  return last ? join(runsDir, last) : undefined;
}
