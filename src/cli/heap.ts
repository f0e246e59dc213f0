/**
 * How the V8 heap grows in commands that stream records (run, report, merge, upgrade-check,
 * calibrate). Their live data is small and nearly flat, but they allocate a lot that dies young
 * (parsed lines, rendered prompts, report chunks). After each full collection V8 lets the heap grow
 * to up to 4× the live data, and whether a run reaches that limit before it ends decides its peak
 * memory: unrelated code changes moved a 200,000-sample report between 380 and 480 MB. Growing by
 * at most 1.5× keeps the peak near the live data (250 MB for that report) at no cost in time.
 * A value the user gave node (NODE_OPTIONS, a command-line flag) is left as it is.
 */
import { setFlagsFromString } from 'node:v8';

export const STREAMING_HEAP_GROWING_PERCENT = 50;

/** The V8 flag to set, or undefined when the user chose a growth factor for node already. */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string): string | undefined {
  const named = (text: string) => /--heap[-_]growing[-_]percent/.test(text);
  if (execArgv.some(named) || named(nodeOptions)) return undefined;
  return `--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`;
}

export function limitHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS ?? '');
  if (flag) setFlagsFromString(flag);
}
