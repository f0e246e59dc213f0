/** The record's header line for a loaded suite: what was run, with which content, at which commit. */
import type { RecordHeader } from '../records/types.js';
import { RECORD_VERSION } from '../records/types.js';
import type { LoadedSuite } from './loadSuite.js';
import { planSize } from './plan.js';

export interface HeaderContext {
  git?: RecordHeader['git'];
  toolVersion?: string;
}

export function buildRecordHeader(loaded: LoadedSuite, context: HeaderContext = {}): RecordHeader {
  return {
    type: 'header',
    recordVersion: RECORD_VERSION,
    suite: loaded.suite.name,
    suiteFile: loaded.relativeFile,
    prompts: loaded.prompts.map((p) => ({
      id: p.template.id,
      version: p.template.version,
      hash: p.template.hash,
      file: loaded.relative(p.template.file),
    })),
    models: loaded.models,
    dataset: { path: loaded.relative(loaded.dataset.path), hash: loaded.dataset.hash, cases: loaded.cases.count },
    options: loaded.headerOptions,
    planned: planSize(loaded.plan),
    planHash: loaded.planHash,
    git: context.git ?? { commit: null, dirty: null },
    tool: { name: 'promptgold', version: context.toolVersion ?? '0.0.0' },
    seed: loaded.seed,
  };
}
