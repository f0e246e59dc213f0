/**
 * Chaos generation throughput: 25 operators × 10,000 golden cases of ~200 characters.
 * Run with `npx tsx bench/chaos.ts`; the last line is a JSON object with the median time of three
 * runs in seconds.
 * The padding and repeat operators are left out on purpose: they build 10–800 kB per case, and
 * their cost is the size of what they produce (measured separately in test/chaos).
 */
import { generateChaosCases } from '../src/chaos/generate.js';
import type { GoldenCase } from '../src/datasets/types.js';

const OPERATORS = [
  'zero-width', 'bidi-override', 'exotic-whitespace', 'homoglyphs', 'combining-marks', 'zalgo',
  'typo-adjacent-key', 'typo-drop', 'typo-transpose', 'random-case', 'leetspeak', 'nfd',
  'base64', 'rot13', 'ignore-previous', 'fake-role-turns', 'fake-xml-delimiter', 'hidden-html-comment',
  'tag-smuggling', 'json-quotes', 'lone-surrogates', 'unclosed-code-fence', 'shuffle-list-items',
  'control-chars', 'truncate-mid-grapheme',
];

const OPENINGS = ['Hi team,', 'Hello,', 'Dear support,', 'Urgent:', 'Quick question —'];
const PROBLEMS = [
  'my invoice for March shows the wrong VAT number and the total is off by €12.40',
  'the app crashes when I upload a photo larger than 5 MB from my phone',
  'I was charged twice for the annual plan after changing my card',
  'the export to CSV drops every row that contains an accented name like José',
  'I cannot log in since the password reset email never arrives',
];
const ASKS = ['Can you fix it today? It is urgent.', 'Please refund the difference to my card.', 'What should I do next? Thanks.', 'Thanks in advance for your help!'];

function cases(count: number): GoldenCase[] {
  return Array.from({ length: count }, (_, i) => {
    const ticket = `${OPENINGS[i % OPENINGS.length]} ${PROBLEMS[i % PROBLEMS.length]} (order #${10_000 + i}).\n- steps tried: restart, reinstall\n- device: laptop, Windows 11\n${ASKS[i % ASKS.length]}`;
    return { id: `case-${i}`, vars: { ticket, customer: `customer ${i}` }, tags: [], origin: { file: 'bench', line: i + 1 }, expected: 'billing' };
  });
}

const golden = cases(10_000);
const config = { operators: OPERATORS, seed: 1, fields: ['ticket'] };
generateChaosCases(golden.slice(0, 200), config); // warm-up: JIT and regex compilation

/** Seconds for one full generation; the result is kept until timing stops, as a caller would. */
function timeOnce(): { seconds: number; count: number } {
  const started = performance.now();
  const generated = generateChaosCases(golden, config);
  return { seconds: (performance.now() - started) / 1000, count: generated.length };
}

// The median of three runs: one run on a shared machine can be thrown by a neighbour's burst.
const runs = [timeOnce(), timeOnce(), timeOnce()];
const seconds = runs.map((run) => run.seconds).sort((a, b) => a - b)[1] as number;

const averageLength = golden.reduce((sum, c) => sum + (c.vars['ticket'] as string).length, 0) / golden.length;
console.log(
  `operators: ${OPERATORS.length}, golden cases: ${golden.length} (avg ${averageLength.toFixed(0)} chars), chaos cases: ${runs[0]?.count}, ` +
    `runs: ${runs.map((run) => run.seconds.toFixed(3)).join(' / ')} s`,
);
console.log(JSON.stringify({ chaos_25ops_10k_s: Number(seconds.toFixed(3)) }));
