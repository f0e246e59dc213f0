/**
 * Robustness: for each cell and chaos operator, the pass rate of the mutated cases against the pass
 * rate of the golden cases they were made from, in the same cell. A source case shared by several
 * mutations counts once per operator. Samples that were not scored (or never sent) count on neither
 * side, as in the run summary.
 */
import type { CaseTally } from './collectRun.js';
import { round3 } from './repeatView.js';
import type { RobustnessRow } from './types.js';

interface OperatorTally {
  samples: number;
  passed: number;
  sources: Set<string>;
}


export function robustnessRows(
  groups: Iterable<CaseTally>,
  cellOf: (group: CaseTally) => number,
): RobustnessRow[] {
  const tallies = new Map<string, { cell: number; operator: string; group: CaseTally; tally: OperatorTally }>();
  for (const group of groups) {
    if (!group.chaos) continue;
    const cell = cellOf(group);
    for (const operator of group.chaos.operators) {
      const key = `${cell}\u0000${operator}`;
      let entry = tallies.get(key);
      if (!entry) {
        entry = { cell, operator, group, tally: { samples: 0, passed: 0, sources: new Set() } };
        tallies.set(key, entry);
      }
      entry.tally.samples += group.scored;
      entry.tally.passed += group.scoredPassed;
      entry.tally.sources.add(group.chaos.source);
    }
  }
  const rows: RobustnessRow[] = [];
  for (const { cell, operator, group, tally } of tallies.values()) {
    let sourceSamples = 0;
    let sourcePassed = 0;
    for (const source of [...tally.sources].sort()) {
      const golden = group.cell.cases.get(source);
      if (!golden) continue;
      sourceSamples += golden.scored;
      sourcePassed += golden.scoredPassed;
    }
    rows.push({
      cell,
      operator,
      samples: tally.samples,
      passRate: round3(tally.samples ? tally.passed / tally.samples : 0),
      sourceSamples,
      sourcePassRate: sourceSamples ? round3(sourcePassed / sourceSamples) : null,
    });
  }
  return rows.sort((a, b) => a.cell - b.cell || a.operator.localeCompare(b.operator));
}
