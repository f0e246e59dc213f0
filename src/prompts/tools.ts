/**
 * Tools, tool choice and prompt-caching marks of a template's front matter, checked at load the
 * way the API would check them on every request: each tool's input schema is a JSON Schema of
 * type object (compiled once with ajv, so a typo in a keyword is found now and the compiled
 * validator is shared with anything that later checks tool inputs), names are unique, a named
 * tool choice names one of the tools, and at most four cache marks come in the API's order
 * (tools, system, messages) with no 1-hour mark after a 5-minute one.
 */
import { InputError } from '../errors.js';
import type { CacheControl, ToolChoice, ToolDefinition } from '../providers/types.js';
import { compileJsonSchema } from '../scoring/json-schema.js';
import type { CacheTtl, PromptTemplate } from './types.js';

/** The API accepts at most four cache marks per request. */
export const MAX_CACHE_MARKS = 4;

interface Where {
  file: string;
  line?: number;
}

export interface FrontMatterTool {
  name: string;
  description?: string | undefined;
  input_schema: Record<string, unknown>;
  cache?: '5m' | '1h' | true | undefined;
}

export type FrontMatterToolChoice =
  | 'auto'
  | 'any'
  | 'none'
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean | undefined }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean | undefined }
  | { type: 'none' };

export function cacheControlOf(ttl: CacheTtl): CacheControl {
  return { type: 'ephemeral', ttl };
}

/** The front matter's tools as request tools; every input schema compiled once (ajv) and checked. */
export function toolsOf(tools: readonly FrontMatterTool[], where: { file: string; lineOf: (...path: PropertyKey[]) => number }): ToolDefinition[] {
  const seen = new Set<string>();
  return tools.map((tool, i) => {
    const field = `front matter.tools.${i}`;
    if (seen.has(tool.name)) {
      throw new InputError(`tool "${tool.name}" is defined twice`, { file: where.file, line: where.lineOf(i, 'name'), field: `${field}.name` }, 'tool names must be unique');
    }
    seen.add(tool.name);
    const schemaAt = { file: where.file, line: where.lineOf(i, 'input_schema'), field: `${field}.input_schema` };
    if (tool.input_schema.type !== 'object') {
      throw new InputError(
        `the input schema of tool "${tool.name}" must have type: object (got ${JSON.stringify(tool.input_schema.type) ?? 'none'})`,
        schemaAt,
        'a tool takes an object: input_schema: { type: object, properties: { … }, required: [ … ] }',
      );
    }
    compileJsonSchema(tool.input_schema, schemaAt);
    const definition: ToolDefinition = { name: tool.name, inputSchema: tool.input_schema };
    if (tool.description !== undefined) definition.description = tool.description;
    if (tool.cache !== undefined) definition.cacheControl = cacheControlOf(tool.cache === true ? '5m' : tool.cache);
    return definition;
  });
}

export function toolChoiceOf(choice: FrontMatterToolChoice, tools: readonly ToolDefinition[] | undefined, where: Where): ToolChoice {
  const parsed: ToolChoice =
    typeof choice === 'string'
      ? { type: choice }
      : choice.type === 'tool'
        ? { type: 'tool', name: choice.name, ...(choice.disable_parallel_tool_use !== undefined && { disableParallelToolUse: choice.disable_parallel_tool_use }) }
        : choice.type === 'none'
          ? { type: 'none' }
          : { type: choice.type, ...(choice.disable_parallel_tool_use !== undefined && { disableParallelToolUse: choice.disable_parallel_tool_use }) };
  const location = { file: where.file, line: where.line, field: 'front matter.tool_choice' };
  if (!tools?.length) {
    throw new InputError(`tool_choice ${parsed.type} without tools`, location, 'declare the tools the model may call under tools:, or remove tool_choice');
  }
  if (parsed.type === 'tool' && !tools.some((tool) => tool.name === parsed.name)) {
    throw new InputError(
      `tool_choice names the tool "${parsed.name}", which is not among the tools (${tools.map((tool) => tool.name).join(', ')})`,
      location,
    );
  }
  return parsed;
}

/** What is wrong with a request's cache marks (in the API's order: tools, system, messages), or undefined. */
export function cacheMarksProblem(marks: readonly CacheTtl[]): string | undefined {
  if (marks.length > MAX_CACHE_MARKS) return `${marks.length} prompt-caching marks; the API accepts at most ${MAX_CACHE_MARKS} per request`;
  const firstShort = marks.indexOf('5m');
  if (firstShort >= 0 && marks.indexOf('1h', firstShort) > firstShort) {
    return "a 1h cache mark comes after a 5m one; the API reads tools, then system, then messages, and needs the longer TTL first";
  }
  return undefined;
}

/** The cache marks the front matter sets (tools, then system blocks): checked at load. */
export function templateCacheMarks(template: Pick<PromptTemplate, 'tools' | 'systemBlocks'>): CacheTtl[] {
  const marks: CacheTtl[] = [];
  for (const tool of template.tools ?? []) if (tool.cacheControl) marks.push(tool.cacheControl.ttl ?? '5m');
  for (const block of template.systemBlocks ?? []) if (block.cache) marks.push(block.cache);
  return marks;
}

export function checkTemplateCacheMarks(template: Pick<PromptTemplate, 'tools' | 'systemBlocks'>, where: Where): void {
  const problem = cacheMarksProblem(templateCacheMarks(template));
  if (problem) throw new InputError(problem, { file: where.file, line: where.line, field: 'front matter' }, 'mark fewer blocks: a mark caches everything before it too');
}
