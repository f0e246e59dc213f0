/**
 * Whether a chaos sample put its mutation to the test. A mutation of a variable the prompt does not
 * render leaves the request exactly as its source's: the model (or the recorded answer) gets the
 * source's request again, and its answer says nothing about robustness. Such a sample counts as
 * neither a pass nor a fail; it is counted apart, with its reason.
 */

/** Why a chaos sample is no evidence: `same-request`, its request was its source's, byte for byte, and nothing read the mutated vars. */
export type NotExercisedReason = 'same-request';

/**
 * The reason a chaos sample did not exercise its mutation, or undefined when it did: its request
 * differs from its source's (same prompt version and model), or the provider read a mutated
 * variable itself (the user's own function is handed the case's vars). Without the source's
 * request hash nothing can be said, and the sample counts as it always did.
 */
export function notExercisedReason(requestHash: string, sourceRequestHash: string | undefined, readMutatedVar: boolean): NotExercisedReason | undefined {
  if (sourceRequestHash === undefined || requestHash !== sourceRequestHash) return undefined;
  return readMutatedVar ? undefined : 'same-request';
}

/** What a report says of `count` samples not exercised for `reason`. */
export function notExercisedText(count: number, reason: NotExercisedReason): string {
  const samples = count === 1 ? '1 chaos sample' : `${count} chaos samples`;
  switch (reason) {
    case 'same-request':
      return `${samples} not exercised: the mutation did not change the rendered prompt (the request was its source case's), so ${count === 1 ? 'it counts' : 'they count'} as neither pass nor fail — mutate variables the prompt renders (chaos.fields)`;
  }
}

/** The vars handed to the provider, and whether it read a mutated one. */
export interface WatchedVars {
  vars: Record<string, unknown>;
  read(): boolean;
}

/**
 * A copy of `vars` whose `fields` note when they are read (a getter each: spread, JSON.stringify
 * and structuredClone read through it, unlike a Proxy, which structuredClone refuses).
 */
export function watchReads(vars: Readonly<Record<string, unknown>>, fields: readonly string[]): WatchedVars {
  let read = false;
  const copy: Record<string, unknown> = { ...vars };
  for (const field of fields) {
    if (!Object.hasOwn(vars, field)) continue;
    const value = vars[field];
    Object.defineProperty(copy, field, {
      enumerable: true,
      configurable: true,
      get: () => {
        read = true;
        return value;
      },
    });
  }
  return { vars: copy, read: () => read };
}

/** One sentence per reason, over rows that count their samples not exercised by reason (robustness rows). */
export function notExercisedLines(rows: Iterable<{ notExercised?: Partial<Record<NotExercisedReason, number>> }>): string[] {
  const totals = new Map<NotExercisedReason, number>();
  for (const row of rows) {
    for (const [reason, count] of Object.entries(row.notExercised ?? {}) as Array<[NotExercisedReason, number]>) totals.set(reason, (totals.get(reason) ?? 0) + count);
  }
  return [...totals].filter(([, count]) => count > 0).map(([reason, count]) => notExercisedText(count, reason));
}

/** Samples not exercised for any reason. */
export function notExercisedCount(counts: Partial<Record<NotExercisedReason, number>> | undefined): number {
  return Object.values(counts ?? {}).reduce((total, count) => total + count, 0);
}
