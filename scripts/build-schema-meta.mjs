// Part of `npm run build`, after tsc: writes the draft-07 meta-schema's validator (ajv's standalone
// code, from the options every run uses) to dist/scoring/, so a run does not compile it at start-up.
// The standalone code require()s one helper of ajv's (runtime/equal, which requires fast-deep-equal);
// esbuild bundles it into the file, so loading the validator reads one file instead of resolving
// and reading two packages' (issue 17).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DRAFT_07_META_FILE } from '../dist/scoring/json-schema-meta.js';
import { draft07MetaSource } from '../dist/scoring/json-schema-meta-source.js';

const output = fileURLToPath(new URL(`../dist/scoring/${DRAFT_07_META_FILE}`, import.meta.url));
const bundled = await build({
  stdin: { contents: draft07MetaSource(), resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  write: false,
  logLevel: 'warning',
});
const source = bundled.outputFiles[0].text;
writeFileSync(output, source);
console.log(`JSON Schema draft-07 meta-schema validator: ${output} (${(source.length / 1024).toFixed(1)} kB)`);
