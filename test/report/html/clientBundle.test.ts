/** The report page's script: one bundle, the same from dist/ and from source, with no way to run data as code. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleClient, CLIENT_BUNDLE_FILE, reportScript } from '../../../src/report/html/clientBundle.js';
import { REPO_ROOT } from '../../helpers/cli.js';

const ENTRY = join(REPO_ROOT, 'src/report/html/client/main.ts');
const BUILT = join(REPO_ROOT, 'dist/report/html', CLIENT_BUNDLE_FILE);

describe('the report page script', () => {
  it('is one strict IIFE, the same bytes on every bundling, with no path of this checkout in it', () => {
    const script = bundleClient(ENTRY);
    expect(script).toMatch(/^"use strict";\n\(\(\) => \{\n/);
    expect(script.trimEnd()).toMatch(/\}\)\(\);$/);
    expect(bundleClient(ENTRY)).toBe(script);
    expect(script).not.toContain(REPO_ROOT.replace(/\/$/, ''));
    expect(reportScript()).toBe(script);
  });

  it('is what `npm run build` put in dist/ (run it after changing src/report/html/client/)', () => {
    expect(existsSync(BUILT), `${BUILT} is missing: run \`npm run build\``).toBe(true);
    expect(readFileSync(BUILT, 'utf8')).toBe(bundleClient(ENTRY));
  });

  it('uses no HTML parser, code evaluation or network API, and cannot end its own script element', () => {
    const script = bundleClient(ENTRY);
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'DOMParser', 'createContextualFragment', 'eval(', 'Function(', 'fetch(', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'sendBeacon', 'import(', 'location']) {
      expect(script, sink).not.toContain(sink);
    }
    expect(script).not.toMatch(/<\/script|<!--/i);
  });

  it('carries the shared word diff, not a copy of its own', () => {
    const script = bundleClient(ENTRY);
    expect(script).toContain('// ../../wordDiff.ts');
    expect(script.match(/function wordDiff\(/g)).toHaveLength(1);
    // The Markdown formatter is not needed in the page and is left out.
    expect(script).not.toContain('formatWordDiff');
  });
});
