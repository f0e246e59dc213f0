/**
 * The function provider: the user's own code under test, called with the case vars and the full
 * rendered request (system blocks, turns with their documents and images, tools, tool choice), so
 * a pipeline that builds its own Claude call — or does not call Claude at all — is tested with the
 * same suite. It answers with text (a string, or an object written as JSON) or, through
 * `functionAnswer`, with text and tool calls.
 */
import { contentText, systemText } from './content.js';
import { withLazySignal } from './lazySignal.js';
import { ProviderError, type GenerateContext, type Generation, type GenerationRequest, type Provider, type StopReason, type TokenUsage, type ToolCall } from './types.js';

/** The user's own code under test: receives the case vars, and the rendered request in the context. */
export type FunctionTarget = (
  input: Record<string, unknown>,
  context: FunctionTargetContext,
) => Promise<FunctionTargetResult> | FunctionTargetResult;

export type FunctionTargetResult = string | object | FunctionAnswer;

export interface FunctionTargetContext extends GenerateContext {
  model: string;
  /** The system prompt as text (system blocks joined by a blank line). */
  system?: string;
  /** The text of every turn, joined by a blank line (documents and images left out). */
  prompt: string;
  /** The full request as the model would get it: system blocks, turns with content blocks, tools, tool choice. */
  request: GenerationRequest;
}

const ANSWER = Symbol.for('promptgold.functionAnswer');

/** What a function target returns to answer with tool calls (or a stop reason, or usage) as well as text. */
export interface FunctionAnswer {
  readonly [ANSWER]: true;
  text: string;
  toolCalls?: ToolCall[];
  stopReason?: StopReason;
  usage?: TokenUsage;
}

/**
 * An answer with more than text, from a function target:
 * `return functionAnswer({ text: 'Let me check.', toolCalls: [{ name: 'lookup_invoice', input: { invoice_number: 'INV-10421' } }] })`.
 * The stop reason defaults to `tool_use` when there are tool calls, else `end_turn`.
 */
export function functionAnswer(answer: { text?: string; toolCalls?: ToolCall[]; stopReason?: StopReason; usage?: TokenUsage }): FunctionAnswer {
  const result: FunctionAnswer = { [ANSWER]: true, text: answer.text ?? '' };
  if (answer.toolCalls?.length) result.toolCalls = answer.toolCalls.map((call) => ({ ...call }));
  if (answer.stopReason !== undefined) result.stopReason = answer.stopReason;
  if (answer.usage) result.usage = answer.usage;
  return result;
}

function isFunctionAnswer(value: unknown): value is FunctionAnswer {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ANSWER] === true;
}

export function createFunctionProvider(target: FunctionTarget, name = target.name || 'anonymous'): Provider {
  return {
    id: `function:${name}`,
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const started = performance.now();
      let result: FunctionTargetResult;
      try {
        result = await target(context.vars, targetContext(context, request));
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        throw new ProviderError('provider_error', `function ${name} threw: ${message}`, { cause: error });
      }
      const latencyMs = performance.now() - started;
      if (isFunctionAnswer(result)) return generationOf(result, latencyMs);
      return { text: answerText(result, name), stopReason: 'end_turn', latencyMs, attempts: 1, costUsd: 0 };
    },
  };
}

/**
 * The answer as text: a string as it is, any other value as JSON. A value JSON has no text for
 * (undefined from a function that forgot to return, a function, a symbol) or cannot write (a
 * BigInt, a cycle) is the provider's error, never an answer with no output to score.
 */
function answerText(result: unknown, name: string): string {
  if (typeof result === 'string') return result;
  let text: string | undefined;
  try {
    text = JSON.stringify(result) as string | undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ProviderError('provider_error', `function ${name} returned a value that cannot be written as JSON (${message}); return a string, a JSON value or functionAnswer({ text })`, { cause: error });
  }
  if (text === undefined) {
    const what = result === undefined ? 'undefined (did it forget to return?)' : `a ${typeof result} with no JSON text`;
    throw new ProviderError('provider_error', `function ${name} returned ${what}; return a string, a JSON value or functionAnswer({ text })`);
  }
  return text;
}

/** The prompt text and system text of a request, computed once per request (repeats share one). */
const textsOfRequest = new WeakMap<GenerationRequest, { prompt: string; system: string | undefined }>();

function textsOf(request: GenerationRequest): { prompt: string; system: string | undefined } {
  // One plain message and a plain system (the common case): the texts are the request's own strings.
  const only = request.messages.length === 1 ? request.messages[0]!.content : undefined;
  if (typeof only === 'string' && typeof (request.system ?? '') === 'string') return { prompt: only, system: request.system as string | undefined };
  let texts = textsOfRequest.get(request);
  if (!texts) {
    texts = {
      prompt: request.messages.map((m) => contentText(m.content)).join('\n\n'),
      system: request.system === undefined ? undefined : systemText(request.system),
    };
    textsOfRequest.set(request, texts);
  }
  return texts;
}

/**
 * What the function is given besides the vars: the engine's context and the request. The signal
 * is passed on as a getter, so it is only made (see executeSample) when the function reads it.
 */
function targetContext(context: GenerateContext, request: GenerationRequest): FunctionTargetContext {
  const { prompt, system } = textsOf(request);
  const passed = {
    repeat: context.repeat,
    caseId: context.caseId,
    vars: context.vars,
    promptId: context.promptId,
    promptVersion: context.promptVersion,
    model: request.model,
    system,
    prompt,
    request,
  } as Omit<FunctionTargetContext, 'signal'>;
  if (context.deadline) passed.deadline = context.deadline;
  return withLazySignal(passed, () => context.signal);
}

function generationOf(answer: FunctionAnswer, latencyMs: number): Generation {
  const toolCalls = answer.toolCalls?.length ? answer.toolCalls : undefined;
  const generation: Generation = {
    text: answer.text,
    stopReason: answer.stopReason ?? (toolCalls ? 'tool_use' : 'end_turn'),
    latencyMs,
    attempts: 1,
    costUsd: 0,
  };
  if (toolCalls) generation.toolCalls = toolCalls;
  if (answer.usage) generation.usage = answer.usage;
  return generation;
}
