/**
 * The draft-07 meta-schema's validator, compiled at build time. ajv checks every schema against
 * its meta-schema before compiling it, and compiling the meta-schema's own validator takes ~50 ms:
 * most of the start-up of a small run whose suite has a `jsonSchema` scorer (issue 17). The build
 * (scripts/build-schema-meta.mjs, with json-schema-meta-source.ts) writes that validator as ajv's standalone code — the code ajv
 * would generate at run time, from the same options — to dist/scoring/, and the draft-07 ajv
 * instance checks schemas that name no `$schema` with it, at the same step and with the same
 * message as its own check. From the sources (tests), or without the file, ajv compiles the
 * meta-schema itself, as before.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { Options, ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { packagePath, runningFromSource } from '../packageRoot.js';

// CommonJS; under NodeNext the default export arrives as `module.exports`.
const addFormats = formatsModule.default;

/** Annotation keywords in common use beyond those ajv already knows (title, examples …). */
const EXTRA_ANNOTATIONS = ['example', 'markdownDescription', 'deprecationMessage'];

export const DRAFT_07_META_FILE = 'json-schema-draft-07-meta.cjs';

/** An ajv instance as every dialect's is set up: options, formats, the extra annotations. */
export function configuredAjv<T extends Ajv>(AjvClass: new (options: Options) => T, options: Options): T {
  const ajv = new AjvClass({ strict: true, allErrors: true, allowUnionTypes: true, ...options });
  addFormats(ajv);
  ajv.addVocabulary(EXTRA_ANNOTATIONS);
  return ajv;
}

/**
 * The instance, its check of a schema against the meta-schema (ajv's `validateSchema`, which it
 * runs inside `compile`) done by the build's validator when the schema takes the default dialect.
 */
export function withBuiltDraft07Meta(ajv: Ajv, meta = loadDraft07Meta()): Ajv {
  if (!meta) return ajv;
  const ownCheck = ajv.validateSchema.bind(ajv);
  ajv.validateSchema = (schema, throwOrLogError) => {
    if (typeof schema !== 'object' || schema === null || (schema as { $schema?: unknown }).$schema !== undefined) return ownCheck(schema, throwOrLogError);
    const valid = meta(schema) as boolean;
    ajv.errors = meta.errors ?? null;
    if (!valid && throwOrLogError) throw new Error(`schema is invalid: ${ajv.errorsText()}`);
    return valid;
  };
  return ajv;
}

/** The validator the build wrote, or undefined (running from the sources, or an incomplete build). */
export function loadDraft07Meta(file = packagePath('dist', 'scoring', DRAFT_07_META_FILE)): ValidateFunction | undefined {
  if (runningFromSource() && file === packagePath('dist', 'scoring', DRAFT_07_META_FILE)) return undefined;
  if (!existsSync(file)) return undefined;
  return createRequire(import.meta.url)(file) as ValidateFunction;
}
