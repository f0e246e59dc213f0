// Part of `npm run build`, after tsc: writes the draft-07 meta-schema's validator (ajv's standalone
// code, from the options every run uses) to dist/scoring/, so a run does not compile it at start-up.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DRAFT_07_META_FILE } from '../dist/scoring/json-schema-meta.js';
import { draft07MetaSource } from '../dist/scoring/json-schema-meta-source.js';

const output = fileURLToPath(new URL(`../dist/scoring/${DRAFT_07_META_FILE}`, import.meta.url));
const source = draft07MetaSource();
writeFileSync(output, source);
console.log(`JSON Schema draft-07 meta-schema validator: ${output} (${(source.length / 1024).toFixed(1)} kB)`);
