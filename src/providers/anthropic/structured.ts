/**
 * Structured output, checked locally. The API enforces only the JSON Schema subset it supports
 * (the SDK's helper turned the rest — minimum, pattern, maxLength … — into descriptions), so an
 * answer is validated against the template's original schema; one that does not match ends as
 * `bad_output`, an outcome of the prompt, with the reason and the start of the answer.
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
  };
  let value: unknown;
  try {
    value = JSON.parse(generation.text);
  } catch (error) {
    throw new ProviderError('bad_output', `the answer is not the JSON the output schema asks for (${(error as Error).message}): ${excerpt}`, details);
  }
  const validate = compileJsonSchema(schema);
  if (!validate(value)) {
    throw new ProviderError('bad_output', `the answer does not match the output schema (${describeAjvErrors(validate.errors ?? [])}): ${excerpt}`, details);
  }
}
