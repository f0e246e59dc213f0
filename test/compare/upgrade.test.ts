import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateUpgradePricing, tokenizerFactor, TOKENIZER_GROWTH, upcomingRetirement, upgradeDecision } from '../../src/compare/upgrade.js';
import { formatPricing, pricingMarkdown, pricingNote, retirementText, type PricingContext } from '../../src/report/upgrade.js';
import { DEFAULT_POLICY } from '../../src/compare/policy.js';
import type { CellComparison, OperationalDeltas } from '../../src/compare/types.js';
import { delta } from '../../src/compare/operational.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import { embeddedReport } from '../report/html/embedded.js';
import { linkPromptgold, REPO_ROOT, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, ECHO_PROMPT_V2, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

/** A project with `files`, the echo prompt and `cases` word cases under suites/, linked to promptgold; removed after `body`. */
async function inEchoProject(files: Record<string, string>, cases: number, body: (project: TempProject) => Promise<void>): Promise<void> {
  const project = await tempProject({ ...files, 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': `${wordCases(cases)}\n` });
  try {
    await linkPromptgold(project.root);
    await body(project);
  } finally {
    await project.cleanup();
  }
}

describe('upgrade pricing and retirement', () => {
  const table = loadModelTable();
  const operational = {
    costUsd: delta(0.001, 0.001),
    inputTokens: delta(1000, 1000),
    outputTokens: delta(100, 120),
    latencyMeanMs: delta(null, null),
    latencyP50Ms: delta(null, null),
    latencyP95Ms: delta(null, null),
  };

  it('applies the tokenizer growth only across a major generation', () => {
    expect(tokenizerFactor('claude-sonnet-4-5', 'claude-sonnet-5-5')).toBe(TOKENIZER_GROWTH);
    expect(tokenizerFactor('claude-sonnet-4-5', 'claude-sonnet-4-6')).toBe(1);
    expect(tokenizerFactor('my-model', 'claude-sonnet-5-5')).toBe(1);
  });

  it('re-prices the new model from the old measured input tokens × growth (offline estimate)', () => {
    const p = estimateUpgradePricing({ from: 'claude-sonnet-4-5', to: 'claude-sonnet-5-5', operational, table, measured: false });
    expect(p.basis).toBe('estimate');
    expect(p.to.inputTokensPerSample).toBeCloseTo(1300, 9);
    // sonnet-4-5: 1000 × $3 + 100 × $15 per million; sonnet-5-5: 1300 × $2 + 120 × $10 per million.
    expect(p.from.costPerSampleUsd).toBeCloseTo(0.0045, 12);
    expect(p.to.costPerSampleUsd).toBeCloseTo(0.0038, 12);
    expect(p.relativeCost).toBeCloseTo(0.0038 / 0.0045 - 1, 12);
    expect(pricingNote(p)).toMatch(/estimate: .*× 1\.3 \(newer tokenizers count ~30% more/);
    const measured = estimateUpgradePricing({ from: 'claude-sonnet-4-5', to: 'claude-sonnet-5-5', operational, table, measured: true });
    expect(measured.basis).toBe('measured');
    expect(measured.to.inputTokensPerSample).toBe(1000);
    expect(pricingNote(measured)).toBe('input tokens of claude-sonnet-5-5 as counted by the API');
  });

  it('tells the recorded cost change maxCostIncrease reads from the list-price estimate beside it', () => {
    // The run recorded $0.0045 → $0.0060 (+33%: NO-GO under maxCostIncrease 0.2); the list-price
    // estimate with the ×1.3 tokenizer says −16%. Before, the pricing section showed "(−16%)" alone
    // under a NO-GO whose reason said +33%: two cost changes, one unlabelled.
    const cell = 'v1 × claude-sonnet-4-5 → v1 × claude-sonnet-5-5';
    const recordedOperational: OperationalDeltas = { ...operational, costUsd: delta(0.0045, 0.006) };
    const pricing = [{ cell, ...estimateUpgradePricing({ from: 'claude-sonnet-4-5', to: 'claude-sonnet-5-5', operational: recordedOperational, table, measured: false }) }];
    const context = (operational: OperationalDeltas, maxCostIncrease: number | null): PricingContext => ({
      cells: [{ label: cell, operational } as CellComparison],
      policy: { ...DEFAULT_POLICY, maxCostIncrease },
    });
    const text = formatPricing(pricing, context(recordedOperational, 0.2));
    expect(text).toContain('claude-sonnet-5-5: 1300 in (estimate) / 120 out → $0.003800 (−16% at list prices, estimated)');
    expect(text).toContain('cost per sample recorded in the run (what maxCostIncrease checks): $0.004500 → $0.006000 (+33%), not the list-price figures above');
    expect(pricingMarkdown(pricing, undefined, context(recordedOperational, 0.2))).toContain(
      'Cost per sample recorded in the run (what maxCostIncrease checks): $0.004500 → $0.006000 (+33%), not the list-price figures of this table.',
    );
    expect(formatPricing(pricing, context(recordedOperational, null))).toContain('cost per sample recorded in the run: $0.004500 → $0.006000 (+33%)');
    // No recorded cost (a function provider), or the same change: one figure, shown as before.
    const unpriced = formatPricing(pricing, context({ ...operational, costUsd: delta(0, 0) }, 0.2));
    expect(unpriced).toContain('→ $0.003800 (−16%)\n');
    expect(unpriced).not.toContain('recorded');
    expect(formatPricing(pricing, context({ ...operational, costUsd: delta(0.0045, 0.0038) }, 0.2))).not.toContain('recorded');
    // A baseline without a price: the rule was not applied (a note says so), so the line does not claim it.
    const halfPriced = formatPricing(pricing, context({ ...operational, costUsd: delta(0, 0.01) }, 0.2));
    expect(halfPriced).toContain('cost per sample recorded in the run: ');
    expect(halfPriced).not.toContain('what maxCostIncrease checks');
  });

  it('says no price was reported where a provider reported no tokens, rather than a $0 to read as free', () => {
    // A function provider that reports no usage: 0 tokens a sample, so the list price came out $0.000000.
    const cell = 'v1 × claude-sonnet-4-5 → v1 × claude-sonnet-4-6';
    const unreported: OperationalDeltas = { ...operational, costUsd: delta(0, 0), inputTokens: delta(0, 0), outputTokens: delta(0, 0) };
    const pricing = [{ cell, ...estimateUpgradePricing({ from: 'claude-sonnet-4-5', to: 'claude-sonnet-4-6', operational: unreported, table, measured: false }) }];
    const context: PricingContext = { cells: [{ label: cell, operational: unreported } as CellComparison], policy: DEFAULT_POLICY };
    const text = formatPricing(pricing, context);
    expect(text).not.toMatch(/\$0\.0+\b/);
    expect(text).toContain('claude-sonnet-4-5: 0 in / 0 out → no price reported');
    expect(text).toContain('claude-sonnet-4-6: 0 in (estimate) / 0 out → no price reported\n');
    const markdown = pricingMarkdown(pricing, undefined, context);
    expect(markdown).not.toMatch(/\$0\.0+\b/);
    expect(markdown).toContain('| no price reported |');
    // Only the new model reported none: no "−100%" beside it.
    const halfReported: OperationalDeltas = { ...operational, inputTokens: delta(1000, 0), outputTokens: delta(100, 0) };
    const half = formatPricing([{ cell, ...estimateUpgradePricing({ from: 'claude-sonnet-4-5', to: 'claude-sonnet-4-6', operational: halfReported, table, measured: true }) }], context);
    expect(half).toContain('claude-sonnet-4-5: 1000 in / 100 out → $0.004500');
    expect(half).toContain('claude-sonnet-4-6: 0 in / 0 out → no price reported\n');
  });

  it('warns within 90 days of retirement', () => {
    const soon = upcomingRetirement('claude-sonnet-4-5', table, new Date('2026-11-22T12:00:00Z'));
    expect(soon).toEqual({ model: 'claude-sonnet-4-5', date: '2026-11-30', days: 8 });
    expect(retirementText(soon!)).toBe('claude-sonnet-4-5 retires on 2026-11-30, in 8 days');
    const past = upcomingRetirement('claude-sonnet-4-5', table, new Date('2026-12-02T00:00:00Z'));
    expect(past).toEqual({ model: 'claude-sonnet-4-5', date: '2026-11-30', days: -2 });
    expect(retirementText(past!)).toBe('claude-sonnet-4-5 retired on 2026-11-30 (2 days ago)');
    expect(retirementText(upcomingRetirement('claude-sonnet-4-5', table, new Date('2026-11-29T00:00:00Z'))!)).toBe('claude-sonnet-4-5 retires on 2026-11-30, in 1 day');
    expect(upcomingRetirement('claude-sonnet-4-5', table, new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(upcomingRetirement('claude-sonnet-5-5', table, new Date('2026-11-22T00:00:00Z'))).toBeUndefined();
  });

  it('maps the verdict to go / no-go / inconclusive', () => {
    expect(upgradeDecision('pass')).toBe('go');
    expect(upgradeDecision('fail')).toBe('no-go');
    expect(upgradeDecision('inconclusive')).toBe('inconclusive');
  });
});

describe("upgrade-check judges the new model's own run too", () => {
  it('says NO-GO (exit 3) when the new model left most samples unscored, though the repeats it answered compare well', async () => {
    // claude-sonnet-4-6 throws on repeats 0 and 1 of every case; claude-sonnet-4-5 once. Each case
    // keeps one scored repeat, so the comparison alone had passed.
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9, maxErrorRate: 0.05,
  provider: (input, context) => {
    if (context.model === 'claude-sonnet-4-6' && context.repeat < 2) throw new Error('overloaded');
    if (context.model === 'claude-sonnet-4-5' && context.caseId === 'w000' && context.repeat === 0) throw new Error('timeout');
    return String(input.word);
  } });
`,
    };
    await inEchoProject(files, 40, async (project) => {
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--html', 'up.html', '--markdown', 'up.md', '--json', 'up.json'], project.root, { timeoutMs: 120_000 });
      expect(result.stdout).toContain("claude-sonnet-4-6's own run fails: 80 of its 120 samples were not scored; maxErrorRate allows 5%");
      expect(result.stdout).toContain('decision: NO-GO');
      expect(result.code).toBe(3);
      const json = JSON.parse(await readFile(project.path('up.json'), 'utf8'));
      expect(json).toMatchObject({ decision: 'no-go', candidateRun: [{ kind: 'unscored', notScored: 80, samples: 120, maxErrorRate: 0.05 }] });
      // The page and the Markdown head with the decision's verdict, not the comparison's PASS.
      const own = "claude-sonnet-4-6's own run fails: 80 of its 120 samples were not scored; maxErrorRate allows 5%";
      const page = embeddedReport(await readFile(project.path('up.html'), 'utf8')).data.verdict;
      expect(page.verdict).toBe('fail');
      expect(page.reasons[0]).toBe(own);
      const markdown = await readFile(project.path('up.md'), 'utf8');
      expect(markdown).toContain(`**Verdict: ❌ fail**\n\n- ${own.replace(/_/g, '\\_')}\n`);
      expect(markdown.split(own.slice(0, 40)).length).toBe(2);
      // Said once: the comparison's own reason for the same unscored samples gives way to the model's.
      expect(markdown).not.toContain('the candidate left 80 of its 120 samples unscored');
      expect(page.reasons.join('\n')).not.toContain('the candidate left');
    });
  });
});

describe("upgrade-check counts the old model's unscored samples too", () => {
  it('exits 3, not 0, when the old model left its samples unscored: the comparison had nothing to stand on', async () => {
    // claude-sonnet-4-5 fails on every sample: 0 paired cases, INCONCLUSIVE, and exit 0 before,
    // with half the run unscored (promptgold run of the same run exits 3).
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9, maxErrorRate: 0.05,
  provider: (input, context) => {
    if (context.model === 'claude-sonnet-4-5') throw new Error('overloaded');
    return String(input.word);
  } });
`,
    };
    await inEchoProject(files, 40, async (project) => {
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--json', 'up.json'], project.root, { timeoutMs: 120_000 });
      expect(result.stdout).toContain("claude-sonnet-4-5's own run fails: 120 of its 120 samples were not scored; maxErrorRate allows 5%");
      expect(result.stdout).toContain('decision: INCONCLUSIVE');
      expect(result.code).toBe(3);
      const json = JSON.parse(await readFile(project.path('up.json'), 'utf8'));
      expect(json).toMatchObject({ decision: 'inconclusive', candidateRun: [], baselineRun: [{ kind: 'unscored', notScored: 120, samples: 120, maxErrorRate: 0.05 }] });
    });
  });
});

describe("upgrade-check with the old model's samples unscored and a regression found", () => {
  it('says NO-GO, not INCONCLUSIVE: the regression on the cases both models scored stands', async () => {
    // claude-sonnet-4-5 fails on one repeat of 10 cases (10 of 120 samples, over maxErrorRate 5%);
    // claude-sonnet-4-6 answers wrong on half the cases. The comparison fails (a regression), but
    // the old model's unscored samples turned the decision into INCONCLUSIVE.
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], maxErrorRate: 0.05,
  provider: (input, context) => {
    const n = Number(context.caseId.slice(1));
    if (context.model === 'claude-sonnet-4-5' && n < 10 && context.repeat === 0) throw new Error('overloaded');
    if (context.model === 'claude-sonnet-4-6' && n % 2 === 0) return 'broken';
    return String(input.word);
  } });
`,
    };
    await inEchoProject(files, 40, async (project) => {
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--json', 'up.json'], project.root, { timeoutMs: 120_000 });
      expect(result.stdout).toContain('verdict: FAIL');
      expect(result.stdout).toContain("claude-sonnet-4-5's own run fails: 10 of its 120 samples were not scored; maxErrorRate allows 5%");
      expect(result.stdout).toContain('decision: NO-GO');
      expect(result.code).toBe(3);
      const json = JSON.parse(await readFile(project.path('up.json'), 'utf8'));
      expect(json).toMatchObject({ decision: 'no-go', candidateRun: [], baselineRun: [{ kind: 'unscored', notScored: 10, samples: 120 }] });
    });
  });
});

describe('upgrade-check whose run stops on a provider failure', () => {
  it('exits 3 (provider or infrastructure failure), not 2 (usage or input error)', async () => {
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact, ProviderError } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9,
  provider: (input, context) => {
    if (context.model === 'claude-sonnet-4-6') throw new ProviderError('auth', 'invalid x-api-key', { status: 401, fatal: true });
    return String(input.word);
  } });
`,
    };
    await inEchoProject(files, 10, async (project) => {
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html'], project.root, { timeoutMs: 120_000 });
      expect(result.stderr).toMatch(/the run stopped: invalid x-api-key/);
      expect(result.stdout).not.toContain('decision:');
      expect(result.code).toBe(3);
    });
  });
});

describe('upgrade-check --repeat', () => {
  it('refuses more repeats than a suite may have (exit 2), before anything runs', async () => {
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact, ProviderError } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9,
  provider: () => { throw new ProviderError('auth', 'nothing should be sent', { status: 401, fatal: true }); } });
`,
    };
    await inEchoProject(files, 1, async (project) => {
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--repeat', '1001'], project.root);
      expect(result.stderr).toMatch(/--repeat: expected a whole number from 1 to 1000, got "1001"\n {2}hint: the range of the suite's `repeats` field, which --repeat overrides/);
      expect(result.stderr).not.toMatch(/nothing should be sent|internal error/);
      expect(result.code).toBe(2);
    });
  });
});

describe('upgrade-check --reuse of two runs', () => {
  it('compares the first run\'s old model with the second run\'s new model, not one run with itself', async () => {
    // The first run holds both models; the second, newer, holds the new model failing every case.
    // The first run that held each model was taken: the second run was silently left out, GO.
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9,
  provider: (input) => (process.env.BREAK_IT ? 'broken' : String(input.word)) });
`,
    };
    await inEchoProject(files, 300, async (project) => {
      const both = await runCli(['run', 'suites/up.eval.ts', '--model', 'claude-sonnet-4-5,claude-sonnet-4-6', '--no-html'], project.root, { timeoutMs: 120_000 });
      expect(both.code, both.stderr).toBe(0);
      const [first] = await readdir(project.path('reports/runs'));
      const newer = await runCli(['run', 'suites/up.eval.ts', '--model', 'claude-sonnet-4-6', '--no-html'], project.root, { timeoutMs: 120_000, env: { BREAK_IT: '1' } });
      expect(newer.code).toBe(1);
      const second = (await readdir(project.path('reports/runs'))).find((folder) => folder !== first)!;
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--reuse', `reports/runs/${first}`, `reports/runs/${second}`], project.root);
      expect(result.stdout).toContain(`reports/runs/${first}/run.jsonl [model=claude-sonnet-4-5] → reports/runs/${second}/run.jsonl [model=claude-sonnet-4-6]`);
      expect(result.stdout).toContain('decision: NO-GO');
      expect(result.code).toBe(1);
      // A second run neither side can use is refused rather than left out.
      const unused = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-6', '--to', 'claude-sonnet-4-5', '--no-html', '--reuse', `reports/runs/${first}`, `reports/runs/${second}`], project.root);
      expect(unused.code).toBe(2);
      expect(unused.stderr).toContain(`--reuse: of two runs, the first is the baseline (it needs claude-sonnet-4-6) and the second the candidate (it needs claude-sonnet-4-5): reports/runs/${second} has only claude-sonnet-4-6`);
    });
  });
});

describe('upgrade-check --reuse: repeats', () => {
  it('warns of few repeats when either run has them, not only the candidate', async () => {
    // A one-repeat baseline beside a three-repeat candidate said nothing: the warning read the candidate's header only.
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], repeats: Number(process.env.REPEATS), provider: (input) => String(input.word) });
`,
    };
    await inEchoProject(files, 20, async (project) => {
      const once = await runCli(['run', 'suites/up.eval.ts', '--model', 'claude-sonnet-4-5', '--no-html'], project.root, { timeoutMs: 120_000, env: { REPEATS: '1' } });
      expect(once.code, once.stderr).toBe(0);
      const [first] = await readdir(project.path('reports/runs'));
      const thrice = await runCli(['run', 'suites/up.eval.ts', '--model', 'claude-sonnet-4-6', '--no-html'], project.root, { timeoutMs: 120_000, env: { REPEATS: '3' } });
      expect(thrice.code, thrice.stderr).toBe(0);
      const second = (await readdir(project.path('reports/runs'))).find((folder) => folder !== first)!;
      const check = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--reuse', `reports/runs/${first}`, `reports/runs/${second}`], project.root, { env: { REPEATS: '3' } });
      expect(check.stderr).toBe('');
      expect(check.stdout).toContain('only 1 repeat(s) per case: outputs vary between calls, use at least 3');
    });
  });
});

describe('upgrade-check answers only for the suite it was asked about', () => {
  it('refuses --reuse of a run of another suite, or of the suite as it no longer is, instead of a GO', async () => {
    // "other" passes on both models; --suite up --reuse <other's run> answered GO (exit 0) for it.
    const suite = (name: string) => `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: '${name}', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9,
  provider: (input) => String(input.word) });
`;
    const files = {
      'suites/up.eval.ts': suite('up'),
      'suites/other.eval.ts': suite('other'),
    };
    await inEchoProject(files, 300, async (project) => {
      const run = await runCli(['run', 'suites/other.eval.ts', '--model', 'claude-sonnet-4-5,claude-sonnet-4-6', '--no-html'], project.root, { timeoutMs: 120_000 });
      expect(run.code, run.stderr).toBe(0);
      const [folder] = await readdir(project.path('reports/runs'));
      for (const suiteFlag of ['up', 'suites/up.eval.ts']) {
        const result = await runCli(['upgrade-check', '--suite', suiteFlag, '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--reuse', `reports/runs/${folder}`], project.root);
        expect(result.code, result.stdout).toBe(2);
        expect(result.stderr).toContain(`--reuse: reports/runs/${folder} is a run of suite "other", not of "up"`);
        expect(result.stdout).not.toContain('decision:');
      }
      const same = await runCli(['upgrade-check', '--suite', 'other', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--reuse', `reports/runs/${folder}`], project.root);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toContain('decision: GO');

      // A run of the suite as it was: its GO says nothing of the prompt or dataset as they are now.
      const reuse = ['upgrade-check', '--suite', 'other', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--reuse', `reports/runs/${folder}`];
      await writeFile(project.path('suites/prompts/echo.v1.hbs'), ECHO_PROMPT.replace('Say {{word}}.', 'Say {{word}}, nothing else.'));
      const edited = await runCli(reuse, project.root);
      expect(edited.code, edited.stdout).toBe(2);
      expect(edited.stderr).toMatch(/--reuse: reports\/runs\/[^ ]+ is stale: the prompt echo v1 changed since it ran \(content hash [0-9a-f]{12} then, [0-9a-f]{12} now\)/);
      expect(edited.stdout).not.toContain('decision:');
      await writeFile(project.path('suites/prompts/echo.v1.hbs'), ECHO_PROMPT);
      await writeFile(project.path('suites/data.jsonl'), `${wordCases(301)}\n`);
      const grown = await runCli(reuse, project.root);
      expect(grown.code, grown.stdout).toBe(2);
      expect(grown.stderr).toMatch(/is stale: the dataset suites\/data\.jsonl changed since it ran \(300 cases then, 301 now; content hash [0-9a-f]{12} then, [0-9a-f]{12} now\)/);
    });
  });
});

describe('upgrade-check --reuse of a run a fresh check would not have made', () => {
  it('refuses a run of some of the cases, of some versions, or judged by another threshold or maxErrorRate', async () => {
    // claude-sonnet-4-6 fails every fourth case (tagged hard). A run of the easy cases alone was
    // reused into a GO (exit 0) that never mentioned the hard ones; a run judged under an older,
    // lower threshold into an INCONCLUSIVE (exit 0) where a fresh check says NO-GO (exit 1).
    const project = await tempProject({
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5', 'claude-sonnet-4-6'], dataset: './data.jsonl', scorers: [exact()],
  threshold: Number(process.env.THRESHOLD ?? 0.5), repeats: 3,
  provider: (input, context) => (context.model === 'claude-sonnet-4-6' && Number(String(input.word).slice(4)) % 4 === 0 ? 'broken' : String(input.word)) });
`,
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/prompts/echo.v2.hbs': ECHO_PROMPT_V2,
      'suites/data.jsonl': `${wordCases(40, (i) => ({ tags: [i % 4 === 0 ? 'hard' : 'easy'] }))}\n`,
    });
    try {
      await linkPromptgold(project.root);
      const runs: string[] = [];
      const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
        const result = await runCli(['run', 'suites/up.eval.ts', '--no-html', ...args], project.root, { timeoutMs: 120_000, env });
        expect(result.code, result.stderr).not.toBe(2);
        const made = (await readdir(project.path('reports/runs'))).find((folder) => !runs.includes(folder))!;
        runs.push(made);
        return `reports/runs/${made}`;
      };
      const reuse = (folder: string, env: NodeJS.ProcessEnv = {}) =>
        runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--reuse', folder], project.root, { env });

      const easy = await run(['--filter', 'easy']);
      const subset = await reuse(easy);
      expect(subset.code, subset.stdout).toBe(2);
      expect(subset.stdout).not.toContain('decision:');
      expect(subset.stderr).toContain(`--reuse: ${easy} ran 30 of the 40 cases the suite selects now (it was run with the selection {"filter":["easy"]}): the cases it left out were never compared`);
      expect(subset.stderr).toContain('run the suite again without --filter, --limit or --sample and reuse that run, or drop --reuse');

      const oneVersion = await run(['--version', 'v1']);
      const versions = await reuse(oneVersion);
      expect(versions.code, versions.stdout).toBe(2);
      expect(versions.stderr).toContain(`--reuse: ${oneVersion} ran prompt versions v1, the suite has v1, v2 now`);

      const lowThreshold = await run([], { THRESHOLD: '0.4' });
      expect((await reuse(lowThreshold, { THRESHOLD: '0.4' })).code).toBe(1);
      const raised = await reuse(lowThreshold, { THRESHOLD: '0.9' });
      expect(raised.code, raised.stdout).toBe(2);
      expect(raised.stderr).toContain(`--reuse: ${lowThreshold} was judged with threshold 0.4, the suite's is 0.9 now: a fresh check would judge it by 0.9`);

      const lenient = await run(['--max-error-rate', '0.5']);
      const errorRate = await reuse(lenient);
      expect(errorRate.code, errorRate.stdout).toBe(2);
      expect(errorRate.stderr).toContain(`--reuse: ${lenient} was judged with maxErrorRate 0.5, the suite's is 0 now`);

      // The whole suite as it is now is reused as before: the same NO-GO a fresh check gives.
      const whole = await run([]);
      const same = await reuse(whole);
      expect(same.stdout).toContain('decision: NO-GO');
      expect(same.code).toBe(1);
      // Flags of the run a fresh check makes were dropped unsaid beside --reuse (--repeat 5 compared the run's 3).
      const runFlags = await runCli(
        ['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--reuse', whole, '--repeat', '5', '--provider', 'function', '--max-cost', '1', '--yes'],
        project.root,
      );
      expect(runFlags.code, runFlags.stdout).toBe(2);
      expect(runFlags.stdout).not.toContain('decision:');
      expect(runFlags.stderr).toContain('--reuse: --repeat, --provider, --max-cost and --yes cannot apply with --reuse: upgrade-check runs nothing then, and compares the reused runs as they were made');
    } finally {
      await project.cleanup();
    }
  });
});

describe('upgrade-check on the offline example (built CLI, replay)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'promptgold-upgrade-'));
    await cp(join(REPO_ROOT, 'suites/triage'), join(root, 'suites/triage'), { recursive: true, filter: (src) => !src.endsWith('.baseline.jsonl') });
    await cp(join(REPO_ROOT, 'fixtures/triage.jsonl'), join(root, 'fixtures/triage.jsonl'));
    await cp(join(REPO_ROOT, 'fixtures/recordings/triage.jsonl'), join(root, 'fixtures/recordings/triage.jsonl'));
    await linkPromptgold(root);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs both models, compares per version and answers go / no-go / inconclusive', async () => {
    const result = await runCli(['upgrade-check', '--suite', 'triage', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-5-5', '--json', 'up.json', '--markdown', 'up.md'], root, { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/upgrade-check triage: claude-sonnet-4-5 → claude-sonnet-5-5/);
    expect(result.stdout).toContain('v1 × claude-sonnet-4-5 → v1 × claude-sonnet-5-5');
    expect(result.stdout).toContain('v2 × claude-sonnet-4-5 → v2 × claude-sonnet-5-5');
    expect(result.stdout).toMatch(/claude-sonnet-5-5: \d+ in \(estimate\)/);
    expect(result.stdout).toMatch(/decision: (GO|NO-GO|INCONCLUSIVE)/);
    // Answers cut at max_tokens on each side, and the change (the example has a few on claude-sonnet-4-5).
    expect(result.stdout).toMatch(/cut at max_tokens\s+2\.6%\s+0\.0%\s+−2\.6 pts\s+of 156 → 156 scored golden samples/);
    const json = JSON.parse(await readFile(join(root, 'up.json'), 'utf8'));
    expect(json).toMatchObject({ type: 'upgrade-check', suite: 'triage', from: 'claude-sonnet-4-5', to: 'claude-sonnet-5-5' });
    expect(json.comparison.cells).toHaveLength(2);
    for (const cell of json.comparison.cells) expect(cell.stats.n).toBe(52);
    expect(['go', 'no-go', 'inconclusive']).toContain(json.decision);
    expect(json.pricing[0].basis).toBe('estimate');
    expect(await readFile(join(root, 'up.md'), 'utf8')).toMatch(/### Tokens and price per sample/);
    const runs = await readdir(join(root, 'reports/runs'));
    expect(runs).toHaveLength(1);

    // --reuse the run just made: same decision, no new run.
    const reused = await runCli(['upgrade-check', '--suite', 'triage', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-5-5', '--reuse', `reports/runs/${runs[0]}`], root);
    expect(reused.code, reused.stderr).toBe(0);
    expect(reused.stdout).toContain(`decision: ${json.decision.toUpperCase()}`);
    expect(await readdir(join(root, 'reports/runs'))).toHaveLength(1);

    // A page path that cannot take the page is refused before anything runs.
    await mkdir(join(root, 'pages'), { recursive: true });
    const noPage = await runCli(['upgrade-check', '--suite', 'triage', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-5-5', '--html', 'pages'], root);
    expect(noPage.code).toBe(2);
    expect(noPage.stderr).toContain(`${join(root, 'pages')}: the report page is a folder`);
    expect(noPage.stdout).toBe('');
    expect(await readdir(join(root, 'reports/runs'))).toHaveLength(1);

    const bad = await runCli(['upgrade-check', '--suite', 'nosuch', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-5-5'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no suite named "nosuch"/);

    // A run that did not finish (no summary line, a third of its samples missing) is no evidence for a GO.
    const lines = (await readFile(join(root, `reports/runs/${runs[0]}/run.jsonl`), 'utf8')).trimEnd().split('\n');
    await mkdir(join(root, 'cut'), { recursive: true });
    await writeFile(join(root, 'cut/run.jsonl'), `${lines.slice(0, Math.ceil((lines.length - 1) * 2 / 3)).join('\n')}\n`);
    const cut = await runCli(['upgrade-check', '--suite', 'triage', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-5-5', '--reuse', 'cut/run.jsonl'], root);
    expect(cut.code, cut.stderr).toBe(1);
    expect(cut.stdout).toMatch(/the candidate record cut\/run\.jsonl is incomplete \(the run did not finish: \d+ of \d+ planned samples, no summary line\): a comparison over part of its run cannot pass/);
    expect(cut.stdout).toContain('decision: NO-GO');

    // The config's policy applies: the other way round, the share cut at max_tokens rises from 0% to 2.6% (v2), over the 1-point limit.
    await writeFile(join(root, 'promptgold.config.json'), JSON.stringify({ policy: { maxTruncationRateIncrease: 0.01 } }));
    const reverse = await runCli(['upgrade-check', '--suite', 'triage', '--from', 'claude-sonnet-5-5', '--to', 'claude-sonnet-4-5', '--reuse', `reports/runs/${runs[0]}`], root);
    expect(reverse.code, reverse.stderr).toBe(1);
    expect(reverse.stdout).toContain('answers cut at max_tokens up +2.6 pts (0.0% of 156 → 2.6% of 156 scored golden samples), over maxTruncationRateIncrease 1.0 pts');
    expect(reverse.stdout).toContain('decision: NO-GO');
  });

  it('exits 3 when its own run stopped at --max-cost, not a NO-GO (exit 1) for a model it barely ran', async () => {
    const before = await readdir(join(root, 'reports/runs')).catch(() => [] as string[]);
    const result = await runCli(['upgrade-check', '--suite', 'triage', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-5-5', '--no-html', '--max-cost', '0.05', '--yes'], root, { timeoutMs: 120_000 });
    const [made] = (await readdir(join(root, 'reports/runs'))).filter((folder) => !before.includes(folder));
    expect(result.stdout).not.toContain('decision:');
    expect(result.stderr).toContain(`reports/runs/${made}: the run did not complete (`);
    expect(result.stderr).toContain(`promptgold run --resume reports/runs/${made}`);
    expect(result.code).toBe(3);
  });
});

/** The `<testcase>` element named `name` (the first such), or undefined. */
function junitTestCase(xml: string, name: string): string | undefined {
  const start = xml.indexOf(`<testcase name="${name}"`);
  return start < 0 ? undefined : xml.slice(start, xml.indexOf('</testcase>', start) + '</testcase>'.length);
}

describe('upgrade-check --junit', () => {
  it("writes each cell's verdict, each model's own-run failure and every unscored sample, byte for byte the same for the same runs", async () => {
    // Both models answer wrong on the same 8 of 40 cases: the comparison alone is inconclusive
    // (exit 0), but claude-sonnet-4-6's own run is below the threshold, so the decision is NO-GO
    // (exit 1). Each model leaves one sample unscored (within maxErrorRate 5%).
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9, maxErrorRate: 0.05,
  provider: (input, context) => {
    const n = Number(context.caseId.slice(1));
    if (context.model === 'claude-sonnet-4-5' && n === 0 && context.repeat === 0) throw new Error('old model timed out');
    if (context.model === 'claude-sonnet-4-6' && n === 1 && context.repeat === 1) throw new Error('new model overloaded');
    return n % 5 === 0 ? 'broken' : String(input.word);
  } });
`,
    };
    await inEchoProject(files, 40, async (project) => {
      const check = ['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html'];
      const fresh = await runCli([...check, '--junit', 'out/up.xml'], project.root, { timeoutMs: 120_000 });
      expect(fresh.stdout).toContain('decision: NO-GO');
      expect(fresh.code, fresh.stderr).toBe(1);
      expect(fresh.stdout).toContain('wrote out/up.xml');
      const xml = await readFile(project.path('out/up.xml'), 'utf8');
      expect(xml).toContain('<testsuites name="promptgold upgrade-check: up, claude-sonnet-4-5 → claude-sonnet-4-6: NO-GO"');
      // The comparison's own verdict per cell, with its reasons.
      const verdict = junitTestCase(xml, 'verdict')!;
      expect(verdict).toContain('classname="up.v1.claude-sonnet-4-6"');
      expect(verdict).toMatch(/<system-out>inconclusive\npass rate ±0\.0 pts \(80\.0% → 80\.0%\)/);
      // The decision's reason the cells do not carry: red, as the exit code is.
      const ownRun = junitTestCase(xml, 'own run of claude-sonnet-4-6')!;
      expect(ownRun).toContain(`<failure message="claude-sonnet-4-6&apos;s own run fails: v1 × claude-sonnet-4-6: pass rate 79.8% of 119 scored golden samples is below the threshold 90.0%"`);
      expect(ownRun).toContain('type="own_run_fails"');
      expect(junitTestCase(xml, 'own run of claude-sonnet-4-5')).toBeUndefined();
      // An unscored sample on either side is never a quiet pass: the cell's verdict (inconclusive,
      // exit 0 without --fail-on-inconclusive) does not fail on it, so its test case passes and names it.
      const passed = "\nnot a failure here: the cell's verdict is inconclusive, and the verdict is the gate (see its verdict test case)</system-out>";
      const newUnscored = junitTestCase(xml, 'w001')!;
      expect(newUnscored).toMatch(/<system-out>1 of 3 candidate repeats not scored \(provider_error\): provider_error: function provider threw: new model overloaded\n/);
      expect(newUnscored).toContain(passed);
      const oldUnscored = junitTestCase(xml, 'w000')!;
      expect(oldUnscored).toContain('1 of 3 baseline repeats not scored (provider_error): provider_error: function provider threw: old model timed out');
      expect(oldUnscored).toContain(passed);
      // Red only by the own run that fails, as the exit code 1 is.
      expect(xml).toMatch(/<testsuites [^>]*tests="42" failures="1" errors="0">/);

      // The same runs give the same file: reused twice, and a second fresh check.
      const [folder] = await readdir(project.path('reports/runs'));
      for (const name of ['reused-1.xml', 'reused-2.xml']) {
        const reused = await runCli([...check, '--reuse', `reports/runs/${folder}`, '--junit', name], project.root);
        expect(reused.code, reused.stderr).toBe(1);
        expect(await readFile(project.path(name), 'utf8')).toBe(xml);
      }
      const again = await runCli([...check, '--junit', 'again.xml'], project.root, { timeoutMs: 120_000 });
      expect(again.code, again.stderr).toBe(1);
      expect(await readFile(project.path('again.xml'), 'utf8')).toBe(xml);
    });
  });

  it('makes too many unscored samples of either model an <error>, as its exit 3', async () => {
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], threshold: 0.9, maxErrorRate: 0.05,
  provider: (input, context) => {
    if (context.repeat < 2) throw new Error('overloaded');
    return String(input.word);
  } });
`,
    };
    await inEchoProject(files, 10, async (project) => {
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--junit', 'up.xml'], project.root, { timeoutMs: 120_000 });
      expect(result.code, result.stderr).toBe(3);
      const xml = await readFile(project.path('up.xml'), 'utf8');
      for (const model of ['claude-sonnet-4-5', 'claude-sonnet-4-6']) {
        expect(junitTestCase(xml, `own run of ${model}`)).toContain(`<error message="${model}&apos;s own run fails: 20 of its 30 samples were not scored; maxErrorRate allows 5%" type="own_run_fails">`);
      }
      // Red by the two own runs, as the exit code 3 is. The new model's unscored samples are what
      // fails it, so each case with a repeat not scored is an <error> too, though its cell's
      // verdict does not fail: 10 cases and the two own runs.
      expect(xml).toMatch(/<testsuites [^>]*failures="0" errors="12">/);
      expect(junitTestCase(xml, 'w000')).toMatch(/<error message="2 of 3 candidate repeats not scored \(provider_error\): provider_error: function provider threw: overloaded"/);
      expect(junitTestCase(xml, 'w000')).not.toContain('not a failure here');
    });
  });

  it('fails the verdict test case of an inconclusive cell with --fail-on-inconclusive, as the exit code does', async () => {
    // The new model fails one case of 10: too few cases to tell a 2-point drop from none.
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()],
  provider: (input, context) => (context.model === 'claude-sonnet-4-6' && context.caseId === 'w003' ? 'broken' : String(input.word)) });
`,
    };
    await inEchoProject(files, 10, async (project) => {
      const check = ['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html'];
      const lenient = await runCli([...check, '--junit', 'lenient.xml'], project.root, { timeoutMs: 120_000 });
      expect(lenient.stdout).toContain('decision: INCONCLUSIVE');
      expect(lenient.code, lenient.stderr).toBe(0);
      expect(junitTestCase(await readFile(project.path('lenient.xml'), 'utf8'), 'verdict')).toMatch(/<system-out>inconclusive\npass rate −10\.0 pts/);
      const [folder] = await readdir(project.path('reports/runs'));
      const strict = await runCli([...check, '--reuse', `reports/runs/${folder}`, '--fail-on-inconclusive', '--junit', 'strict.xml'], project.root);
      expect(strict.code, strict.stderr).toBe(1);
      expect(junitTestCase(await readFile(project.path('strict.xml'), 'utf8'), 'verdict')).toMatch(/<failure message="pass rate −10\.0 pts[^"]*" type="inconclusive">/);
    });
  });

  it('refuses a --junit path that cannot take the file before anything runs (exit 2), and makes missing folders', async () => {
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], provider: (input) => String(input.word) });
`,
      'taken/file.txt': 'a file\n',
    };
    await inEchoProject(files, 3, async (project) => {
      const check = ['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html'];
      const folder = await runCli([...check, '--junit', 'taken'], project.root);
      expect(folder.code).toBe(2);
      expect(folder.stderr).toContain(`${project.path('taken')}: the --junit file is a folder`);
      const underFile = await runCli([...check, '--junit', 'taken/file.txt/up.xml'], project.root);
      expect(underFile.code).toBe(2);
      expect(underFile.stderr).toContain(`the --junit file would go under ${project.path('taken/file.txt')}, which is a file`);
      await expect(readdir(project.path('reports/runs'))).rejects.toThrow();
      const missing = await runCli([...check, '--junit', 'new/folder/up.xml'], project.root, { timeoutMs: 120_000 });
      expect(missing.code, missing.stderr).toBe(0);
      expect(await readFile(project.path('new/folder/up.xml'), 'utf8')).toContain('<testsuites name="promptgold upgrade-check: up');
    });
  });
});

describe('upgrade-check --concurrency', () => {
  it('sets how many samples of the run it makes are in flight at once, over the suite\'s own', async () => {
    // The suite says one at a time; the first three samples wait until three are in flight (or give
    // up after 10 s, unscored), and any sample with more than three in flight fails.
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact } from 'promptgold';
let inFlight = 0;
let started = 0;
const waiting = [];
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()], concurrency: 1,
  provider: async (input) => {
    inFlight++;
    started++;
    try {
      if (inFlight > 3) throw new Error('more than 3 in flight: ' + inFlight);
      if (started === 3) for (const release of waiting.splice(0)) release();
      else if (started < 3) {
        await new Promise((resolve, reject) => {
          waiting.push(resolve);
          setTimeout(() => reject(new Error('never 3 in flight')), 10_000).unref();
        });
      }
      return String(input.word);
    } finally {
      inFlight--;
    }
  } });
`,
    };
    await inEchoProject(files, 10, async (project) => {
      const result = await runCli(['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html', '--concurrency', '3'], project.root, { timeoutMs: 120_000 });
      expect(result.stderr).not.toContain('not scored');
      expect(result.stdout).toContain('pass rate ±0.0 pts (100.0% → 100.0%)');
      expect(result.code).toBe(0);
    });
  });

  it('refuses 0, a word, and --concurrency beside --reuse (exit 2), before anything runs', async () => {
    const files = {
      'suites/up.eval.ts': `import { defineSuite, exact, ProviderError } from 'promptgold';
export default defineSuite({ name: 'up', prompt: './prompts', models: ['claude-sonnet-4-5'], dataset: './data.jsonl', scorers: [exact()],
  provider: () => { throw new ProviderError('auth', 'nothing should be sent', { status: 401, fatal: true }); } });
`,
    };
    await inEchoProject(files, 1, async (project) => {
      const check = ['upgrade-check', '--suite', 'up', '--from', 'claude-sonnet-4-5', '--to', 'claude-sonnet-4-6', '--no-html'];
      for (const value of ['0', 'abc']) {
        const result = await runCli([...check, '--concurrency', value], project.root);
        expect(result.stderr).toContain(`--concurrency: expected a whole number from 1 to 10000, got "${value}"`);
        expect(result.stderr).not.toMatch(/nothing should be sent|internal error/);
        expect(result.code).toBe(2);
      }
      await expect(readdir(project.path('reports/runs'))).rejects.toThrow();
      const reused = await runCli([...check, '--reuse', 'reports/runs/any', '--concurrency', '4'], project.root);
      expect(reused.stderr).toContain('--reuse: --concurrency cannot apply with --reuse: upgrade-check runs nothing then, and compares the reused runs as they were made');
      expect(reused.code).toBe(2);
    });
  });
});
