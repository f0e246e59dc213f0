/**
 * The ranges of the suite's whole-number fields that a CLI flag also sets (`--repeat`,
 * `--concurrency`): the suite's checks and the flags' share them, so a flag cannot ask for what
 * the suite field would refuse.
 */
export const SUITE_INTEGER_RANGES = {
  repeats: { min: 1, max: 1000 },
  concurrency: { min: 1, max: 10_000 },
} as const;

export type SuiteIntegerField = keyof typeof SUITE_INTEGER_RANGES;
