/**
 * vitest globalSetup: says once, at the start of the run, when the browser tests will be skipped
 * and how to enable them (each browser test file decides the same way, see chromium.ts).
 */
import { planBrowserTests } from './chromium.js';

export default function announceBrowserTests(): void {
  const plan = planBrowserTests();
  if (!plan.run) console.log(plan.reason);
}
