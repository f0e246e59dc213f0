/**
 * Response cache on disk (`.promptgold/cache/`), content-addressed by provider id, canonical request
 * and repeat index: repeats stay independent, and a changed prompt misses. Cached generations are
 * marked `cached` so latency and cost totals leave them out.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex, stableStringify } from '../canonical.js';
import { redactKnownSecrets } from '../secrets.js';
import { generationKey } from './requestKey.js';
import { toRecordedResponse } from './recordingFile.js';
import type { GenerateContext, Generation, GenerationRequest, Provider } from './types.js';

export function withCache(inner: Provider, directory: string): Provider & { hits(): number } {
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
      // A cache that cannot be written (disk full, a concurrent writer) must not fail the sample.
      await writeCached(file, generation).catch(() => undefined);
      return generation;
    },
    close: () => inner.close?.() ?? Promise.resolve(),
  };
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
  // Unique per write: two samples with the same key (identical requests) may finish together.
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, redactKnownSecrets(stableStringify(stored)));
  await rename(temporary, file);
}
