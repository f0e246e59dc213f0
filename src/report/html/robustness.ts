/**
 * Robustness: for each cell and chaos operator, the pass rate of the mutated cases against the pass
 * rate of the golden cases they were made from, in the same cell. A source case shared by several
 * mutations counts once per operator. Samples that were not scored (or never sent) count on neither
 * side, as in the run summary; nor do chaos samples sent as their source's request, counted apart.
 */
import type { CaseTally } from './collectRun.js';
import { round3 } from './repeatView.js';
import type { RobustnessRow } from './types.js';

interface OperatorTally {
  samples: number;
  passed: number;
  sources: Set<string>;
  notExercised: number;
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
        entry = { cell, operator, group, tally: { samples: 0, passed: 0, sources: new Set(), notExercised: 0 } };
        tallies.set(key, entry);
      }
      entry.tally.samples += group.scored;
      entry.tally.passed += group.scoredPassed;
      entry.tally.notExercised += group.notExercised ?? 0;
      // A case whose samples all tested nothing brings its source no comparison.
      if (group.scored) entry.tally.sources.add(group.chaos.source);
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
      passRate: tally.samples ? round3(tally.passed / tally.samples) : null,
      notExercised: tally.notExercised,
      sourceSamples,
      sourcePassRate: sourceSamples ? round3(sourcePassed / sourceSamples) : null,
    });
  }
  return rows.sort((a, b) => a.cell - b.cell || a.operator.localeCompare(b.operator));
}
