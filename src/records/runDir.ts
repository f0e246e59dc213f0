/**
 * The run folder: `run.jsonl` (the record), `prompts.jsonl` (unique rendered prompts),
 * `meta.json` (status, timings, the flags that shaped the plan), while a run is unfinished
 * `held-back.jsonl` (finished samples still waiting for an earlier one before they can go into
 * the record in plan order), and while a process writes the folder `run.lock`. This module is the
 * only place that knows those names; every other module asks it for paths.
 */
import { mkdir, open, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InfrastructureError, InputError, fileWriteError } from '../errors.js';
import { isProcessAlive } from '../processAlive.js';
import { replaceFileWith } from '../replaceFile.js';
import { redactKnownSecrets } from '../secrets.js';
import { byCodeUnits } from '../text.js';

export interface RunMeta {
  runId: string;
  suite: string;
  status: 'running' | 'complete' | 'interrupted' | 'incomplete' | 'aborted';
  startedAt: string;
  finishedAt?: string;
  wallMs?: number;
  /** Batch ids submitted for this run, so --resume collects instead of re-submitting. */
  batches?: string[];
  /** Batches of earlier passes (a `--retry-errors` pass submits its own). */
  earlierBatches?: string[];
  /** A `--retry-errors` pass is under way: `--resume` continues it. */
  retryingErrors?: boolean;
  /** Why the run did not complete, when it did not. */
  reason?: string;
  /** The flags that shaped the plan, so --resume rebuilds the same plan. */
  overrides?: unknown;
  provider?: string;
  /** A vitest shard's part of a run (`vitest --shard=2/4`): `promptgold merge` joins the shards. */
  shard?: { index: number; count: number };
  /** Written by `promptgold merge`: the run folders of the parts it joined. */
  mergedFrom?: string[];
}

const RUN_FILE = 'run.jsonl';
const PROMPTS_FILE = 'prompts.jsonl';
const META_FILE = 'meta.json';
const HELD_BACK_FILE = 'held-back.jsonl';
const LOCK_FILE = 'run.lock';

export interface RunPaths {
  dir: string;
  record: string;
  prompts: string;
  meta: string;
  /** Finished samples not yet in the record, saved so a kill cannot lose them; gone once the run ends. */
  heldBack: string;
  /** The id of the process writing the folder, while it does. */
  lock: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    record: join(dir, RUN_FILE),
    prompts: join(dir, PROMPTS_FILE),
    meta: join(dir, META_FILE),
    heldBack: join(dir, HELD_BACK_FILE),
    lock: join(dir, LOCK_FILE),
  };
}

/**
 * Holds a run folder for this process until `release` is called: one writer at a time, whether a
 * fresh run, a resume, or a second `--resume` started by mistake while the first still runs. A
 * lock left by a process that is gone (killed) is taken over. Fails loudly when a live process
 * holds the folder.
 */
export async function holdRunFolder(dir: string): Promise<{ release(): Promise<void> }> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${JSON.stringify({ pid: process.pid, since: new Date().toISOString() })}\n`);
      await handle.close();
      return { release: () => unlink(file).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(error, file);
    }
    const holder = await lockHolder(file);
    if (holder !== undefined && holder !== process.pid && isProcessAlive(holder)) {
      throw new InfrastructureError(
        `${file}: the run folder is in use by process ${holder}, which is still writing it`,
        `wait for that run to end (or stop it), then try again; if no promptgold process is running, delete ${LOCK_FILE}`,
      );
    }
    await unlink(file).catch(() => undefined); // left by a process that is gone
  }
}

function lockError(error: unknown, file: string): Error {
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
    return new InfrastructureError(`${file}: another process took the run folder at the same moment`, 'try again once it has finished', error);
  }
  return error as Error;
}

async function lockHolder(file: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined; // unreadable: written by a process killed mid-write
  }
}


/** The prompt store that belongs to a record file (beside it; a baseline file has none). */
export function promptStoreOf(recordFile: string): string {
  return join(dirname(recordFile), PROMPTS_FILE);
}

/** True for `<run folder>/run.jsonl`, false for other records such as committed baselines. */
export function isRunFolderRecord(recordFile: string): boolean {
  return basename(recordFile) === RUN_FILE;
}

/** What a report calls a record: its run folder's name, or a baseline file's own name. */
export function recordDisplayName(recordFile: string): string {
  return isRunFolderRecord(recordFile) ? basename(dirname(recordFile)) : basename(recordFile);
}

/** A run folder or a record file → the record file and its prompt store. */
export async function runFilesOf(reference: string): Promise<{ record: string; prompts: string }> {
  const info = await stat(reference).catch(() => undefined);
  if (!info) throw new InputError('run not found', { file: reference }, 'pass a run folder under reports/runs/ or a run.jsonl file');
  const record = info.isDirectory() ? join(reference, RUN_FILE) : reference;
  return { record, prompts: promptStoreOf(record) };
}

/**
 * meta.json, or undefined when the folder has none. A file that exists but does not parse (a run
 * killed mid-write by an older version, a hand edit) is reported, not read as "no meta".
 */
export async function readMeta(dir: string): Promise<RunMeta | undefined> {
  const file = join(dir, META_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SyntaxError('not a JSON object');
    return value as RunMeta;
  } catch (error) {
    throw new InputError(
      `${META_FILE} is damaged (${(error as Error).message})`,
      { file },
      `it holds the run's status and the flags that shaped its plan; restore it, or start a new run`,
    );
  }
}

/** Written to a temporary file and renamed over the old one, so a kill never leaves half a meta.json. */
export async function writeMeta(dir: string, meta: RunMeta): Promise<void> {
  const file = join(dir, META_FILE);
  await replaceFileWith(file, redactKnownSecrets(`${JSON.stringify(meta, null, 2)}\n`)).catch((error: unknown) => {
    throw fileWriteError(error, file);
  });
}

/** `<suite>-<UTC yyyymmdd-hhmmss>`: sorts by time, readable in a listing. */
export function newRunId(suite: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${suite.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${stamp}`;
}

/**
 * Creates a new run folder under `outDir` and returns it. The folder is created exclusively, so
 * two runs started in the same second (in one process or in two) never share one: the second
 * gets `-2`, the third `-3` and so on.
 */
export async function claimRunFolder(outDir: string, baseId: string): Promise<{ runId: string; runDir: string }> {
  await mkdir(outDir, { recursive: true });
  for (let n = 1; ; n++) {
    const runId = n === 1 ? baseId : `${baseId}-${n}`;
    const runDir = join(outDir, runId);
    try {
      await mkdir(runDir);
      return { runId, runDir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Resolve what the user named to a record file: a run folder, a run.jsonl, any .jsonl record (a
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
    // The keys are digits of one length: code-unit order is their order.
    .sort((a, b) => byCodeUnits(runOrder(a.slice(prefix.length)), runOrder(b.slice(prefix.length))));
  const last = matches.at(-1);
  return last ? join(runsDir, last) : undefined;
}

/** The record file of the suite's latest run, or undefined when there is none. */
export async function latestRecordOf(suite: string, runsDir: string): Promise<string | undefined> {
  const dir = await latestRunOf(suite, runsDir);
  return dir ? join(dir, RUN_FILE) : undefined;
}
