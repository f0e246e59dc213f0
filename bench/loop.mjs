// The hand-written loop the engine is measured against (issue 17): what a user would write without
// promptgold for the bench/engine.mjs workload, with the same libraries — read the dataset, render
// the Handlebars template (compiled once, strict), call the echo provider, run the four checks
// (contains, Levenshtein similarity of the summary, the JSON Schema through ajv, the length check)
// and write one stable-stringified JSONL line per sample. No planning, no resume, no summary, no
// prompt store: the floor the machine allows.
//
//   node bench/loop.mjs <project folder made by bench/engine.mjs> <repeats> <out.jsonl>
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Ajv from 'ajv';
import stableStringify from 'fast-json-stable-stringify';
import { distance } from 'fastest-levenshtein';
import Handlebars from 'handlebars';

const [dir, repeatsText, outFile] = process.argv.slice(2);
const repeats = Number(repeatsText);

const source = await readFile(join(dir, 'prompt.hbs'), 'utf8');
const [, frontMatter, body] = source.split(/^---\n/m);
const system = /^system: (.*)$/m.exec(frontMatter)[1];
const render = Handlebars.compile(body, { strict: true, noEscape: true });
const validate = new Ajv({ allErrors: true }).compile({
  type: 'object',
  required: ['category', 'summary'],
  properties: { category: { enum: ['billing', 'bug', 'account'] }, summary: { type: 'string' } },
});
const categories = ['billing', 'bug', 'account'];
const provider = async (input) => ({ category: categories[input.n % 3], summary: `Customer reports ${input.ticket.slice(0, 40)}` });

const out = createWriteStream(outFile);
const write = async (line) => {
  if (!out.write(line)) await once(out, 'drain');
};

let index = 0;
for await (const line of createInterface({ input: createReadStream(join(dir, 'cases.jsonl')), crlfDelay: Infinity })) {
  if (!line) continue;
  const testCase = JSON.parse(line);
  for (let repeat = 0; repeat < repeats; repeat++) {
    const user = render(testCase.vars);
    const started = performance.now();
    const output = JSON.stringify(await provider(testCase.vars));
    const latencyMs = Math.round(performance.now() - started);
    const parsed = JSON.parse(output);
    const expected = testCase.expected.summary;
    const similarity = 1 - distance(parsed.summary, expected) / Math.max(parsed.summary.length, expected.length, 1);
    const valid = validate(parsed);
    const scores = [
      { name: 'contains', score: output.includes('Customer') ? 1 : 0, pass: output.includes('Customer') },
      { name: 'fuzzy', score: similarity, pass: similarity >= 0.6, reason: `similarity ${similarity.toFixed(2)}` },
      { name: 'jsonSchema', score: valid ? 1 : 0, pass: valid },
      { name: 'short-summary', score: output.length < 400 ? 1 : 0, pass: output.length < 400 },
    ];
    const record = {
      index: index++, caseId: testCase.id, repeat, system, user, output, scores,
      score: scores.reduce((total, s) => total + s.score, 0) / scores.length, pass: scores.every((s) => s.pass), latencyMs,
    };
    await write(`${stableStringify(record)}\n`);
  }
}
out.end();
await once(out, 'finish');
