/**
 * Detects a prompt version whose content changed while its version number did not: the same
 * (id, version) with a different content hash than in an earlier record. Comparing such runs
 * would attribute a silent edit to the model or to noise.
 */
import type { PromptRef } from './types.js';

export interface VersionDrift {
  id: string;
  version: string;
  previousHash: string;
  currentHash: string;
  file: string;
}

export function findVersionDrift(previous: PromptRef[], current: PromptRef[]): VersionDrift[] {
  const before = new Map(previous.map((p) => [`${p.id}\u0000${p.version}`, p.hash]));
  const drift: VersionDrift[] = [];
  for (const prompt of current) {
    const previousHash = before.get(`${prompt.id}\u0000${prompt.version}`);
    if (previousHash && previousHash !== prompt.hash) {
      drift.push({ id: prompt.id, version: prompt.version, previousHash, currentHash: prompt.hash, file: prompt.file });
    }
  }
  return drift;
}

export function formatVersionDrift(drift: VersionDrift, previousRun: string): string {
  return (
    `WARNING: ${drift.file}: ${drift.id} ${drift.version} changed since ${previousRun} ` +
    `(content hash ${drift.previousHash.slice(0, 12)} → ${drift.currentHash.slice(0, 12)}) but its version did not: ` +
    'bump `version:` in the front matter so runs of different content are not compared as one version'
  );
}
