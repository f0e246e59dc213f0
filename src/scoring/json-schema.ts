/**
 * JSON Schema validation with ajv in strict mode (a typo in a schema keyword is an error, not a
 * silently ignored rule), plus formats and a few widespread annotation keywords. Each schema is
 * compiled once: validators are cached by schema object identity and by its stable JSON, so a
 * schema rebuilt per case (e.g. declared inline in a dataset) still compiles only once. Patterns in
 * a schema run on the linear-time regex engine, so a schema cannot freeze a run either.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { stableStringify } from '../canonical.js';
import { InputError } from '../errors.js';
import { configuredAjv, withBuiltDraft07Meta } from './json-schema-meta.js';
import type { ErrorLocation } from '../errors.js';
import { linearRegExpEngine, UnsupportedPatternError } from './linearRegex.js';
import { quote } from './text.js';
import type { Scorer } from './types.js';
import { defaultName, jsonOutputReader, unreadableScore } from './value-source.js';
import type { FieldOption } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export type JsonSchema = Record<string, unknown> | boolean;

export interface JsonSchemaOptions extends FieldOption {
  name?: string;
  schema: JsonSchema;
  /** Where the schema was declared, for the error when it is invalid. */
  source?: ErrorLocation;
}

const ERRORS_SHOWN = 3;

type Dialect = 'draft-07' | '2019-09' | '2020-12';
const ajvByDialect = new Map<Dialect, Ajv>();

function ajvFor(dialect: Dialect): Ajv {
  let ajv = ajvByDialect.get(dialect);
  if (!ajv) {
    // `pattern` and `patternProperties` run on the linear-time engine, like every user regex.
    const options = { code: { regExp: linearRegExpEngine } };
    ajv = dialect === '2020-12' ? configuredAjv(Ajv2020, options) : dialect === '2019-09' ? configuredAjv(Ajv2019, options) : withBuiltDraft07Meta(configuredAjv(Ajv, options));
    ajvByDialect.set(dialect, ajv);
  }
  return ajv;
}

function dialectOf(schema: JsonSchema): Dialect {
  const declared = typeof schema === 'object' ? schema['$schema'] : undefined;
  if (typeof declared === 'string') {
    if (declared.includes('2020-12')) return '2020-12';
    if (declared.includes('2019-09')) return '2019-09';
  }
  return 'draft-07';
}

const byIdentity = new WeakMap<object, ValidateFunction>();
const byContent = new Map<string, ValidateFunction>();

/** The compiled validator for a schema; compiles at most once per distinct schema. */
export function compileJsonSchema(schema: JsonSchema, source?: ErrorLocation): ValidateFunction {
  const isObject = typeof schema === 'object' && schema !== null && !Array.isArray(schema);
  if (!isObject && typeof schema !== 'boolean') {
    throw new InputError(
      `invalid JSON Schema: expected an object or a boolean, got ${Array.isArray(schema) ? 'an array' : typeof schema}`,
      source ?? { field: 'schema' },
    );
  }
  if (isObject) {
    const known = byIdentity.get(schema);
    if (known) return known;
  }
  const key = stableStringify(schema);
  let validate = byContent.get(key);
  if (!validate) {
    try {
      validate = ajvFor(dialectOf(schema)).compile(schema);
    } catch (error) {
      if (error instanceof UnsupportedPatternError) {
        throw new InputError(`invalid JSON Schema: a "pattern" ${error.message}`, source ?? { field: 'schema' }, error.hint, error);
      }
      const detail = error instanceof Error ? error.message : String(error);
      throw new InputError(
        `invalid JSON Schema: ${detail}`,
        source ?? { field: 'schema' },
        'schemas are compiled in ajv strict mode: fix or remove the keyword named above (objects need "type": "object" next to "properties")',
        error,
      );
    }
    byContent.set(key, validate);
  }
  if (isObject) byIdentity.set(schema, validate);
  return validate;
}

/** `/category: must be equal to one of the allowed values (billing, bug…)`. */
export function describeAjvError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  let message = error.message ?? `fails ${error.keyword}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    const allowed = params['allowedValues'].map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
    message += ` (${allowed.slice(0, 5).join(', ')}${allowed.length > 5 ? '…' : ''})`;
  } else if (error.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    message += ` (${params['additionalProperty']})`;
  } else if (error.keyword === 'const') {
    message += ` (${quote(params['allowedValue'], 40)})`;
  }
  return `${where}: ${message}`;
}

export function describeAjvErrors(errors: readonly ErrorObject[]): string {
  const shown = errors.slice(0, ERRORS_SHOWN).map(describeAjvError).join('; ');
  return errors.length > ERRORS_SHOWN ? `${shown} (+${errors.length - ERRORS_SHOWN} more)` : shown;
}

const JSON_SCHEMA_OPTIONS = optionNames<JsonSchemaOptions>({ name: true, field: true, schema: true, source: true });

export function jsonSchema(options: JsonSchemaOptions): Scorer {
  refuseUnknownOptions('jsonSchema', options, JSON_SCHEMA_OPTIONS);
  const validate = compileJsonSchema(options.schema, options.source);
  const name = options.name ?? defaultName('jsonSchema', options.field);
  const side = jsonOutputReader(options.field);
  const title = typeof options.schema === 'object' && typeof options.schema['title'] === 'string' ? ` "${options.schema['title']}"` : '';

  return {
    name,
    score(sample) {
      const actual = side.read(sample);
      if (!actual.ok) return unreadableScore(name, actual);
      if (validate(actual.value)) {
        return { name, score: 1, pass: true, reason: `${side.label} matches JSON Schema${title}` };
      }
      const errors = validate.errors ?? [];
      return {
        name,
        score: 0,
        pass: false,
        reason: `${side.label} does not match JSON Schema${title}: ${describeAjvErrors(errors)}`,
        details: { errors: errors.slice(0, 10).map((e) => ({ path: e.instancePath || '/', message: e.message ?? e.keyword })) },
      };
    },
  };
}
