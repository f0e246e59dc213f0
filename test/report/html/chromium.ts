/**
 * Chromium for the report's browser tests (test/report/html/*.browser.test.ts), driven by
 * playwright-core, and a page that records what it tried.
 *
 * Which Chromium: the one named by CHROMIUM_PATH or PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH (passed to
 * playwright's `executablePath` launch option); else the build Playwright downloads itself
 * (`npx playwright-core install chromium`, found by `chromium.executablePath()`, which honours
 * PLAYWRIGHT_BROWSERS_PATH); else a system Chromium or Chrome on the PATH or at a well-known place.
 *
 * Whether to run: when one is found, yes. When none is found, the tests are skipped with one printed
 * line — unless they were asked for (PROMPTGOLD_BROWSER_TESTS=1, CI=true, or an explicit path), in
 * which case a missing Chromium fails them. PROMPTGOLD_BROWSER_TESTS=0 skips them always.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const BROWSER_TESTS = 'test/report/html/*.browser.test.ts';

const PATH_ENV = ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'] as const;
const COMMANDS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
export const WELL_KNOWN =
  process.platform === 'darwin'
    ? ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']
    : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/usr/bin/google-chrome'];

export interface BrowserTestPlan {
  /** Run the browser tests (with `executable`, or failing when it is null). */
  run: boolean;
  executable: string | null;
  /** Why they run or are skipped, for the one printed line or the failure. */
  reason: string;
}

export interface LookupDeps {
  exists(path: string): boolean;
  /** Where Playwright's own Chromium download lives (it may not be there). */
  playwrightExecutable(): string | undefined;
}

const realDeps: LookupDeps = {
  exists: existsSync,
  playwrightExecutable() {
    try {
      return chromium.executablePath();
    } catch {
      return undefined;
    }
  },
};

const INSTALL = 'install Chromium (apt-get install chromium, or npx playwright-core install chromium) or point CHROMIUM_PATH at one';
const TO_ENABLE = `to run them, ${INSTALL}; PROMPTGOLD_BROWSER_TESTS=1 makes a missing Chromium an error`;
const TO_FIX = `${INSTALL}, or skip them with PROMPTGOLD_BROWSER_TESTS=0`;

export function planBrowserTests(env: NodeJS.ProcessEnv = process.env, deps: LookupDeps = realDeps): BrowserTestPlan {
  const choice = env.PROMPTGOLD_BROWSER_TESTS?.trim().toLowerCase();
  if (choice === '0' || choice === 'false') return { run: false, executable: null, reason: `browser tests (${BROWSER_TESTS}) skipped: PROMPTGOLD_BROWSER_TESTS=${env.PROMPTGOLD_BROWSER_TESTS}` };
  const named = PATH_ENV.find((name) => env[name]);
  if (named) {
    const path = env[named]!;
    return deps.exists(path)
      ? { run: true, executable: path, reason: `Chromium from ${named}: ${path}` }
      : { run: true, executable: null, reason: `${named}=${path}, but there is no such file; ${TO_FIX}` };
  }
  const playwright = deps.playwrightExecutable();
  const found = candidates(env, playwright).find((path) => deps.exists(path));
  if (found) return { run: true, executable: found, reason: `Chromium: ${found}` };
  const askedBy = choice === '1' || choice === 'true' ? `PROMPTGOLD_BROWSER_TESTS=${env.PROMPTGOLD_BROWSER_TESTS}` : isCi(env) ? `CI=${env.CI}` : null;
  const tried = [...(playwright ? [`Playwright's download ${playwright}`] : []), `${COMMANDS.join(', ')} on the PATH`, ...WELL_KNOWN];
  const where = `no Chromium found (tried ${tried.join('; ')})`;
  if (askedBy) return { run: true, executable: null, reason: `browser tests were asked for (${askedBy}) but ${where}; ${TO_FIX}` };
  return { run: false, executable: null, reason: `browser tests (${BROWSER_TESTS}) skipped: ${where}; ${TO_ENABLE}` };
}

/** In order of preference: Playwright's own build, then the PATH, then well-known places. */
function candidates(env: NodeJS.ProcessEnv, playwright: string | undefined): string[] {
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => COMMANDS.map((command) => join(dir, command)));
  return [...(playwright ? [playwright] : []), ...onPath, ...WELL_KNOWN];
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return !!ci && ci !== '0' && ci !== 'false';
}

/** The plan for this process's environment, worked out once per test file. */
export const browserTests = planBrowserTests();

export function launchChromium(plan: BrowserTestPlan = browserTests): Promise<Browser> {
  if (!plan.executable) throw new Error(plan.reason);
  return chromium.launch({
    executablePath: plan.executable,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface OpenedReport {
  page: Page;
  /** Every dialog the page opened (alert, confirm …): hostile output must open none. */
  dialogs: string[];
  /** Every non-file request: the report must need no network. */
  requests: string[];
  errors: string[];
}

export async function openReport(browser: Browser, url: string): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const opened: OpenedReport = { page, dialogs: [], requests: [], errors: [] };
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => opened.errors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) opened.requests.push(request.url());
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  return opened;
}
