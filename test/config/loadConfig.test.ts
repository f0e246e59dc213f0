/** promptgold.config.json: read as every file from the user is (UTF-8, a leading BOM is fine), its errors located. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { InputError } from '../../src/errors.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'promptgold-config-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe('loadConfig: promptgold.config.json', () => {
  it('reads a file that starts with a byte-order mark like one without', async () => {
    await writeFile(join(root, 'promptgold.config.json'), '\uFEFF{\r\n  "maxCostUsd": 0.5\r\n}\r\n');
    expect(await loadConfig(root)).toEqual({ config: { maxCostUsd: 0.5 }, file: 'promptgold.config.json' });
  });

  it('names the line and column of a JSON syntax error', async () => {
    await writeFile(join(root, 'promptgold.config.json'), '{\n  "maxCostUsd": 0.5,\n  "outDir": "reports",\n}\n');
    const error = await loadConfig(root).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toEqual({ file: 'promptgold.config.json', line: 4 });
    expect((error as InputError).message).toMatch(/^promptgold\.config\.json:4: not valid JSON \(.* at column 1\)$/m);
  });
});

describe('loadConfig: anthropic.streamIdleTimeoutMs', () => {
  const load = async (streamIdleTimeoutMs: number) => {
    await writeFile(join(root, 'promptgold.config.json'), JSON.stringify({ anthropic: { streamIdleTimeoutMs } }));
    return loadConfig(root).then(
      (loaded) => loaded,
      (caught: unknown) => caught,
    );
  };

  it("takes the longest timer Node keeps (2^31 - 1 ms)", async () => {
    expect(await load(2_147_483_647)).toEqual({ config: { anthropic: { streamIdleTimeoutMs: 2_147_483_647 } }, file: 'promptgold.config.json' });
  });

  it('rejects a longer one, which Node would turn into 1 ms (every stream stalled at once), saying the bound', async () => {
    const error = await load(2_147_483_648);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/streamIdleTimeoutMs/);
    expect((error as InputError).message).toMatch(/at most 2147483647 ms/);
  });
});
