// Runs every benchmark in bench/ (after a build), collects the JSON figures each prints on its last
// line, and writes them together to reports/bench.json. Usage: npm run bench [-- name …]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const repo = fileURLToPath(new URL('..', import.meta.url));
const benches = [
  ['engine', 'bench/engine.mjs'],
  ['anthropic', 'bench/anthropic.mjs'],
  ['stats', 'bench/stats.ts'],
  ['chaos', 'bench/chaos.ts'],
  ['compare', 'bench/compare.mjs'],
  ['verdict', 'bench/verdict.mjs'],
  ['html', 'bench/html.mjs'],
  ['report', 'bench/report.mjs'],
  ['vitest', 'bench/vitest.mjs'],
];
const only = process.argv.slice(2);

const build = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const outFile = join(repo, 'reports/bench.json');
const figures = existsSync(outFile) ? JSON.parse(readFileSync(outFile, 'utf8')) : {};
let failed = false;
for (const [name, file] of benches) {
  if (only.length && !only.includes(name)) continue;
  if (!existsSync(join(repo, file))) continue;
  process.stderr.write(`\n== ${name} (${file})\n`);
  const args = file.endsWith('.ts') ? [join(repo, 'node_modules/tsx/dist/cli.mjs'), file] : [file];
  const result = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const output = result.stdout.trim().split('\n');
  const last = output.at(-1) ?? '';
  try {
    Object.assign(figures, JSON.parse(last));
    // What the bench printed before its figures (e.g. the verdict bench's table), then the figures.
    process.stdout.write(output.length > 1 ? `${output.slice(0, -1).join('\n')}\n` : '');
    process.stderr.write(`${last}\n`);
  } catch {
    failed = true;
    process.stderr.write(`${name}: no figures (exit ${result.status}); last line: ${last}\n`);
  }
}
mkdirSync(join(repo, 'reports'), { recursive: true });
const sorted = Object.fromEntries(Object.entries(figures).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(outFile, `${JSON.stringify(sorted, null, 2)}\n`);
process.stderr.write(`\nwrote ${outFile}\n`);
process.exit(failed ? 1 : 0);
