import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { claimRunFolder, latestRunOf, newRunId, readMeta, writeMeta } from '../../src/records/runDir.js';
import { RunRecordWriter } from '../../src/records/runWriter.js';
import { tempProject, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

describe('run folders', () => {
  it('names runs by suite and UTC second', () => {
    expect(newRunId('triage', new Date('2026-11-22T01:02:03.456Z'))).toBe('triage-20261122-010203');
    expect(newRunId('my suite/x', new Date('2026-11-22T01:02:03Z'))).toBe('my_suite_x-20261122-010203');
  });

  it('finds the latest run of a suite, same-second counters included, ignoring other suites', async () => {
    project = await tempProject();
    for (const name of ['triage-20261121-235959', 'triage-20261122-010203', 'triage-20261122-010203-2', 'triage-20261122-010203-10', 'triage-x-20261123-000000', 'other-20271122-000000']) {
      await mkdir(project.path(name));
    }
    expect(await latestRunOf('triage', project.root)).toBe(project.path('triage-20261122-010203-10'));
    expect(await latestRunOf('missing', project.root)).toBeUndefined();
  });
});

describe('claiming a run folder', () => {
  it('gives every concurrent claim of the same name its own folder', async () => {
    project = await tempProject();
    const claims = await Promise.all(Array.from({ length: 12 }, () => claimRunFolder(project.path('runs'), 'triage-20261122-010203')));
    const ids = claims.map((c) => c.runId).sort();
    expect(new Set(ids).size).toBe(12);
    expect(ids).toContain('triage-20261122-010203');
    expect(ids).toContain('triage-20261122-010203-12');
    for (const claim of claims) expect((await readdir(claim.runDir)).length).toBe(0);
  });

  it('a fresh record writer that finds its folder taken fails loudly instead of mixing two records', async () => {
    project = await tempProject({ 'run/run.jsonl': '{"type":"header"}\n', 'run/prompts.jsonl': '{"hash":"h","user":"u"}\n' });
    const writer = new RunRecordWriter(project.path('run'), false);
    await expect(writer.header('{"type":"header","other":true}')).rejects.toThrow(/run\.jsonl already exists: another run is writing to this run folder/);
    await writer.abandon();
    expect(await readFile(project.path('run/run.jsonl'), 'utf8')).toBe('{"type":"header"}\n');
    expect(await readFile(project.path('run/prompts.jsonl'), 'utf8')).toBe('{"hash":"h","user":"u"}\n');
  });

  it('a resume refuses a folder a live process holds, touching nothing, and takes over a lock left by a dead one', async () => {
    const live = JSON.stringify({ pid: process.ppid, since: 'earlier' });
    project = await tempProject({ 'run/run.jsonl': '{"type":"header"}\n', 'run/run.jsonl.resume.tmp': 'theirs\n', 'run/run.lock': live });
    const second = new RunRecordWriter(project.path('run'), true);
    await expect(second.header('{"type":"header"}')).rejects.toThrow(`the run folder is in use by process ${process.ppid}, which is still writing it`);
    await second.abandon();
    expect(await readFile(project.path('run/run.jsonl.resume.tmp'), 'utf8')).toBe('theirs\n');
    expect(await readFile(project.path('run/run.lock'), 'utf8')).toBe(live);

    // pid 2^22 + 1 is above Linux's pid_max: that process is gone.
    await writeFile(project.path('run/run.lock'), JSON.stringify({ pid: 4194305, since: 'earlier' }));
    const resumed = new RunRecordWriter(project.path('run'), true);
    await resumed.header('{"type":"header"}');
    expect(JSON.parse(await readFile(project.path('run/run.lock'), 'utf8')).pid).toBe(process.pid);
    await resumed.commit();
    expect((await readdir(project.path('run'))).sort()).toEqual(['prompts.jsonl', 'run.jsonl']);
  });
});

describe('meta.json', () => {
  it('is replaced atomically and reports damage instead of reading as missing', async () => {
    project = await tempProject();
    await writeMeta(project.root, { runId: 'r', suite: 's', status: 'running', startedAt: 'now' });
    expect((await readdir(project.root)).sort()).toEqual(['meta.json']);
    expect(await readMeta(project.root)).toMatchObject({ runId: 'r', status: 'running' });
    await writeFile(project.path('meta.json'), '{"runId": "r", "sta');
    await expect(readMeta(project.root)).rejects.toThrow(/meta\.json: meta\.json is damaged/);
    await rm(project.path('meta.json'));
    expect(await readMeta(project.root)).toBeUndefined();
  });
});
