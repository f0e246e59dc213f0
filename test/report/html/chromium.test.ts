/** When the browser tests run, skip or fail: decided from the environment and what is installed. */
import { describe, expect, it } from 'vitest';
import { planBrowserTests, WELL_KNOWN, type LookupDeps } from './chromium.js';

const PLAYWRIGHT = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';

function deps(installed: string[], playwright: string | undefined = PLAYWRIGHT): LookupDeps {
  return { exists: (path) => installed.includes(path), playwrightExecutable: () => playwright };
}

describe('planBrowserTests', () => {
  it('runs with an explicitly named Chromium, and fails (does not skip) when that file is missing', () => {
    expect(planBrowserTests({ CHROMIUM_PATH: '/opt/c/chrome' }, deps(['/opt/c/chrome', '/usr/bin/chromium']))).toMatchObject({ run: true, executable: '/opt/c/chrome' });
    expect(planBrowserTests({ PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/p/chrome' }, deps(['/opt/p/chrome']))).toMatchObject({ run: true, executable: '/opt/p/chrome' });
    const missing = planBrowserTests({ CHROMIUM_PATH: '/opt/none' }, deps(['/usr/bin/chromium']));
    expect(missing).toMatchObject({ run: true, executable: null });
    expect(missing.reason).toMatch(/CHROMIUM_PATH=\/opt\/none, but there is no such file/);
  });

  it("prefers Playwright's own Chromium, then the PATH, then well-known places", () => {
    expect(planBrowserTests({ PATH: '/bin:/usr/local/bin' }, deps([PLAYWRIGHT, '/usr/local/bin/chromium'])).executable).toBe(PLAYWRIGHT);
    expect(planBrowserTests({ PATH: '/bin:/usr/local/bin' }, deps(['/usr/local/bin/google-chrome', '/usr/bin/chromium'])).executable).toBe('/usr/local/bin/google-chrome');
    const system = WELL_KNOWN.at(-1)!;
    expect(planBrowserTests({ PATH: '/bin' }, deps([system], undefined))).toMatchObject({ run: true, executable: system });
  });

  it('skips with a line that says how to enable them when none is found and none was asked for', () => {
    const plan = planBrowserTests({ PATH: '/bin' }, deps([]));
    expect(plan).toMatchObject({ run: false, executable: null });
    expect(plan.reason).toMatch(/^browser tests \(test\/report\/html\/\*\.browser\.test\.ts\) skipped: no Chromium found/);
    expect(plan.reason).toContain(PLAYWRIGHT);
    expect(plan.reason).toMatch(/CHROMIUM_PATH/);
    expect(plan.reason).toMatch(/PROMPTGOLD_BROWSER_TESTS=1/);
    expect(plan.reason).not.toMatch(/\n/);
  });

  it('fails instead of skipping when browser tests were asked for by PROMPTGOLD_BROWSER_TESTS=1 or CI', () => {
    for (const env of [{ PROMPTGOLD_BROWSER_TESTS: '1' }, { PROMPTGOLD_BROWSER_TESTS: 'true' }, { CI: 'true' }, { CI: '1' }]) {
      const plan = planBrowserTests(env, deps([]));
      expect(plan, JSON.stringify(env)).toMatchObject({ run: true, executable: null });
      expect(plan.reason).toMatch(/browser tests were asked for \((PROMPTGOLD_BROWSER_TESTS|CI)=/);
    }
    expect(planBrowserTests({ CI: 'false' }, deps([])).run).toBe(false);
  });

  it('skips when PROMPTGOLD_BROWSER_TESTS=0, even on CI with Chromium installed', () => {
    const plan = planBrowserTests({ PROMPTGOLD_BROWSER_TESTS: '0', CI: 'true' }, deps(['/usr/bin/chromium']));
    expect(plan).toMatchObject({ run: false, executable: null });
    expect(plan.reason).toMatch(/skipped: PROMPTGOLD_BROWSER_TESTS=0/);
  });
});
