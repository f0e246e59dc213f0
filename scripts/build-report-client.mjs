// Part of `npm run build`, after tsc: bundles the HTML report's page script (the typed modules in
// src/report/html/client/) into dist/report/html/, where the compiled renderer reads it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleClient, CLIENT_BUNDLE_FILE } from '../dist/report/html/clientBundle.js';

const entry = fileURLToPath(new URL('../src/report/html/client/main.ts', import.meta.url));
const output = fileURLToPath(new URL(`../dist/report/html/${CLIENT_BUNDLE_FILE}`, import.meta.url));
const script = bundleClient(entry);
writeFileSync(output, script);
console.log(`report page script: ${output} (${(script.length / 1024).toFixed(1)} kB)`);
