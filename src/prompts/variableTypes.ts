import type { VariableType } from './types.js';
import { typeName } from '../datasets/problems.js';


/** `string` → required string; `string?` → a string the case may leave out. */
export const DECLARED_TYPE_PATTERN = /^(string|number|boolean|array|object|any)(\?)?$/;

export function parseDeclaredType(text: string): { type: VariableType; optional: boolean } | undefined {
  const match = DECLARED_TYPE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return { type: match[1] as VariableType, optional: match[2] === '?' };
}

/** Which VariableType a value is, in the same words the front matter uses. */
export function variableTypeOf(value: unknown): string {
  return typeName(value);
}

export function matchesVariableType(value: unknown, type: VariableType): boolean {
  if (type === 'any') return true;
  return variableTypeOf(value) === type;
}
