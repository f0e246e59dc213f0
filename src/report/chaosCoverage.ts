/** Sentences for a chaos part that fell short of what a run asked for (see src/chaos/coverage.ts). */
import { isPartialCoverage, type ChaosCoverage } from '../chaos/coverage.js';
import { count, plural } from './format.js';

/** One line per shortfall, empty when every golden case and every operator gave chaos cases. */
export function chaosCoverageLines(coverage: ChaosCoverage): string[] {
  if (!isPartialCoverage(coverage)) return [];
  const lines: string[] = [];
  const { noText, unchanged } = coverage.withoutVariants;
  const without = noText + unchanged;
  if (without > 0) {
    const why = [
      ...(noText ? [`${count(noText)} with no string value in the fields mutated`] : []),
      ...(unchanged ? [`${count(unchanged)} whose text no operator changed`] : []),
    ].join(', ');
    lines.push(`chaos: ${count(without)} of ${plural(coverage.goldenCases, 'golden case')} got no chaos variant (${why}): their robustness is not tested — see ${[...(noText ? ['chaos.fields'] : []), ...(unchanged ? ['chaos.operators'] : [])].join(' and ')}`);
  }
  if (coverage.idleOperators.length > 0) {
    lines.push(
      `chaos: ${count(coverage.idleOperators.length)} of ${plural(coverage.operators, 'operator')} made no chaos case (${coverage.idleOperators.join(', ')}): they changed no case's text, so the robustness table has no row for them`,
    );
  }
  const fewer = coverage.fewerVariants;
  if (fewer) {
    const made = fewer.operators.map(({ operator, asked, made }) => `${operator}: ${count(made)} of ${count(asked)}`).join(', ');
    lines.push(
      `chaos: ${count(fewer.operators.length)} of ${plural(coverage.operators, 'operator')} made fewer than the ${fewer.perCase} variants per case asked (${made}): a variant that repeats an earlier one's text is kept once — see chaos.perCase`,
    );
  }
  return lines;
}

/** `--chaos` over several suites, for one that configures no chaos. */
export function chaosNotConfiguredLine(): string {
  return 'chaos: this suite configures none, so --chaos ran its golden cases only';
}
