/**
 * The build's step for json-schema-meta.ts: the draft-07 meta-schema's validator as a CommonJS
 * module of ajv's standalone code, from the options every run's ajv has. Only the build and tests
 * load this (and ajv's code generator with it).
 */
import { Ajv } from 'ajv';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { configuredAjv } from './json-schema-meta.js';

// CommonJS; under NodeNext the default export arrives as `module.exports`.
const standaloneCode = standaloneModule.default;

export function draft07MetaSource(): string {
  const ajv = configuredAjv(Ajv, { code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  const validate = ajv.getSchema('http://json-schema.org/draft-07/schema');
  if (!validate) throw new Error('ajv has no draft-07 meta-schema');
  return standaloneCode(ajv, validate);
}
