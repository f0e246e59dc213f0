/**
 * Response cache on disk (`.promptgold/cache/`), content-addressed by provider id, canonical request
 * and repeat index: repeats stay independent, and a changed prompt misses. Cached generations are
 * marked `cached` so latency and cost totals leave them out.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex, stableStringify } from '../canonical.js';
import * as z from 'zod';
import { builtOnFirstUse } from '../builtOnFirstUse.js';
import { problemsFromZod } from '../datasets/problems.js';
import { errorMessage, formatLocated, isSystemError, systemErrorHint, systemErrorSaid } from '../errors.js';
import { replaceFileWith } from '../replaceFile.js';
import { redactKnownSecrets } from '../secrets.js';
import { generationKey } from './requestKey.js';
import { checkRecordedResponse, toRecordedResponse } from './recordingFile.js';
import type { GenerateContext, Generation, GenerationRequest, Provider } from './types.js';

/**
 * `onWriteFailure` hears of each entry that could not be written (the error, then the entry's
 * path); the sample is not failed for it, but a cache that silently stores nothing makes every
 * later run pay again, so the caller says so. `onDamaged` hears of each entry that is there but
 * cannot be used (not JSON, cut short, not an answer, unreadable): the request is sent again and
 * its answer replaces the entry, but a run that quietly pays again for answers it had, or a cache
 * folder something else writes into, is worth saying.
 */
export function withCache(
  inner: Provider,
  directory: string,
  onWriteFailure: (error: unknown, file: string) => void = () => undefined,
  onDamaged: (problem: string, file: string) => void = () => undefined,
): Provider & { hits(): number } {
  let hits = 0;
  const pathOf = (key: string) => join(directory, key.slice(0, 2), `${key}.json`);
  return {
    id: inner.id,
    hits: () => hits,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const key = sha256Hex(`${inner.id}\n${generationKey(request, context.repeat)}`);
      const file = pathOf(key);
      const cacheable = context.cacheable ?? (() => true);
      const entry = await readCached(file);
      // An entry the caller cannot use (stored before it said so) is a plain miss: asked again, and replaced by a usable answer.
      if (entry.hit && cacheable(entry.hit)) {
        hits++;
        return { ...entry.hit, cached: true };
      }
      if (entry.damaged) onDamaged(entry.damaged, file);
      const generation = await inner.generate(request, context);
      if (!cacheable(generation)) return generation;
      // A cache that cannot be written (disk full, no permission) must not fail the sample.
      await writeCached(file, generation).catch((error: unknown) => onWriteFailure(error, file));
      return generation;
    },
    close: () => inner.close?.() ?? Promise.resolve(),
  };
}

/** The warning for a cache that could not be written, said once however many entries failed. */
export function cacheWriteWarning(error: unknown, shownDirectory: string): string {
  const said = isSystemError(error) ? systemErrorSaid(error) : errorMessage(error);
  const mend = isSystemError(error) ? systemErrorHint(error.code) : 'mend its cause and run the command again';
  return (
    `WARNING: the response cache ${shownDirectory} could not be written: ${said}. The run goes on, but its answers are not cached, ` +
    `so a later run asks (and pays) for them again. To cache them: ${mend} (\`cacheDir\` in the project config moves the cache; --no-cache runs without it)`
  );
}

/**
 * The warning for damaged cache entries: the first one named with what is wrong with it, and how
 * many there were. Said once a run's requests are done (see CacheDamageTally).
 */
export function cacheDamageWarning(count: number, first: { problem: string; file: string }): string {
  const others = count > 1 ? ` (and ${count - 1} more)` : '';
  return (
    `WARNING: ${count} response cache ${count === 1 ? 'entry was' : 'entries were'} damaged and not used: ${first.file}${others}: ${first.problem}. ` +
    'Their requests were sent again (and paid for), and an answer that came back replaced its entry. If this recurs, check what else writes into the cache folder (a full disk, a sync tool, a killed copy); deleting the folder only costs the answers it holds'
  );
}

/**
 * The damaged cache entries met since they were last said, each file once: two samples with the
 * same request read the same entry, and it is one damaged entry, not two.
 */
export class CacheDamageTally {
  /** Each damaged file, with the problem first found in it, in the order met. */
  private files = new Map<string, string>();

  note(problem: string, file: string): void {
    if (!this.files.has(file)) this.files.set(file, problem);
  }

  /** The warning for the entries noted since the last call (undefined when none), then starts afresh. */
  take(): string | undefined {
    const first = this.files.entries().next();
    const count = this.files.size;
    this.files = new Map();
    if (first.done) return undefined;
    const [file, problem] = first.value;
    return cacheDamageWarning(count, { problem, file });
  }
}

type CacheRead = { hit: Generation; damaged?: undefined } | { hit?: undefined; damaged?: string };

/** A missing entry is a plain miss; one that is there but cannot be used says why. */
async function readCached(file: string): Promise<CacheRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // Not there (or its folder is a file, which the write's warning names): a plain miss.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    return { damaged: `could not be read: ${isSystemError(error) ? systemErrorSaid(error) : errorMessage(error)}` };
  }
  return cacheEntry(text);
}

/** A stored entry's text as an answer, or what is wrong with it (the first problem, `field: …`). */
export function cacheEntry(text: string): CacheRead {
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (error) {
    return { damaged: `not valid JSON (${errorMessage(error)}${text.length === 0 ? ', the file is empty' : ''})` };
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return { damaged: 'expected an answer object' };
  // Checked as a recording's response is: an entry edited or cut out of that shape would be scored as the model's answer.
  const { response, extras } = splitEntry(stored as Record<string, unknown>);
  const checked = checkRecordedResponse(response, CACHE_ONLY_FIELD_NAMES);
  const checkedExtras = cacheExtrasSchema().safeParse(extras);
  if (checked.ok && checkedExtras.success) return { hit: { ...checked.response, ...checkedExtras.data } };
  const problems = [...(checked.ok ? [] : checked.problems), ...(checkedExtras.success ? [] : problemsFromZod(checkedExtras.error.issues, extras, () => []))];
  const first = problems[0] ?? { message: 'not an answer' };
  return { damaged: formatLocated(first.message, first.field === undefined ? {} : { field: first.field }) };
}

/** The fields an entry keeps beyond the recorded response (see writeCached). */
const CACHE_ONLY_FIELD_NAMES = ['costUsd', 'attempts', 'droppedParams', 'cacheSavedUsd'] as const;
const CACHE_ONLY_FIELDS: ReadonlySet<string> = new Set(CACHE_ONLY_FIELD_NAMES);

function splitEntry(stored: Record<string, unknown>): { response: Record<string, unknown>; extras: Record<string, unknown> } {
  const response: Record<string, unknown> = {};
  const extras: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(stored)) (CACHE_ONLY_FIELDS.has(field) ? extras : response)[field] = value;
  return { response, extras };
}

/** What an entry keeps beyond the recorded response (see writeCached). */
const cacheExtrasSchema = builtOnFirstUse(() =>
  z.object({
    costUsd: z.number().nonnegative().optional(),
    attempts: z.number().int().positive().optional(),
    droppedParams: z.array(z.string()).optional(),
    cacheSavedUsd: z.number().optional(),
  }),
);

async function writeCached(file: string, generation: Generation): Promise<void> {
  const stored: Generation = { ...toRecordedResponse(generation) };
  if (generation.costUsd !== undefined) stored.costUsd = generation.costUsd;
  if (generation.attempts !== undefined) stored.attempts = generation.attempts;
  if (generation.droppedParams) stored.droppedParams = generation.droppedParams;
  if (generation.cacheSavedUsd !== undefined) stored.cacheSavedUsd = generation.cacheSavedUsd;
  await mkdir(join(file, '..'), { recursive: true });
  // Two samples with the same key (identical requests) may finish together: each writes its own temporary file.
  await replaceFileWith(file, redactKnownSecrets(stableStringify(stored)));
}
