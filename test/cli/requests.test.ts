/**
 * A prompt written as a full Claude request — cached system block, few-shot turns, a PDF and an
 * image next to the dataset, two tools, streaming — run live against the strict fake with
 * `--record`, then replayed offline: the API receives the request as written; the record keeps
 * tool calls, thinking, cache usage and time to first token; replay gives them back byte for byte;
 * the console and the HTML report show them; the prompt store holds the turns without the data.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { startFakeAnthropic, type FakeAnthropic, type MessagesRequestBody } from '../../src/testing/index.js';
import { PNG_BASE64, TINY_PDF } from '../helpers/attachments.js';
import { linkPromptgold, runCli, type CliResult } from '../helpers/cli.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';
import { embeddedReport } from '../report/html/embedded.js';

const KEY = ['sk', 'ant', 'test-requests-0123456789'].join('-');
const POLICY = 'Refunds are possible within 30 days of a charge; duplicate charges are always refunded. '.repeat(200);

const PROMPT = `---
id: support
version: v1
max_tokens: 2000
params:
  thinking: { type: enabled, budget_tokens: 1024 }
system:
  - text: |
      You are the support assistant of Tallyhive.
      ${POLICY}
    cache: 5m
  - text: "Customer tier: {{tier}}"
tools:
  - name: lookup_invoice
    description: Find an invoice by its number
    input_schema:
      type: object
      additionalProperties: false
      required: [number]
      properties:
        number: { type: string, pattern: "^INV-[0-9]{5}$" }
  - name: create_refund
    description: Refund an invoice
    input_schema:
      type: object
      required: [number, amount]
      properties:
        number: { type: string }
        amount: { type: number, exclusiveMinimum: 0 }
tool_choice: auto
variables:
  examples: array
  tier: string
  message: string
  attachment: string?
---
{{#each examples}}
{{#user}}
{{this.message}}
{{/user}}
{{#assistant}}
{{this.reply}}
{{/assistant}}
{{/each}}
{{#user}}
{{document "docs/policy.pdf" title="Refund policy" citations=true}}
{{#if attachment}}{{image attachment}}{{/if}}
{{message}}
{{/user}}
`;

const EXAMPLES = [{ message: 'How do I export invoices?', reply: 'Go to Reports → Export and pick CSV.' }];
const CASES = [
  { id: 'refund', vars: { examples: EXAMPLES, tier: 'pro', message: 'I was charged twice for INV-10421.' }, expected: { tool: 'lookup_invoice' } },
  { id: 'screenshot', vars: { examples: EXAMPLES, tier: 'free', message: 'What is this error?', attachment: 'docs/error.png' }, expected: { tool: null } },
  { id: 'how-to', vars: { examples: EXAMPLES, tier: 'free', message: 'How do I add a logo?' }, expected: { tool: null } },
];

const SUITE = `import { custom, defineSuite } from 'promptgold';
export default defineSuite({
  name: 'support',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './fixtures/cases.jsonl',
  recordings: './recordings/support.jsonl',
  stream: true,
  repeats: 2,
  concurrency: 1,
  scorers: [
    custom('tool', (sample) => {
      const wanted = sample.expected.tool;
      const called = sample.generation.toolCalls?.[0]?.name ?? null;
      return { score: called === wanted ? 1 : 0, pass: called === wanted, reason: \`called \${called}, expected \${wanted}\` };
    }),
  ],
});
`;

/** The fake model: looks up an invoice when the last turn names one, and thinks first. */
function respond(body: MessagesRequestBody) {
  const last = JSON.stringify(body.messages?.at(-1)?.content ?? '');
  const invoice = /INV-\d{5}/.exec(last)?.[0];
  if (invoice) return { text: 'Let me look up that invoice.', thinking: 'A duplicate charge: check the invoice first.', toolCalls: [{ name: 'lookup_invoice', input: { number: invoice } }] };
  return { text: 'Here is how: open Settings → Branding.', thinking: null };
}

let project: TempProject;
let fake: FakeAnthropic;
let live: CliResult;
let replay: CliResult;
let liveDir: string;
let replayDir: string;

async function runDirs(): Promise<string[]> {
  return (await readdir(project.path('reports/runs'))).sort().map((name) => project.path('reports/runs', name));
}

beforeAll(async () => {
  fake = await startFakeAnthropic({ respond });
  project = await tempProject({
    'suites/support.eval.ts': SUITE,
    'suites/prompts/support.v1.hbs': PROMPT,
    'suites/fixtures/cases.jsonl': CASES.map((c) => JSON.stringify(c)).join('\n'),
  });
  await project.write('suites/fixtures/docs/policy.pdf', TINY_PDF);
  await writeFile(project.path('suites/fixtures/docs/error.png'), Buffer.from(PNG_BASE64, 'base64'));
  await linkPromptgold(project.root);
  live = await runCli(['run', '--provider', 'anthropic', '--record', '--no-cache'], project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: fake.url } });
  liveDir = (await runDirs())[0]!;
  await new Promise((resolve) => setTimeout(resolve, 1100)); // run folders are named by the second
  replay = await runCli(['run', '--provider', 'replay'], project.root);
  replayDir = (await runDirs()).find((dir) => dir !== liveDir)!;
}, 120_000);

afterAll(async () => {
  await fake?.close();
  await project?.cleanup();
});

describe('a full Claude request, live against the strict fake and replayed', () => {
  it('runs live and replays with exit 0', () => {
    expect(live.stderr).not.toMatch(/internal error/);
    expect(live.code).toBe(0);
    expect(replay.code).toBe(0);
  });

  it('sends what the template says: cached system block, few-shot turns, the PDF and image, tools, tool choice, stream', () => {
    const bodies = fake.log.filter((e) => e.path === '/v1/messages').map((e) => e.body as Record<string, unknown>);
    expect(bodies).toHaveLength(6);
    for (const body of bodies) {
      expect(body.stream).toBe(true);
      expect((body.system as Array<Record<string, unknown>>)[0]!.cache_control).toEqual({ type: 'ephemeral', ttl: '5m' });
      expect((body.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['lookup_invoice', 'create_refund']);
      expect(body.tool_choice).toEqual({ type: 'auto' });
      const messages = body.messages as Array<{ role: string; content: unknown }>;
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      const last = messages[2]!.content as Array<Record<string, unknown>>;
      expect(last[0]).toMatchObject({ type: 'document', title: 'Refund policy', citations: { enabled: true }, source: { media_type: 'application/pdf' } });
    }
    const withImage = bodies.filter((b) => JSON.stringify(b.messages).includes('"type":"image"'));
    expect(withImage).toHaveLength(2); // the screenshot case, both repeats
  });

  it('records tool calls, thinking, streaming, time to first token and prompt-cache usage, within the record schema', async () => {
    const record = await readRecord(`${liveDir}/run.jsonl`);
    const refund = record.samples.filter((s) => s.caseId === 'refund');
    const howTo = record.samples.filter((s) => s.caseId === 'how-to');
    for (const sample of refund) {
      expect(sample.toolCalls).toEqual([{ id: expect.any(String), name: 'lookup_invoice', input: { number: 'INV-10421' } }]);
      expect(sample.stopReason).toBe('tool_use');
      expect(sample.thinking).toBe('A duplicate charge: check the invoice first.');
      expect(sample.pass).toBe(true);
    }
    for (const sample of howTo) expect(sample).not.toHaveProperty('toolCalls');
    for (const sample of record.samples) {
      expect(sample.streamed).toBe(true);
      expect(sample.ttftMs).toBeGreaterThanOrEqual(0);
    }
    // The first request writes the cached system block; every later one reads it back.
    const usages = record.samples.map((s) => s.usage!);
    expect(usages[0]!.cacheCreationInputTokens).toBeGreaterThan(0);
    expect(usages.slice(1).every((u) => (u.cacheReadInputTokens ?? 0) > 0)).toBe(true);
    expect(record.samples.slice(1).every((s) => (s.cacheSavedUsd ?? 0) > 0)).toBe(true);
    const cell = record.summary!.cells[0]!;
    expect(cell.cache).toMatchObject({ samples: 6, hits: 5, hitRate: 0.833333 });
    expect(cell.cache!.savedUsd).toBeGreaterThan(0);
    expect(cell.ttftMs!.p50).not.toBeNull();
    expect(cell.toolCalls).toEqual({ answers: 2, byTool: { lookup_invoice: 2 } });

    const { Ajv } = await import('ajv');
    const validate = new Ajv({ strict: false }).compile(JSON.parse(await readFile(new URL('../../schemas/run-record.schema.json', import.meta.url), 'utf8')));
    for (const line of (await readFile(`${liveDir}/run.jsonl`, 'utf8')).trim().split('\n')) {
      expect(validate(JSON.parse(line)), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('replays every sample with the same tool calls, thinking, usage, cost and time to first token', async () => {
    const liveRecord = await readRecord(`${liveDir}/run.jsonl`);
    const replayRecord = await readRecord(`${replayDir}/run.jsonl`);
    const kept = (s: (typeof liveRecord.samples)[number]) => ({
      output: s.output,
      toolCalls: s.toolCalls,
      thinking: s.thinking,
      usage: s.usage,
      costUsd: s.costUsd,
      cacheSavedUsd: s.cacheSavedUsd,
      ttftMs: s.ttftMs,
      streamed: s.streamed,
      latencyMs: s.latencyMs,
      scores: s.scores,
    });
    expect(replayRecord.samples.map(kept)).toEqual(liveRecord.samples.map(kept));
    expect(await readFile(`${replayDir}/prompts.jsonl`, 'utf8')).toBe(await readFile(`${liveDir}/prompts.jsonl`, 'utf8'));
    const again = await runCli(['run', '--provider', 'replay', '--out', project.path('again')], project.root);
    expect(again.code).toBe(0);
    const [againDir] = (await readdir(project.path('again'))).map((name) => project.path('again', name));
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(body(await readFile(`${againDir}/run.jsonl`, 'utf8'))).toBe(body(await readFile(`${replayDir}/run.jsonl`, 'utf8')));
  });

  it('stores the turns with the PDF and image by content hash, never their data', async () => {
    const store = await readFile(`${liveDir}/prompts.jsonl`, 'utf8');
    const lines = store.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(store).not.toContain(Buffer.from(TINY_PDF).toString('base64'));
    expect(store).not.toContain(PNG_BASE64);
    expect(store).toContain('"mediaType":"application/pdf"');
    for (const line of lines) expect((line.messages as unknown[]).length).toBe(3);
  });

  it('shows time to first token, prompt caching and tool calls in the console', () => {
    expect(live.stdout).toMatch(/ttft p50\s+ttft p95\s+cache hits\s+cache read tok\s+cache saved( {2}|\n)/);
    expect(live.stdout).toMatch(/83\.3%/);
    expect(live.stdout).toMatch(/tool calls:\n {2}v1 × claude-haiku-4-5: 2 of 6 answers called tools \(lookup_invoice ×2\)/);
  });

  it('shows the turns, the blocks, tool calls, ttft and cache figures in the HTML report', async () => {
    const html = await readFile(`${replayDir}/report.html`, 'utf8');
    const report = embeddedReport(html);
    expect(report.data.cells[0]).toMatchObject({ cache: { hitRate: 0.833333 } });
    expect(report.data.cells[0]!.ttftP50Ms).toEqual(expect.any(Number));
    const { chunk } = report.detail(0);
    const prompt = chunk.prompts[0]!;
    expect(prompt.turns!.map((t) => t.role)).toEqual(['system', 'tools', 'user', 'assistant', 'user']);
    const lastTurn = prompt.turns![4]!.lines.map((i) => chunk.strings[i]).join('\n');
    expect(lastTurn).toMatch(/^\[document: application\/pdf, \d+ B, sha256 [0-9a-f]{12}, "Refund policy", citations\]/);
    const refund = report.detail(report.cases.findIndex((c) => c.id === 'refund')).detail;
    expect(refund.candidate!.repeats[0]!.tc).toEqual(['lookup_invoice {"number":"INV-10421"}']);
    expect(refund.candidate!.repeats[0]!.ttft).toEqual(expect.any(Number));
  });
});
