/** The function provider: the user's own code under test, called with the case vars. */
import { ProviderError, type GenerateContext, type Generation, type GenerationRequest, type Provider } from './types.js';

/** The user's own code under test: receives the case vars (and the rendered prompt in the context). */
export type FunctionTarget = (
  input: Record<string, unknown>,
  context: FunctionTargetContext,
) => Promise<string | object> | string | object;

export interface FunctionTargetContext extends GenerateContext {
  model: string;
  system?: string;
  prompt: string;
}

export function createFunctionProvider(target: FunctionTarget, name = target.name || 'anonymous'): Provider {
  return {
    id: `function:${name}`,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const started = performance.now();
      const prompt = request.messages.map((m) => m.content).join('\n\n');
      let result: string | object;
      try {
        result = await target(context.vars, { ...context, model: request.model, system: request.system, prompt });
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new ProviderError('provider_error', `function ${name} threw: ${message}`, { cause: error });
      }
      const latencyMs = performance.now() - started;
      const text = typeof result === 'string' ? result : JSON.stringify(result);
      return { text, stopReason: 'end_turn', latencyMs, attempts: 1, costUsd: 0 };
    },
  };
}
