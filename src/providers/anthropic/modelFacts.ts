/**
 * What promptgold knows about a model before it sends to it: the price table's entry, overlaid
 * with what models.retrieve says (context window, max_tokens, lifecycle, retirement). One source
 * for the live provider and the batch client, so both guard a request against the same facts.
 */
import type { ModelInfo } from '../pricing.js';
import type { AnthropicProviderOptions, SdkHandle } from './client.js';
import { classifyAnthropicError } from './errors.js';

/** A model's facts: the table's entry and what models.retrieve said. */
export interface ModelFacts {
  info: ModelInfo | undefined;
  contextWindow: number | undefined;
  maxTokens: number | undefined;
  lifecycle: string | undefined;
  retiresAt: string | undefined;
}

/**
 * Looks each model up once (models.retrieve): its context window, max_tokens, lifecycle and
 * retirement date, over the table's entry. A 404, a rejected key or an account error is fatal;
 * any other failure falls back to the table and is asked again next time.
 */
export function modelFactsResolver(options: AnthropicProviderOptions, sdk: () => Promise<SdkHandle>) {
  const retrieved = new Map<string, Promise<Partial<ModelFacts> | undefined>>();
  return async (model: string): Promise<ModelFacts> => {
    const info = options.models.get(model);
    const fromTable: ModelFacts = {
      info,
      contextWindow: info?.contextWindow,
      maxTokens: info?.maxOutputTokens,
      lifecycle: undefined,
      retiresAt: info?.retiresAt,
    };
    if (info && options.retrieveModels === false) return fromTable;
    let lookup = retrieved.get(model);
    if (!lookup) {
      lookup = (async () => {
        const { client, apiKey } = await sdk();
        try {
          const found = await client.models.retrieve(model);
          return {
            contextWindow: found.max_input_tokens ?? undefined,
            maxTokens: found.max_tokens ?? undefined,
            lifecycle: found.lifecycle ?? undefined,
            retiresAt: found.retires_at ?? undefined,
          };
        } catch (error) {
          const classified = classifyAnthropicError(error, { model, secrets: [apiKey] });
          if (classified.fatal) throw classified;
          retrieved.delete(model);
          return undefined;
        }
      })();
      retrieved.set(model, lookup);
    }
    const found = await lookup;
    return {
      info,
      contextWindow: found?.contextWindow ?? fromTable.contextWindow,
      maxTokens: found?.maxTokens ?? fromTable.maxTokens,
      lifecycle: found?.lifecycle,
      retiresAt: found?.retiresAt ?? fromTable.retiresAt,
    };
  };
}

/** Says (once per model, as `warn` keeps one warning per key) that a model is deprecated, with its retirement date when known. */
export function warnIfDeprecated(model: string, facts: ModelFacts, warn: (key: string, message: string) => void): void {
  if (facts.lifecycle !== 'deprecated') return;
  warn(`deprecated:${model}`, `${model} is deprecated${facts.retiresAt ? ` and retires on ${facts.retiresAt.slice(0, 10)}` : ''}; plan the move to a current model`);
}
