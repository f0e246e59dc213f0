export type { CompiledPrompt, PromptTemplate, RenderedPrompt, VariableType } from './types.js';
export { loadPromptFile } from './loadPromptFile.js';
export { loadPromptVersions, type LoadPromptVersionsOptions } from './loadPromptVersions.js';
export { compilePrompt } from './compilePrompt.js';
export { loadPartials } from './partials.js';
export { promptContentHash } from './contentHash.js';
export { naturalCompare } from './naturalSort.js';
export { promptHelpers, HelperError } from './helpers.js';
