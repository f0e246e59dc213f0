/** Headless Debian Chromium for the report's browser tests, and a page that records what it tried. */
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
