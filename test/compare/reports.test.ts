import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRecords } from '../../src/compare/compareRuns.js';
import type { ComparisonResult } from '../../src/compare/types.js';
import { formatComparison } from '../../src/report/compareConsole.js';
import { renderJUnit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { sample, writeRecord } from './records.js';

let dir: string;
let result: ComparisonResult;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'promptgold-reports-'));
  const samples = [];
  for (let c = 0; c < 8; c++) {
    const id = c === 0 ? 'weird <&"\'> id' : `case-${c}`;
    const regress = c < 3;
    samples.push(sample({ caseId: id, version: 'v1', pass: true, output: `The customer wants a refund for order ${c}.` }));
    samples.push(
      sample({
        caseId: id,
        version: 'v2',
        pass: !regress,
        score: regress ? 0.2 : 1,
        output: regress ? `The user <b>demands</b> a refund & credit for order ${c}. \u0001` : `The customer wants a refund for order ${c}.`,
      }),
    );
  }
  samples.push(sample({ caseId: 'case-9', version: 'v1', pass: true }));
  const file = await writeRecord(join(dir, 'run/run.jsonl'), samples);
  result = await compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small XML well-formedness check: balanced tags, quoted attributes, escaped text, legal characters. */
function assertWellFormedXml(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
   
  expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)).toBe(false);
  const body = xml.slice(xml.indexOf('?>') + 2);
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body))) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      expect(/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text), `bad entity in ${text}`).toBe(false);
      continue;
    }
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(consumed, `unparsed XML at ${body.slice(consumed, consumed + 80)}`).toBe(body.length);
  expect(stack).toEqual([]);
}

describe('JUnit XML', () => {
  it('is well-formed, one testsuite per cell, regressed cases failing with their deltas', () => {
    const xml = renderJUnit(result);
    assertWellFormedXml(xml);
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    // Three regressed cases, and the verdict: v2 never ran case-9, which v1 ran on the same dataset.
    expect(xml).toMatch(/<testsuite name="v1 × model-a → v2 × model-a" tests="10" failures="4" errors="0" skipped="1">/);
    expect(xml.match(/<failure /g)).toHaveLength(4);
    expect(xml).toMatch(/<failure message="1 case of the baseline was not run by the candidate \(the same dataset\): the statistics cover only the 8 cases both ran, so the cell cannot pass; run the candidate on the same cases as the baseline" type="verdict">/);
    expect(xml).toContain('name="weird &lt;&amp;&quot;&apos;&gt; id"');
    expect(xml).toMatch(/<failure message="regressed: pass 1\/1 → 0\/1, score −0\.800" type="regressed">regressed: pass 1\/1 → 0\/1, score −0\.800\nscorer deltas: exact 1\.000→0\.200 \(−0\.80\)\nwhy: exact: output differs from expected<\/failure>/);
    expect(xml).toContain('<skipped message="only in the baseline"/>');
  });
});

describe('JUnit XML: samples that were not scored', () => {
  it('a case whose candidate samples were not scored is an <error> with the kinds and the first message, never a pass', async () => {
    const samples = [
      sample({ caseId: 'a', version: 'v1', pass: true }),
      sample({ caseId: 'a', version: 'v2', pass: true }),
      sample({ caseId: 'b', version: 'v1', pass: true }),
      sample({ caseId: 'b', version: 'v2', pass: false, error: 'scorer_error' }),
      // Both sides timed out: the status is unchanged, but the candidate was still not scored.
      sample({ caseId: 'c', version: 'v1', pass: false, error: 'timeout' }),
      sample({ caseId: 'c', version: 'v2', pass: false, error: 'timeout' }),
      // A context overflow is the prompt's own doing: scored, a failure.
      sample({ caseId: 'd', version: 'v1', pass: true }),
      sample({ caseId: 'd', version: 'v2', pass: false, error: 'context_overflow' }),
    ];
    // Within the run's own maxErrorRate: a candidate over it would add a test case of its own (see candidateUnscored.test.ts).
    const file = await writeRecord(join(dir, 'errors/run.jsonl'), samples, { header: { options: { repeats: 1, maxErrorRate: 0.5 } } });
    const xml = renderJUnit(await compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } }));
    assertWellFormedXml(xml);
    expect(xml).toMatch(/<testsuites name="promptgold compare demo" tests="5" failures="\d+" errors="2">/);
    expect(xml).toMatch(/<testsuite name="v1 × model-a → v2 × model-a" tests="5" failures="\d+" errors="2" skipped="0">/);
    expect(xml).toContain('<testcase name="b" classname="demo.v2.model-a">\n      <error message="1 of 1 candidate repeat not scored (scorer_error): scorer_error: scorer_error happened" type="scorer_error">');
    expect(xml).toContain('<error message="1 of 1 candidate repeat not scored (timeout): timeout: timeout happened" type="timeout">');
    expect(xml).toMatch(/<testcase name="d" classname="demo\.v2\.model-a">\n {6}<failure message="error-changed/);
    expect(xml.match(/<error /g)).toHaveLength(2);
  });

  it("a cell whose baseline scored none of its cases has its verdict as an <error>, as the comparison's exit 3 says", async () => {
    const samples = ['a', 'b', 'c'].flatMap((caseId) => [sample({ caseId, version: 'v1', pass: false, error: 'provider_error' }), sample({ caseId, version: 'v2', pass: true })]);
    const file = await writeRecord(join(dir, 'baseline-unscored/run.jsonl'), samples);
    const xml = renderJUnit(await compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } }));
    assertWellFormedXml(xml);
    expect(xml).toMatch(/<testsuites name="promptgold compare demo" tests="4" failures="\d+" errors="1">/);
    expect(xml).toMatch(/<testsuite name="v1 × model-a → v2 × model-a" tests="4" failures="\d+" errors="1" skipped="0">/);
    expect(xml).toContain('<testcase name="verdict" classname="demo.v2.model-a">\n      <error message="the baseline scored none of its 3 cases (3 of its 3 samples not scored: provider_error 3)');
    expect(xml).toMatch(/type="baseline_unscored">inconclusive\nthe baseline scored none/);
  });
});

describe('Markdown', () => {
  it('has the verdict, a summary table and top regressions with word diffs', () => {
    const md = renderMarkdown(result);
    expect(md).toMatch(/^## promptgold compare: demo\n/);
    expect(md).toMatch(/\*\*Verdict: .* (pass|fail|inconclusive)\*\*/);
    expect(md).toMatch(/\| cell \| verdict \| cases \| regressed \/ improved \|/);
    expect(md).toMatch(/\| v1 × model-a → v2 × model-a \| .* \| 8 \| 3 \/ 0 \|/);
    expect(md).toContain('### Top regressions: v1 × model-a → v2 × model-a');
    expect(md).toContain('[-customer wants-]{+user <b>demands</b>+} a refund {+& credit+} for order');
    expect(md).toContain("**`weird <&\"'> id`** regressed");
    // HTML in outputs stays inside the fenced block; outside it, it is escaped.
    const outsideFences = md.replace(/```text[\s\S]*?```/g, '');
    expect(outsideFences).not.toContain('<b>');
  });

  it('says "n of m" of top regressions only when m cases could be listed: an error-changed case that scored better is none', async () => {
    // case-1 regressed; case-2 went from a timeout and a fail to two passes (error-changed, better).
    // The heading read "(1 of 2)": two regressions, one not shown, where there was one.
    const samples = [
      sample({ caseId: 'case-1', version: 'v1', pass: true }),
      sample({ caseId: 'case-1', version: 'v2', pass: false }),
      sample({ caseId: 'case-2', version: 'v1', repeat: 0, pass: false, error: 'timeout' }),
      sample({ caseId: 'case-2', version: 'v1', repeat: 1, pass: false }),
      sample({ caseId: 'case-2', version: 'v2', repeat: 0, pass: true }),
      sample({ caseId: 'case-2', version: 'v2', repeat: 1, pass: true }),
    ];
    const file = await writeRecord(join(dir, 'listed/run.jsonl'), samples);
    const listed = await compareRecords(file, file, { root: dir, baselineFilter: { version: 'v1' }, candidateFilter: { version: 'v2' } });
    expect(listed.cells[0]!.counts).toMatchObject({ regressed: 1, 'error-changed': 1 });
    const markdown = renderMarkdown(listed, { topRegressions: 1 });
    expect(markdown).toContain('### Top regressions: v1 × model-a → v2 × model-a\n');
    expect(markdown).not.toContain('case-2');
  });

  it('the console report lists the cell table and the top regressions', () => {
    const text = formatComparison(result);
    expect(text).toMatch(/pass rate\s+100\.0% .* 62\.5% /);
    expect(text).toMatch(/top regressions:\n\s+case-1\s+regressed\s+pass 1\/1 → 0\/1/);
    expect(text).toMatch(/verdict: (PASS|FAIL|INCONCLUSIVE)/);
  });
});
