import * as z from 'zod';
import { DECLARED_TYPE_PATTERN } from './variableTypes.js';

const VARIABLE_NAME = /^[A-Za-z_$][\w$]*\??$/;

/** A prompt-caching mark: the TTL (`5m`, `1h`), or `true` for the default 5 minutes. */
const cacheMark = z.union([z.literal('5m'), z.literal('1h'), z.literal(true)], {
  message: 'expected 5m, 1h or true (a prompt-caching TTL)',
});

/** One system block: its Handlebars text, and optionally a cache mark (the prefix up to it is cached). */
const systemBlock = z.strictObject({ text: z.string(), cache: cacheMark.optional() });

/** The API's tool names: letters, digits, `_` and `-`, at most 64. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

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
export const frontMatterSchema = z.strictObject({
  id: z.string().min(1),
  version: z.union([z.string().min(1), z.number()]),
  description: z.string().optional(),
  model: z.string().min(1).optional(),
  max_tokens: z.number().int().positive(),
  /** The system prompt: one text, or a list of blocks (some marked for prompt caching). */
  system: z.union([z.string(), z.array(systemBlock).min(1)], { message: 'expected a text, or a list of { text, cache? } blocks' }).optional(),
  stop_sequences: z.array(z.string()).optional(),
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

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export const frontMatterKeys = Object.keys(frontMatterSchema.shape);
