/**
 * The report page's script: the typed modules in `client/`, bundled by esbuild into one IIFE.
 * `npm run build` writes the bundle into dist/ beside the compiled renderer (scripts/
 * build-report-client.mjs), so an installed package reads a file and never runs esbuild. Run from
 * the source tree (tests, tsx) there is no such file, and the same bundle is made on first use.
 * Either way the same sources give the same bytes: paths in the output are relative to `client/`,
 * and nothing depends on the clock or the working directory. (esbuild reads client/tsconfig.json,
 * whose `strict` makes the bundle start with "use strict".)
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { packagePath, runningFromSource } from '../../packageRoot.js';

/** The bundle's file name, beside this module in dist/. */
export const CLIENT_BUNDLE_FILE = 'client.bundle.js';

/** Text that would end the inline `<script>` element early, or start an HTML comment in it. */
const UNSAFE_IN_SCRIPT_ELEMENT = /<\/script|<!--/i;

/** Bundles the page script whose entry module is `entry` (client/main.ts). */
export function bundleClient(entry: string): string {
  // Lazily: only the build and the source tree need esbuild here.
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    absWorkingDir: dirname(entry),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  if (UNSAFE_IN_SCRIPT_ELEMENT.test(script)) throw new Error(`the report page script contains "</script" or "<!--", which would break out of its inline <script>`);
  return script;
}

let cached: string | undefined;

/** The page script, read (or bundled) once per process. */
export function reportScript(): string {
  cached ??= loadReportScript();
  return cached;
}

function loadReportScript(): string {
  const built = packagePath('dist', 'report', 'html', CLIENT_BUNDLE_FILE);
  if (!runningFromSource() && existsSync(built)) return readFileSync(built, 'utf8');
  const source = packagePath('src', 'report', 'html', 'client', 'main.ts');
  if (existsSync(source)) return bundleClient(source);
  throw new Error(`The HTML report's page script is missing: expected ${built}. This installation of promptgold is incomplete; in a checkout, run \`npm run build\`.`);
}
