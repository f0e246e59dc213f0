// Shared by the bench scripts: a Node child process timed whole (wall time, its output), the same
// under rss-probe.mjs for its peak RSS, the median of trials, and the headless Chromium the page
// benches drive.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const rssProbe = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

/**
 * Runs `node <args>` in `cwd`; resolves with its exit code, wall time and output. `env` is laid
 * over this process's environment; a key set to undefined is left out.
 */
export function runNode(args, cwd, env = {}) {
  const childEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, wallS: (performance.now() - started) / 1000, stdout, stderr }));
  });
}

/** `runNode` under the RSS probe: also the process's peak RSS, which the probe writes to cwd/rss.json. */
export async function runNodeMeasured(args, cwd, env = {}) {
  const result = await runNode(['--import', rssProbe, ...args], cwd, env);
  const rssMb = result.code === null ? NaN : JSON.parse(await readFile(join(cwd, 'rss.json'), 'utf8')).maxRssMb;
  return { ...result, rssMb };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
