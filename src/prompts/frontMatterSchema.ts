import { z } from 'zod';
import { DECLARED_TYPE_PATTERN } from './variableTypes.js';

const VARIABLE_NAME = /^[A-Za-z_$][\w$]*\??$/;

/** The front matter keys of a prompt file, as written (snake_case, like the Messages API). */
export const frontMatterSchema = z.strictObject({
  id: z.string().min(1),
  version: z.union([z.string().min(1), z.number()]),
  description: z.string().optional(),
  model: z.string().min(1).optional(),
  max_tokens: z.number().int().positive(),
  system: z.string().optional(),
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
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export const frontMatterKeys = Object.keys(frontMatterSchema.shape);
