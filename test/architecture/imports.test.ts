/**
 * The layering the design promises, checked on the source's static imports (dynamic `import()` is
 * how heavy modules load lazily, so it is allowed): the core folders never import the CLI, vitest or
 * the report layer, nor the SDK, vitest or a browser at module top level; and `import 'promptgold'`
 * loads no HTML renderer, no SDK and no vitest.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const SRC = join(REPO_ROOT, 'src');

/** Static import and re-export specifiers of a TypeScript file (type-only imports excluded: they vanish). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) {
    if (match[2]) continue;
    const specifier = match[3] ?? match[4];
    if (specifier) found.push(specifier);
  }
  return found;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
}

const CORE = ['prompts', 'datasets', 'scoring', 'records', 'stats', 'compare', 'engine', 'providers'];
const UPPER = ['cli', 'vitest', 'report'];
const HEAVY = /^(@anthropic-ai\/sdk|vitest|playwright|playwright-core)(\/|$)/;

describe('layering', () => {
  it('core folders import neither the CLI, vitest nor the report layer, and load the SDK, vitest or a browser only lazily', () => {
    const problems: string[] = [];
    for (const folder of CORE) {
      for (const file of sourceFiles(join(SRC, folder))) {
        for (const specifier of staticImports(file)) {
          const target = resolveLocal(file, specifier);
          const where = relative(SRC, file);
          if (target) {
            const top = relative(SRC, target).split('/')[0]!;
            if (UPPER.includes(top)) problems.push(`${where} imports ${specifier}`);
          } else if (HEAVY.test(specifier)) problems.push(`${where} imports ${specifier} at top level`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("`import 'promptgold'` reaches no HTML renderer, SDK, vitest or browser through static imports", () => {
    const seen = new Set<string>();
    const reached: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const specifier of staticImports(file)) {
        const target = resolveLocal(file, specifier);
        if (target) visit(target);
        else if (HEAVY.test(specifier)) reached.push(`${relative(SRC, file)} → ${specifier}`);
      }
    };
    visit(join(SRC, 'index.ts'));
    const renderer = [...seen].filter((file) => relative(SRC, file).startsWith('report/'));
    expect(renderer.map((file) => relative(SRC, file))).toEqual([]);
    expect(reached).toEqual([]);
    expect(seen.size).toBeGreaterThan(30);
  });
});
