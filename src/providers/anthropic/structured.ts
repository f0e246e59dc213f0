/**
 * Structured output, checked locally. The API enforces only the JSON Schema subset it supports
 * (the SDK's helper turned the rest — minimum, pattern, maxLength … — into descriptions), so a
 * JSON answer is validated against the template's original schema; one that does not match ends
 * as `bad_output`, an outcome of the prompt, with the reason and the start of the answer. An answer
 * that is not JSON at all (the API's constrained decoding does not produce one; a stub or proxy
 * might) is left to the scorers and judges, which report it as unreadable.
 */
import { compileJsonSchema, describeAjvErrors } from '../../scoring/json-schema.js';
import { ProviderError, type Generation } from '../types.js';

const ANSWER_EXCERPT_CHARS = 300;

export function checkStructuredOutput(schema: Record<string, unknown> | undefined, generation: Generation): void {
  if (!schema || (generation.stopReason !== 'end_turn' && generation.stopReason !== 'stop_sequence')) return;
  const excerpt = generation.text.length > ANSWER_EXCERPT_CHARS ? `${generation.text.slice(0, ANSWER_EXCERPT_CHARS)}…` : generation.text;
  const details = {
    ...(generation.attempts !== undefined && { attempts: generation.attempts }),
    ...(generation.requestId !== undefined && { requestId: generation.requestId }),
    generation,
  };
  let value: unknown;
  try {
    value = JSON.parse(generation.text);
  } catch {
    return;
  }
  const validate = compileJsonSchema(schema);
  if (!validate(value)) {
    throw new ProviderError('bad_output', `the answer does not match the output schema (${describeAjvErrors(validate.errors ?? [])}): ${excerpt}`, details);
  }
}
