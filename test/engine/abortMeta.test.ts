/**
 * A run that stops on an error marks its meta.json aborted on the way out. When that write fails
 * too (the disk filled up meanwhile), the user still reads the error that stopped the run first,
 * with its exit code; the failed meta.json write is said under it, not in its place.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBatchPhase, type BatchTransport } from '../../src/engine/batch.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { runSuite, startRunRecord } from '../../src/engine/run.js';
import { ExitCode, InfrastructureError, InputError, wordedError } from '../../src/errors.js';
import { createFunctionProvider } from '../../src/providers/function.js';
import { ProviderError, type Provider } from '../../src/providers/types.js';
import { contains } from '../../src/scoring/index.js';
import { defineSuite } from '../../src/suite.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const disk = vi.hoisted(() => ({ full: false }));

// Once `disk.full` is set, every write of a meta.json fails as a write to a full disk does.
vi.mock('../../src/replaceFile.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/replaceFile.js')>();
  return {
    ...original,
    replaceFileWith(file: string, data: string | Uint8Array) {
      if (disk.full && file.endsWith('meta.json')) {
        return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' }));
      }
      return original.replaceFileWith(file, data);
    },
  };
});

let project: TempProject;
afterEach(async () => {
  disk.full = false;
  await project?.cleanup();
});

const META_FULL = /\n {2}and then, while marking the run aborted: .*meta\.json: no space left on device \(ENOSPC on write\)\n {4}hint: free space on that disk/;

async function loadEcho() {
  project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
  return loadSuite(
    defineSuite({ name: 'echo', prompt: './prompts', models: ['model-a'], dataset: './data.jsonl', scorers: [contains({ values: ['word'], mode: 'all' })], repeats: 1 }),
    project.path('echo.eval.ts'),
    {},
    project.root,
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the run to fail'),
    (error: unknown) => error,
  );
}

describe('a run that stops on an error, whose meta.json cannot be written either', () => {
  it('batch: the reason the batch phase stopped is what is said, with its exit code; the meta.json failure under it', async () => {
    const loaded = await loadEcho();
    const runDir = project.path('runs', 'r1');
    await startRunRecord(loaded, { runDir, runId: 'r1', toolVersion: 'test' });
    const keyRejected = new ProviderError('auth', 'invalid x-api-key', { fatal: true });
    const transport: BatchTransport = {
      async submit(_items, options) {
        await options?.onSubmitted?.('b0', []);
        return ['b0'];
      },
      async waitFor() {
        disk.full = true;
        throw keyRejected;
      },
      async *results() {},
    };
    const error = await rejection(runBatchPhase(loaded, { transport, runDir }));
    expect(error).toBe(keyRejected);
    // As the session words it (assemble.ts wraps the provider's error): the reason first, its exit code.
    const worded = wordedError(new InfrastructureError(`the batch phase stopped: ${keyRejected.message}`, 'fix the cause', error));
    expect(worded.text).toMatch(/^the batch phase stopped: invalid x-api-key\n {2}hint: fix the cause/);
    expect(worded.text).toMatch(META_FULL);
    expect(worded.exitCode).toBe(ExitCode.infrastructure);
  });

  it('batch: a refusal that stops it before anything is sent is said first, the meta.json failure under it', async () => {
    const loaded = await loadEcho();
    const runDir = project.path('runs', 'r1');
    await startRunRecord(loaded, { runDir, runId: 'r1', toolVersion: 'test' });
    const transport: BatchTransport = {
      async refusals() {
        disk.full = true;
        throw new ProviderError('not_found', 'the model is retired', { fatal: true });
      },
      async submit() {
        return expect.unreachable('nothing is submitted after a fatal refusal');
      },
      async waitFor() {},
      async *results() {},
    };
    const worded = wordedError(await rejection(runBatchPhase(loaded, { transport, runDir })));
    expect(worded.text).toMatch(/^the batch phase stopped: the model is retired\n {2}hint: this invocation sent no batch/);
    expect(worded.text).toMatch(META_FULL);
    expect(worded.exitCode).toBe(ExitCode.infrastructure);
  });

  it('batch: an accepted batch whose id cannot be saved is named, with how to collect it rather than pay again', async () => {
    const loaded = await loadEcho();
    const runDir = project.path('runs', 'r1');
    await startRunRecord(loaded, { runDir, runId: 'r1', toolVersion: 'test' });
    const transport: BatchTransport = {
      async submit(items, options) {
        disk.full = true;
        await options?.onSubmitted?.('msgbatch_01', items.map((item) => item.customId));
        return ['msgbatch_01'];
      },
      async waitFor() {},
      async *results() {},
    };
    const worded = wordedError(await rejection(runBatchPhase(loaded, { transport, runDir })));
    expect(worded.text).toMatch(/^the API accepted batch msgbatch_01, but its id could not be saved: .*meta\.json: no space left on device \(ENOSPC on write\)\n {2}hint: .*add "msgbatch_01" to the "batches" list of meta\.json.*--resume/);
    expect(worded.text).toMatch(META_FULL);
    expect(worded.exitCode).toBe(ExitCode.infrastructure);
  });

  it('live: the error that stopped the run is what is said, with its exit code; the meta.json failure under it', async () => {
    const loaded = await loadEcho();
    const stopping = new InputError('the scorers of case w001 cannot be made', { file: 'echo.eval.ts', field: 'scorers' }, 'mend the suite');
    let cases = 0;
    // An error the run cannot go on after, met while it runs, when the disk is already full.
    loaded.scorersFor = () => {
      disk.full = true;
      if (++cases > 1) throw stopping;
      return [contains({ values: ['word'], mode: 'all' })];
    };
    const error = await rejection(runSuite(loaded, { provider: createFunctionProvider((input) => String(input.word)), runDir: project.path('runs', 'r1'), runId: 'r1', toolVersion: 'test' }));
    expect(error).toBe(stopping);
    const worded = wordedError(error);
    expect(worded.text).toMatch(/^echo\.eval\.ts: scorers: the scorers of case w001 cannot be made\n {2}hint: mend the suite/);
    expect(worded.text).toMatch(META_FULL);
    expect(worded.exitCode).toBe(ExitCode.usageOrInput);
  });

  it('live: a fatal provider error that stopped the run is what is said (exit 3); the meta.json failure under it', async () => {
    const loaded = await loadEcho();
    const keyRejected: Provider = {
      id: 'rejecting',
      async generate() {
        disk.full = true;
        throw new ProviderError('auth', 'invalid x-api-key', { fatal: true });
      },
    };
    const error = await rejection(runSuite(loaded, { provider: keyRejected, runDir: project.path('runs', 'r1'), runId: 'r1', toolVersion: 'test' }));
    const worded = wordedError(error);
    expect(worded.text).toMatch(/^run stopped: invalid x-api-key\n {2}hint: fix the cause, then `promptgold run --resume <run folder>`/);
    expect(worded.text).toMatch(META_FULL);
    expect(worded.exitCode).toBe(ExitCode.infrastructure);
  });
});
