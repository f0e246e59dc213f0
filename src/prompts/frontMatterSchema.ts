import * as z from 'zod';
import { builtOnFirstUse } from '../builtOnFirstUse.js';
import { DECLARED_TYPE_PATTERN } from './variableTypes.js';

const VARIABLE_NAME = /^[A-Za-z_$][\w$]*\??$/;

/** The API's tool names: letters, digits, `_` and `-`, at most 64. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The schema of a prompt file's front matter, built on first use: building it takes start-up time
 * (issue 17), and front matter in the plain shape (see `plainFrontMatter` below) never needs it.
 */
export const frontMatterSchema = builtOnFirstUse(buildFrontMatterSchema);

export type FrontMatter = z.infer<ReturnType<typeof buildFrontMatterSchema>>;

/** The front matter keys a prompt file may use. */
export function frontMatterKeys(): string[] {
  return Object.keys(frontMatterSchema().shape);
}

/**
 * Front matter as the simple reader gives it (see simpleFrontMatter.ts) in the shape most prompt
 * files have — texts, numbers, `variables` and other one-level maps — checked without building
 * the schema: the value itself when the schema would accept it unchanged, else undefined (and the
 * caller asks the schema, for its data or its error).
 */
export function plainFrontMatter(value: Record<string, unknown>): FrontMatter | undefined {
  if (!plainObject(value)) return undefined;
  for (const [key, field] of Object.entries(value)) {
    // Own keys only: `toString`, `valueOf` … are inherited by every object, and no field of ours.
    const check = Object.hasOwn(PLAIN_FIELDS, key) ? PLAIN_FIELDS[key] : undefined;
    if (check === undefined || !check(field)) return undefined;
  }
  const required = ['id', 'version', 'max_tokens'] as const;
  return required.every((key) => Object.hasOwn(value, key)) ? (value as FrontMatter) : undefined;
}

const text = (value: unknown): value is string => typeof value === 'string';
const nonEmptyText = (value: unknown): boolean => text(value) && value.length > 0;

/** Fields whose plain values the schema accepts unchanged; a field not here goes to the schema. */
const PLAIN_FIELDS: Record<string, (value: unknown) => boolean> = {
  id: nonEmptyText,
  version: (value) => nonEmptyText(value) || (typeof value === 'number' && Number.isFinite(value)),
  description: text,
  model: nonEmptyText,
  max_tokens: (value) => Number.isSafeInteger(value) && (value as number) > 0,
  system: text,
  output: plainObject,
  params: plainObject,
  variables: plainVariables,
  stream: (value) => typeof value === 'boolean',
};

function plainVariables(value: unknown): boolean {
  if (!plainObject(value)) return false;
  const seen = new Set<string>();
  for (const [name, type] of Object.entries(value)) {
    const bare = name.replace(/\?$/, '');
    if (!VARIABLE_NAME.test(name) || seen.has(bare) || !text(type) || !DECLARED_TYPE_PATTERN.test(type)) return false;
    seen.add(bare);
  }
  return true;
}

/** An object the schema's records and objects read as it is: no array, no class, no reserved key. */
function plainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && !Object.keys(value).some((key) => RESERVED.has(key));
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function buildFrontMatterSchema() {
  /** A prompt-caching mark: the TTL (`5m`, `1h`), or `true` for the default 5 minutes. */
  const cacheMark = z.union([z.literal('5m'), z.literal('1h'), z.literal(true)], {
    message: 'expected 5m, 1h or true (a prompt-caching TTL)',
  });

  /** One system block: its Handlebars text, and optionally a cache mark (the prefix up to it is cached). */
  const systemBlock = z.strictObject({ text: z.string(), cache: cacheMark.optional() });

  const tool = z.strictObject({
    name: z.string().regex(TOOL_NAME, 'a tool name is 1 to 64 letters, digits, _ or -'),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
    cache: cacheMark.optional(),
  });

  const toolChoice = z.union(
    [
      z.enum(['auto', 'any', 'none']),
      z.strictObject({ type: z.enum(['auto', 'any']), disable_parallel_tool_use: z.boolean().optional() }),
      z.strictObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
      z.strictObject({ type: z.literal('none') }),
    ],
    { message: 'expected auto, any, none, or { type: tool, name: <tool name> }' },
  );

  /** The front matter keys of a prompt file, as written (snake_case, like the Messages API). */
  return z.strictObject({
    id: z.string().min(1),
    version: z.union([z.string().min(1), z.number()]),
    description: z.string().optional(),
    model: z.string().min(1).optional(),
    max_tokens: z.number().int().positive(),
    /** The system prompt: one text, or a list of blocks (some marked for prompt caching). */
    system: z.union([z.string(), z.array(systemBlock).min(1)], { message: 'expected a text, or a list of { text, cache? } blocks' }).optional(),
    stop_sequences: z
      .array(z.string().refine((stop) => stop.trim() !== '', { message: 'a stop sequence must have a character other than whitespace (the API refuses an empty or blank one)' }))
      .optional(),
    output: z.record(z.string(), z.unknown()).optional(),
    variables: z
      .record(
        z.string(),
        z.string().regex(DECLARED_TYPE_PATTERN, {
          message: 'expected one of string, number, boolean, array, object, any (add "?" for optional, e.g. string?)',
        }),
      )
      .superRefine((variables, context) => {
        const seen = new Set<string>();
        for (const name of Object.keys(variables)) {
          if (!VARIABLE_NAME.test(name)) {
            context.addIssue({ code: 'custom', path: [name], message: 'a variable name is letters, digits and _ (not starting with a digit), optionally ending in "?" for optional' });
          }
          const bare = name.replace(/\?$/, '');
          if (seen.has(bare)) context.addIssue({ code: 'custom', path: [name], message: `"${bare}" is declared twice (with and without "?")` });
          seen.add(bare);
        }
      })
      .optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    /** Tools the model may call (JSON Schema inputs). */
    tools: z.array(tool).min(1).optional(),
    tool_choice: toolChoice.optional(),
    /** Stream the answer (time to first token is recorded). */
    stream: z.boolean().optional(),
  });
}
