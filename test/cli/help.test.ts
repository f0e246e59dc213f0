import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

describe('--help', () => {
  it('lists every command', async () => {
    const result = await runCli(['--help'], REPO_ROOT);
    expect(result.code).toBe(0);
    for (const command of ['run', 'init', 'compare', 'baseline', 'upgrade-check', 'report', 'chaos', 'merge', 'calibrate']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it.each([['run'], ['init'], ['compare'], ['baseline', 'save'], ['upgrade-check'], ['report'], ['chaos'], ['merge'], ['calibrate']])(
    'promptgold %s --help documents the command',
    async (...command) => {
      const result = await runCli([...command.filter(Boolean), '--help'], REPO_ROOT);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: promptgold /);
      expect(result.stdout).toMatch(/Options:/);
    },
  );

  it('an unknown command or flag is a usage error (exit 2)', async () => {
    expect((await runCli(['frobnicate'], REPO_ROOT)).code).toBe(2);
    const result = await runCli(['run', '--repeet', '3'], REPO_ROOT);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--repeet'/);
  });
});
