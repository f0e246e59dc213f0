/** Readable, unique test names: `triage › v2 › claude-haiku-4-5 › ticket-017` (`#2` for repeats). */
import type { PlannedSample } from '../engine/plan.js';

export const NAME_SEPARATOR = ' › ';

export function sampleTestName(suite: string, planned: PlannedSample, repeats: number): string {
  const parts = [suite, planned.prompt.template.version, planned.model, planned.case.id];
  const name = parts.join(NAME_SEPARATOR);
  return repeats > 1 ? `${name} #${planned.repeat + 1}` : name;
}

export function passRateTestName(suite: string, threshold: number | null): string {
  return threshold === null ? `${suite}${NAME_SEPARATOR}pass rate` : `${suite}${NAME_SEPARATOR}pass rate ≥ ${threshold}`;
}
