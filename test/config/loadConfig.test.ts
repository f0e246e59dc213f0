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

  it('names the line of a setting the schema refuses, and of an unknown key itself', async () => {
    const refusal = async (text: string) => {
      await writeFile(join(root, 'promptgold.config.json'), text);
      return loadConfig(root).then(
        () => expect.unreachable('the config was taken'),
        (caught: unknown) => caught as InputError,
      );
    };
    const config = '{\n  "outDir": "reports",\n  "anthropic": {\n    "maxRetries": 3,\n    "limits": { "requestsPerMinute": -5 }\n  },\n  "maxCostUsd": "0.5"\n}\n';
    const limits = await refusal(config);
    expect(limits.location).toEqual({ file: 'promptgold.config.json', line: 5, field: 'anthropic.limits.requestsPerMinute' });
    expect(limits.message).toMatch(/^promptgold\.config\.json:5: anthropic\.limits\.requestsPerMinute: /);
    const cost = await refusal(config.replace('-5', '5'));
    expect(cost.location).toEqual({ file: 'promptgold.config.json', line: 7, field: 'maxCostUsd' });
    const unknown = await refusal('{\n  "outDir": "reports",\n  "anthropic": {\n    "maxRetrys": 3\n  }\n}\n');
    expect(unknown.location).toEqual({ file: 'promptgold.config.json', line: 4, field: 'anthropic.maxRetrys' });
  });
});

describe('loadConfig: every anthropic setting in ms is a delay one Node timer can hold', () => {
  const load = async (field: string, value: number) => {
    await writeFile(join(root, 'promptgold.config.json'), JSON.stringify({ anthropic: { [field]: value } }));
    return loadConfig(root).then(
      (loaded) => loaded,
      (caught: unknown) => caught,
    );
  };
  // Each becomes a timer: the SDK's attempt timeout, a retry-after the SDK sleeps out, the batch poll's sleep.
  const fields = ['timeoutMs', 'maxRetryWaitMs', 'batchPollMs', 'streamIdleTimeoutMs'];

  it.each(fields)('takes %s up to 2147483647 ms', async (field) => {
    expect(await load(field, 2_147_483_647)).toEqual({ config: { anthropic: { [field]: 2_147_483_647 } }, file: 'promptgold.config.json' });
  });

  it.each(fields)('refuses %s above it, which Node would turn into 1 ms, naming the file, the field and the range', async (field) => {
    const error = await load(field, 2_147_483_648);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toEqual({ file: 'promptgold.config.json', line: 1, field: `anthropic.${field}` });
    expect((error as InputError).message).toMatch(/expected a whole number of ms from 1 to 2147483647 \(about 24\.8 days, the longest timer Node keeps\)/);
  });
});
