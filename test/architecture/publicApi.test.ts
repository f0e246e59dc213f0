/**
 * The root entry exports fewer than 100 names, and every one of them is documented in the README's
 * "Library API" section (and nothing documented there is missing from the entry).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

/** Every name `src/index.ts` exports, values and types. */
function exportedNames(): string[] {
  const text = readFileSync(join(REPO_ROOT, 'src/index.ts'), 'utf8');
  const names: string[] = [];
  for (const match of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (name) names.push(name);
    }
  }
  return names;
}

function documentedNames(): Set<string> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Library API'), readme.indexOf('\nThe other entry points'));
  const table = section.split('\n').filter((line) => line.startsWith('| `') || line.startsWith('| types'));
  // Names in the first column; in the description only type names (capitalised), such as option types.
  const names = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);
  return new Set(table.flatMap((line) => [...names(line.split(' | ')[0]!, /`([A-Za-z]+)/g), ...names(line.split(' | ').slice(1).join(' | '), /`([A-Z][A-Za-z]+)`/g)]));
}

describe("the public API of 'promptgold'", () => {
  it('exports fewer than 100 names, each documented in the README, and documents no name it does not export', () => {
    const exported = exportedNames();
    expect(new Set(exported).size).toBe(exported.length);
    expect(exported.length).toBeLessThan(100);
    const documented = documentedNames();
    expect(exported.filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !exported.includes(name))).toEqual([]);
  });
});
