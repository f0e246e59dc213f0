/**
 * Response cache on disk (`.promptgold/cache/`), content-addressed by provider id, canonical request
 * and repeat index: repeats stay independent, and a changed prompt misses. Cached generations are
 * marked `cached` so latency and cost totals leave them out.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex, stableStringify } from '../canonical.js';
import { errorMessage, isSystemError, systemErrorHint, systemErrorSaid } from '../errors.js';
import { replaceFileWith } from '../replaceFile.js';
import { redactKnownSecrets } from '../secrets.js';
import { generationKey } from './requestKey.js';
import { toRecordedResponse } from './recordingFile.js';
import type { GenerateContext, Generation, GenerationRequest, Provider } from './types.js';

/**
 * `onWriteFailure` hears of each entry that could not be written (the error, then the entry's
 * path); the sample is not failed for it, but a cache that silently stores nothing makes every
 * later run pay again, so the caller says so.
 */
export function withCache(inner: Provider, directory: string, onWriteFailure: (error: unknown, file: string) => void = () => undefined): Provider & { hits(): number } {
  let hits = 0;
  const pathOf = (key: string) => join(directory, key.slice(0, 2), `${key}.json`);
  return {
    id: inner.id,
    hits: () => hits,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const key = sha256Hex(`${inner.id}\n${generationKey(request, context.repeat)}`);
      const file = pathOf(key);
      const hit = await readCached(file);
      if (hit) {
        hits++;
        return { ...hit, cached: true };
      }
      const generation = await inner.generate(request, context);
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

async function readCached(file: string): Promise<Generation | undefined> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Generation;
    return typeof stored.text === 'string' ? stored : undefined;
  } catch {
    return undefined; // a missing or corrupt entry is a miss
  }
}

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
