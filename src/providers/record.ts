/**
 * The `--record` layer: wraps whatever provider runs and writes every generation it returns to a
 * recordings file that the replay provider can answer from. Entries are merged into the file and
 * sorted on close, so recording is repeatable and partial re-recordings keep older entries.
 */
import { generationKey } from './requestKey.js';
import { toRecordedResponse, writeRecordings, type RecordedGeneration } from './recordingFile.js';
import type { GenerateContext, Generation, GenerationRequest, Provider } from './types.js';

export function withRecording(inner: Provider, file: string): Provider & { recorded(): number } {
  const pending = new Map<string, RecordedGeneration>();
  return {
    id: inner.id,
    recorded: () => pending.size,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const generation = await inner.generate(request, context);
      const key = generationKey(request, context.repeat);
      pending.set(key, {
        key,
        caseId: context.caseId,
        promptId: context.promptId,
        version: context.promptVersion,
        model: request.model,
        repeat: context.repeat,
        response: toRecordedResponse(generation),
      });
      return generation;
    },
    async close(): Promise<void> {
      if (pending.size > 0) await writeRecordings(file, pending.values());
      await inner.close?.();
    },
  };
}
