/** The operator catalog for people: `promptgold chaos --list` and the README table. */
import type { ChaosFamily } from './operator.js';
import { CHAOS_OPERATORS } from './operators/index.js';

export interface OperatorListing {
  name: string;
  family: ChaosFamily;
  description: string;
  property: string;
  /** Runs only when named in the suite's `chaos.operators`. */
  optIn: boolean;
}

export function listOperators(): OperatorListing[] {
  return CHAOS_OPERATORS.map(({ name, family, description, property, optIn }) => ({ name, family, description, property, optIn: optIn ?? false }));
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown table of every operator, in registry order (grouped by family). */
export function operatorsMarkdownTable(): string {
  const rows = listOperators().map((op) => {
    const description = op.optIn ? `${op.description} Opt-in: runs only when named.` : op.description;
    return `| \`${op.name}\` | ${op.family} | ${cell(description)} | ${cell(op.property)} |`;
  });
  return ['| operator | family | what it does | what must still hold |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}
