import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { compilePrompt } from './compilePrompt.js';
import { displayPath } from '../displayPath.js';
import { naturalCompare } from './naturalSort.js';
import { loadPromptFile } from './loadPromptFile.js';
import { loadPartials } from './partials.js';
import type { PromptTemplate } from './types.js';

const PARTIALS_FOLDER = 'partials';

export interface LoadPromptVersionsOptions {
  /** Keep only these versions; asking for one that does not exist is an error. */
  versions?: string[];
  /** Defaults to the `partials/` folder beside the prompts, when it exists. */
  partialsDir?: string;
}

/**
 * Loads every prompt version in a folder (or one file), attaches the partials and compiles each
 * once so syntax errors, unknown partials and unknown helpers surface at load time. Sorted by
 * version (natural order: v2 < v10), then id.
 */
export async function loadPromptVersions(source: string, options: LoadPromptVersionsOptions = {}): Promise<PromptTemplate[]> {
  const info = await stat(source).catch((error: unknown) => {
    throw new InputError('prompt file or folder not found', { file: source }, "check the suite's `prompt` field", error);
  });
  const files = info.isDirectory() ? await listTemplates(source) : [source];
  if (files.length === 0) {
    throw new InputError('no *.hbs prompt files found in this folder', { file: source });
  }
  const templates: PromptTemplate[] = [];
  for (const file of files) templates.push(await loadPromptFile(file));
  checkUnique(templates);

  const selected = selectVersions(templates, options.versions, source);
  const partials = await partialsFor(info.isDirectory() ? source : dirname(source), options.partialsDir);
  for (const template of selected) {
    if (partials) template.partials = partials;
    compilePrompt(template);
  }
  return selected.sort((a, b) => naturalCompare(a.version, b.version) || naturalCompare(a.id, b.id));
}

/** Every `*.hbs` below `dir`, skipping `partials/` folders, in a stable order. */
async function listTemplates(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== PARTIALS_FOLDER) files.push(...(await listTemplates(path)));
    } else if (entry.name.endsWith('.hbs')) {
      files.push(path);
    }
  }
  return files;
}

/**
 * One version label, one prompt: a run keys its cells (and compare its pairs) by version, so two
 * ids with the same version would be pooled into one cell and reported as one prompt.
 */
function checkUnique(templates: PromptTemplate[]): void {
  const byVersion = new Map<string, PromptTemplate>();
  for (const template of templates) {
    const earlier = byVersion.get(template.version);
    if (earlier) throw sharedVersionError(earlier, template);
    byVersion.set(template.version, template);
  }
}

function sharedVersionError(earlier: PromptTemplate, later: PromptTemplate): InputError {
  const files = `in ${displayPath(earlier.file)} and in ${displayPath(later.file)}`;
  if (earlier.id === later.id) {
    return new InputError(`prompt "${later.id}" version "${later.version}" is defined twice: ${files}`, { file: displayPath(later.file) }, 'give one of them a new version, or delete the copy');
  }
  return new InputError(
    `prompts "${earlier.id}" and "${later.id}" both have version "${later.version}" (${files}): a run keys its results by version, so their samples would be pooled and reported as one prompt`,
    { file: displayPath(later.file), field: 'front matter.version' },
    `give them distinct versions (e.g. version: ${earlier.id}-${later.version} and version: ${later.id}-${later.version}), or run them as separate suites, one prompt folder each`,
  );
}

function selectVersions(templates: PromptTemplate[], versions: string[] | undefined, source: string): PromptTemplate[] {
  if (!versions || versions.length === 0) return [...templates];
  const available = [...new Set(templates.map((template) => template.version))].sort(naturalCompare);
  for (const version of versions) {
    if (!available.includes(version)) {
      throw new InputError(`prompt version "${version}" not found (available: ${available.join(', ')})`, {
        file: source,
        field: 'versions',
      });
    }
  }
  return templates.filter((template) => versions.includes(template.version));
}

async function partialsFor(promptsDir: string, explicitDir: string | undefined): Promise<Record<string, string> | undefined> {
  if (explicitDir !== undefined) return loadPartials(explicitDir);
  const conventional = join(promptsDir, PARTIALS_FOLDER);
  const exists = await stat(conventional).then((entry) => entry.isDirectory(), () => false);
  return exists ? loadPartials(conventional) : undefined;
}
