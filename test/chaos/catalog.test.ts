import { describe, expect, it } from 'vitest';
import { CHAOS_OPERATORS, listOperators, operatorsMarkdownTable } from '../../src/chaos/index.js';

describe('operator catalog', () => {
  it('lists every operator with its family, description and property', () => {
    const listed = listOperators();
    expect(listed.map((op) => op.name)).toEqual(CHAOS_OPERATORS.map((op) => op.name));
    expect(Object.keys(listed[0]!).sort()).toEqual(['description', 'family', 'name', 'optIn', 'property']);
    expect(listed.filter((op) => op.optIn).map((op) => op.name)).toEqual(['pad-context-50', 'pad-context-90', 'pad-context-99']);
  });

  it('renders a Markdown table with one escaped row per operator', () => {
    const table = operatorsMarkdownTable();
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toBe('| operator | family | what it does | what must still hold |');
    expect(lines).toHaveLength(CHAOS_OPERATORS.length + 2);
    for (const line of lines.slice(2)) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(6);
    expect(table).toContain('| `zero-width` | invisible |');
    expect(table).toMatch(/\| `pad-context-90` \| size \| .*Opt-in: runs only when named\./);
  });
});
